// Monitors' wallpapers and the recently used list.
#include <catch2/catch.hpp>
#include <string>

#include "dotlog/state/state_manager.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

using testing::Value;

struct Fixture : testing::StateFixture {
  explicit Fixture(size_t recent_limit = 50)
      : StateFixture(
            testing::OptionsWith(&StateOptions::recent_limit, recent_limit)) {}

  std::vector<std::string> RecentPaths() {
    std::vector<std::string> paths;
    for (const RecentWallpaper& r : Value(state->RecentWallpapers())) {
      paths.push_back(r.path);
    }
    return paths;
  }
};

TEST_CASE("Setting a monitor's wallpaper records it with the time") {
  Fixture f;
  MonitorWallpaper set =
      Value(f.state->SetMonitorWallpaper("DP-1", "/w/a.png"));
  CHECK(set.monitor == "DP-1");
  CHECK(set.path == "/w/a.png");
  CHECK(set.set_at == f.clock.Now());
  MonitorWallpaper got = Value(f.state->GetMonitorWallpaper("DP-1"));
  CHECK(got.path == "/w/a.png");
  CHECK(got.set_at == set.set_at);
}

TEST_CASE("Each monitor keeps its own wallpaper; listing is by name") {
  Fixture f;
  REQUIRE_OK(f.state->SetMonitorWallpaper("HDMI-A-1", "/w/b.png"));
  REQUIRE_OK(f.state->SetMonitorWallpaper("DP-1", "/w/a.png"));
  f.clock.Advance(std::chrono::seconds(1));
  REQUIRE_OK(f.state->SetMonitorWallpaper("DP-1", "/w/c.png"));
  auto all = Value(f.state->ListMonitorWallpapers());
  REQUIRE(all.size() == 2);
  CHECK(all[0].monitor == "DP-1");
  CHECK(all[0].path == "/w/c.png");
  CHECK(all[0].set_at == f.clock.Now());
  CHECK(all[1].monitor == "HDMI-A-1");
  CHECK(all[1].path == "/w/b.png");
}

TEST_CASE("A monitor with no wallpaper is NotFound") {
  Fixture f;
  CHECK(absl::IsNotFound(f.state->GetMonitorWallpaper("DP-1").status()));
  CHECK(Value(f.state->ListMonitorWallpapers()).empty());
  CHECK(Value(f.state->RecentWallpapers()).empty());
}

TEST_CASE("Setting a wallpaper puts it first in the recent list, once") {
  Fixture f;
  REQUIRE_OK(f.state->SetMonitorWallpaper("DP-1", "/w/a.png"));
  f.clock.Advance(std::chrono::seconds(1));
  REQUIRE_OK(f.state->SetMonitorWallpaper("DP-2", "/w/b.png"));
  f.clock.Advance(std::chrono::seconds(1));
  REQUIRE_OK(f.state->SetMonitorWallpaper("DP-2", "/w/a.png"));
  CHECK(f.RecentPaths() == std::vector<std::string>{"/w/a.png", "/w/b.png"});
  CHECK(Value(f.state->RecentWallpapers())[0].used_at == f.clock.Now());
}

TEST_CASE("The recent list is cut at its limit, dropping the oldest") {
  Fixture f(3);
  for (const char* p : {"/a", "/b", "/c", "/d"}) {
    REQUIRE_OK(f.state->SetMonitorWallpaper("DP-1", p));
  }
  CHECK(f.RecentPaths() == std::vector<std::string>{"/d", "/c", "/b"});
}

TEST_CASE("The wallpaper path is normalised and need not exist") {
  Fixture f;
  MonitorWallpaper set =
      Value(f.state->SetMonitorWallpaper("DP-1", "/w/x/../a.png"));
  CHECK(set.path == "/w/a.png");
}

TEST_CASE("Monitor names must be non-empty and printable") {
  Fixture f;
  for (std::string bad : {std::string(""), std::string("DP\n1"),
                          std::string("\x01"), std::string("\xc3")}) {
    INFO(bad);
    auto result = f.state->SetMonitorWallpaper(bad, "/w/a.png");
    CHECK(absl::IsInvalidArgument(result.status()));
    CHECK(std::string(result.status().message()).starts_with("monitor"));
  }
  CHECK(absl::IsInvalidArgument(f.state->GetMonitorWallpaper("").status()));
  CHECK(Value(f.state->RecentWallpapers()).empty());
}

}  // namespace
}  // namespace dotlog
