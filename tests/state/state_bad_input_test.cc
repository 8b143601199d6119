// Bad input to the state layer is InvalidArgument naming what was wrong,
// and leaves the store's directory byte for byte as it was.
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "dotlog/state/state_manager.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::StatusOf;
using testing::TempDir;

struct BadCall {
  std::string what;   // the call, for the report
  std::string names;  // what the message must start with
  std::function<absl::Status(StateManager&)> call;
};

TEST_CASE(
    "Bad input is InvalidArgument naming the field and writes "
    "nothing") {
  TempDir tmp;
  const std::string dir = tmp.Join("db");
  const std::string wall = tmp.Join("w.png");
  testing::WriteFileBytes(wall, "w");
  auto state = testing::OpenStateOrDie(dir);
  // Some state first, so that a write would show.
  REQUIRE_OK(state->CacheWallpaper(wall));
  REQUIRE_OK(state->SetMonitorWallpaper("DP-1", wall));
  REQUIRE_OK(state->AppendEvent("command", "x"));
  REQUIRE_OK(state->store().Sync());
  const auto before = testing::ReadDirBytes(dir);
  REQUIRE_FALSE(before.empty());

  const std::vector<BadCall> calls = {
      {"empty monitor", "monitor",
       [&](StateManager& s) {
         return StatusOf(s.SetMonitorWallpaper("", wall));
       }},
      {"monitor with a newline", "monitor",
       [&](StateManager& s) {
         return StatusOf(s.SetMonitorWallpaper("DP\n1", wall));
       }},
      {"empty wallpaper path", "path",
       [&](StateManager& s) {
         return StatusOf(s.SetMonitorWallpaper("DP-1", ""));
       }},
      {"cache metadata not an object", "metadata",
       [&](StateManager& s) { return StatusOf(s.CacheWallpaper(wall, "[]")); }},
      {"cache metadata naming a filled field", "metadata field cached_at",
       [&](StateManager& s) {
         return StatusOf(s.CacheWallpaper(wall, "{\"cached_at\":1}"));
       }},
      {"cache path with a NUL", "path",
       [&](StateManager& s) {
         return StatusOf(s.CacheWallpaper(std::string("/a\0b", 4)));
       }},
      {"colour scheme metadata not an object", "metadata",
       [&](StateManager& s) {
         return StatusOf(s.SetColorScheme("nord", "1"));
       }},
      {"empty component health", "component",
       [&](StateManager& s) {
         return StatusOf(s.SetHealth("", HealthStatus::kOk));
       }},
      {"unknown health status", "health status",
       [&](StateManager&) { return StatusOf(ParseHealthStatus("fine")); }},
      {"component name with a control character", "component",
       [&](StateManager& s) {
         return StatusOf(s.InstallComponent("a\x7f", "1"));
       }},
      {"component config not an object", "config",
       [&](StateManager& s) {
         return StatusOf(s.InstallComponent("waybar", "1", "\"x\""));
       }},
      {"empty favourite path", "path",
       [&](StateManager& s) { return StatusOf(s.AddFavourite("")); }},
      {"empty event type", "event_type",
       [&](StateManager& s) { return StatusOf(s.AppendEvent("", "")); }},
      {"event details not an object", "details",
       [&](StateManager& s) {
         return StatusOf(s.AppendEvent("x", "", "null"));
       }},
      {"negative limit", "limit",
       [&](StateManager& s) {
         EventQuery q;
         q.limit = -5;
         return StatusOf(s.QueryEvents(q));
       }},
      {"state value not JSON", "value",
       [&](StateManager& s) { return s.SetState("k", "{\"a\":"); }},
      {"empty state key", "key",
       [&](StateManager& s) { return s.SetState("", "1"); }},
  };
  for (const BadCall& c : calls) {
    INFO(c.what);
    const absl::Status status = c.call(*state);
    INFO(status.ToString());
    CHECK(absl::IsInvalidArgument(status));
    CHECK(std::string(status.message()).starts_with(c.names));
  }
  REQUIRE_OK(state->store().Sync());
  CHECK(testing::ReadDirBytes(dir) == before);
}

}  // namespace
}  // namespace dotlog
