// The state layer's writes across a simulated power loss at every mutation
// point: the recovered state is exactly what the acknowledged operations
// made, plus at most the one in flight, applied whole; and the state layer
// goes on working over it (an event appended next gets a new, higher id).
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dotlog/state/state_manager.h"
#include "support/fake_clock.h"
#include "support/fault_file_system.h"
#include "support/status_helpers.h"

namespace dotlog::testing {
namespace {

using CrashMode = FaultFileSystem::CrashMode;
using Op = std::function<absl::Status(StateManager&)>;

constexpr char kDir[] = "/store";

// Monitors, recent list, favourites, and events as one comparable text.
std::string View(StateManager& state) {
  std::string view = "monitors:";
  for (const MonitorWallpaper& m : Value(state.ListMonitorWallpapers())) {
    absl::StrAppend(&view, " ", m.monitor, "=", m.path);
  }
  view += "\nrecent:";
  for (const RecentWallpaper& r : Value(state.RecentWallpapers())) {
    absl::StrAppend(&view, " ", r.path);
  }
  view += "\nfavourites:";
  for (const Favourite& f : Value(state.ListFavourites())) {
    absl::StrAppend(&view, " ", f.path);
  }
  view += "\nevents:";
  for (const Event& e : Value(state.QueryEvents({}))) {
    absl::StrAppend(&view, " ", e.id, e.details);
  }
  return view;
}

std::vector<Op> Workload() {
  std::vector<Op> ops;
  for (int i = 0; i < 4; ++i) {
    const std::string path = absl::StrCat("/w/", i, ".png");
    const std::string monitor = absl::StrCat("DP-", i % 2);
    ops.push_back([=](StateManager& s) {
      return s.SetMonitorWallpaper(monitor, path).status();
    });
    ops.push_back(
        [=](StateManager& s) { return s.AddFavourite(path).status(); });
    ops.push_back([=](StateManager& s) {
      return s.AppendEvent("command", "", absl::StrCat("{\"i\":", i, "}"))
          .status();
    });
  }
  ops.push_back([](StateManager& s) { return s.RemoveFavourite("/w/0.png"); });
  return ops;
}

StateOptions MakeOptions(FaultFileSystem* fs, FakeClock* clock) {
  StateOptions options;
  options.clock = clock;
  options.store.file_system = fs;
  options.store.sync = SyncMode::kAlways;
  return options;
}

TEST_CASE(
    "After a crash at any point the state is what the acknowledged "
    "operations made, plus at most the one in flight") {
  const std::vector<Op> ops = Workload();
  // The views after 0, 1, ... operations, from a run that does not crash.
  std::vector<std::string> views;
  uint64_t points = 0;
  {
    FaultFileSystem fs;
    FakeClock clock;
    auto state = Value(StateManager::Open(kDir, MakeOptions(&fs, &clock)));
    const uint64_t opened = fs.mutation_count();
    views.push_back(View(*state));
    for (const Op& op : ops) {
      REQUIRE_OK(op(*state));
      views.push_back(View(*state));
    }
    points = fs.mutation_count() - opened;
  }
  REQUIRE(points > ops.size());

  uint64_t in_flight_applied = 0;
  for (CrashMode mode : FaultFileSystem::kCrashModes) {
    for (uint64_t point = 1; point <= points; ++point) {
      FaultFileSystem fs;
      FakeClock clock;
      const StateOptions options = MakeOptions(&fs, &clock);
      size_t acked = 0;
      uint64_t crash_point = 0;
      {
        auto state = Value(StateManager::Open(kDir, options));
        crash_point = fs.mutation_count() + point;
        fs.CrashAtPoint(crash_point);
        while (acked < ops.size() && ops[acked](*state).ok()) ++acked;
      }  // The process dies.
      INFO("crash at " << fs.DescribePoint(crash_point) << ", mode "
                       << static_cast<int>(mode) << ", " << acked
                       << " operations acknowledged");
      fs.Recover(mode, point);
      auto state = Value(StateManager::Open(kDir, options));
      const std::string view = View(*state);
      INFO("recovered:\n" << view);
      const bool exact = view == views[acked];
      const bool plus_one = acked < ops.size() && view == views[acked + 1];
      CHECK((exact || plus_one));
      if (plus_one) ++in_flight_applied;
      CHECK(state->store().Damage().empty());

      // The layer goes on: the next event's id is above every other.
      const std::vector<Event> before = Value(state->QueryEvents({}));
      const Event next = Value(state->AppendEvent("command", ""));
      if (!before.empty()) CHECK(next.id > before.front().id);
    }
  }
  WARN(in_flight_applied << " crashes kept the operation in flight");
}

}  // namespace
}  // namespace dotlog::testing
