// Opening a StateManager: options, the store underneath, path
// normalisation, and the layout every value follows.
#include "dotlog/state/state_manager.h"

#include <catch2/catch.hpp>
#include <string>

#include "support/fake_clock.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::FakeClock;
using testing::TempDir;
using testing::Value;

TEST_CASE(
    "Open creates the store and defaults follow the documented "
    "limits") {
  TempDir tmp;
  auto state = testing::OpenStateOrDie(tmp.Join("db"));
  CHECK(state->options().cache_ttl == std::chrono::hours(24 * 30));
  CHECK(state->options().recent_limit == 50);
  CHECK(state->options().event_max_count == 10000);
  CHECK(state->options().event_max_age == std::chrono::hours(24 * 90));
  REQUIRE_OK(state->store().Put("plain", "1"));
  CHECK(Value(state->store().Get("plain")) == "1");
}

TEST_CASE("Options with a zero limit are InvalidArgument naming the field") {
  TempDir tmp;
  struct Case {
    StateOptions options;
    std::string field;
  };
  StateOptions ttl, recent, count, age;
  ttl.cache_ttl = std::chrono::milliseconds(0);
  recent.recent_limit = 0;
  count.event_max_count = 0;
  age.event_max_age = std::chrono::milliseconds(-1);
  for (const Case& c :
       {Case{ttl, "cache_ttl"}, Case{recent, "recent_limit"},
        Case{count, "event_max_count"}, Case{age, "event_max_age"}}) {
    auto opened = StateManager::Open(tmp.Join("db"), c.options);
    CHECK(absl::IsInvalidArgument(opened.status()));
    CHECK(std::string(opened.status().message()).find(c.field) !=
          std::string::npos);
  }
  CHECK(absl::IsInvalidArgument(StateManager::ForStore(nullptr).status()));
}

TEST_CASE("A manager over an existing store shares it with the caller") {
  TempDir tmp;
  auto store = testing::OpenOrDie(tmp.Join("db"));
  auto state = Value(StateManager::ForStore(store.get()));
  CHECK(&state->store() == store.get());
  REQUIRE_OK(state->SetColorScheme("nord"));
  CHECK(Value(store->Contains("state/colorscheme")));
}

TEST_CASE("The manager's clock is given to the store it opens") {
  TempDir tmp;
  FakeClock clock;
  StateOptions options;
  options.clock = &clock;
  auto state = testing::OpenStateOrDie(tmp.Join("db"), options);
  PutOptions ttl;
  ttl.ttl = std::chrono::seconds(10);
  REQUIRE_OK(state->store().Put("k", "1", ttl));
  clock.Advance(std::chrono::seconds(10));
  CHECK_FALSE(Value(state->store().Contains("k")));
}

TEST_CASE(
    "Every key the layer writes starts with state/ and every value is "
    "an object of layout 1") {
  TempDir tmp;
  auto state = testing::OpenStateOrDie(tmp.Join("db"));
  const std::string wall = tmp.Join("w.png");
  testing::WriteFileBytes(wall, "w");
  REQUIRE_OK(state->CacheWallpaper(wall));
  REQUIRE_OK(state->SetMonitorWallpaper("DP-1", wall));
  REQUIRE_OK(state->SetColorScheme("nord"));
  REQUIRE_OK(state->RecordBackup("/backups/1"));
  REQUIRE_OK(state->SetHealth("waybar", HealthStatus::kOk));
  REQUIRE_OK(state->InstallComponent("waybar", "1.0"));
  REQUIRE_OK(state->AddFavourite(wall));
  REQUIRE_OK(state->AppendEvent("command", "", "{}"));
  REQUIRE_OK(state->SetState("mine", "[1]"));
  auto contents = testing::Contents(state->store());
  CHECK(contents.size() == 10);
  for (const auto& [key, value] : contents) {
    INFO(key << " = " << value);
    CHECK(key.starts_with("state/"));
    CHECK(value.starts_with("{\"layout\":1,"));
  }
  CHECK(contents.count("state/wallpaper/cache" + wall) == 1);
  CHECK(contents.count("state/wallpaper/favourite" + wall) == 1);
  CHECK(contents.count("state/event/00000000000000000001") == 1);
  CHECK(contents.count("state/user/mine") == 1);
}

TEST_CASE("NormalizePath refuses what cannot be made an absolute path") {
  TempDir tmp;
  auto state = testing::OpenStateOrDie(tmp.Join("db"));
  CHECK(absl::IsInvalidArgument(state->NormalizePath("").status()));
  CHECK(absl::IsInvalidArgument(
      state->NormalizePath(std::string("a\0b", 3)).status()));
  CHECK(absl::IsInvalidArgument(state->NormalizePath("\xff").status()));
  CHECK(Value(state->NormalizePath("/a/./b/../c//d/")) == "/a/c/d");
  CHECK(Value(state->NormalizePath("/..")) == "/");
}

}  // namespace
}  // namespace dotlog
