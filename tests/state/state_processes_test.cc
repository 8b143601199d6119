// Several real processes on one store through the state layer: each sets
// wallpapers on its own monitor, adds favourites and appends events at the
// same time as the others. Afterwards the recent list, the monitors, the
// favourites and the event log are exactly what the operations imply:
// nothing lost to a concurrent read-modify-write, no id given twice.
//
// Processes are fork()ed children that use only the dotlog API and pipes,
// and leave with _exit(). Pipes are the only synchronisation.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dotlog/state/state_manager.h"
#include "support/child_process.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

constexpr int kProcesses = 8;
constexpr int kPerProcess = 40;

std::string Monitor(int p) { return "DP-" + std::to_string(p); }
std::string Shown(int p, int n) {
  return "/walls/p" + std::to_string(p) + "-" + std::to_string(n) + ".png";
}
std::string Loved(int p, int n) {
  return "/loved/p" + std::to_string(p) + "-" + std::to_string(n) + ".png";
}

// One child's work: kPerProcess rounds of a wallpaper set, a favourite and
// an event. Writes "<event id> <n>\n" for each event to `out`.
int RunChild(const std::string& dir, const StateOptions& options, int p,
             int start_fd, int out_fd) {
  auto state = StateManager::Open(dir, options);
  if (!state.ok()) return 2;
  if (ReadByte(start_fd)) return 3;
  std::string ids;
  for (int n = 0; n < kPerProcess; ++n) {
    if (!(*state)->SetMonitorWallpaper(Monitor(p), Shown(p, n)).ok()) return 4;
    if (!(*state)->AddFavourite(Loved(p, n)).ok()) return 5;
    auto event = (*state)->AppendEvent("command", "proc" + std::to_string(p),
                                       "{\"n\":" + std::to_string(n) + "}");
    if (!event.ok()) return 6;
    ids += std::to_string(event->id) + " " + std::to_string(n) + "\n";
  }
  return WriteAll(out_fd, ids) ? 0 : 7;
}

TEST_CASE(
    "8 processes setting wallpapers, adding favourites and appending "
    "events at once lose nothing",
    "[process]") {
  TempDir tmp;
  const std::string dir = tmp.Join("db");
  StateOptions options;
  options.store.sync = SyncMode::kNone;
  options.store.lock_timeout = std::chrono::seconds(120);
  // Long enough to hold every wallpaper shown, so its content is exact.
  options.recent_limit = kProcesses * kPerProcess;
  auto observer = OpenStateOrDie(dir, options);

  Pipe start;  // end of file is the start signal
  std::vector<std::unique_ptr<Pipe>> outs;
  std::vector<ChildProcess> children;
  for (int p = 0; p < kProcesses; ++p) {
    outs.push_back(std::make_unique<Pipe>());
    Pipe* out = outs.back().get();
    children.push_back(ChildProcess::Start([&, p] {
      start.CloseWrite();
      out->CloseRead();
      return RunChild(dir, options, p, start.read_fd(), out->write_fd());
    }));
  }
  start.CloseWrite();
  for (ChildProcess& child : children) CHECK(ExitedWith(child.Wait(), 0));

  // Event ids: each process's rise with its rounds; all are 1..total once.
  std::map<uint64_t, std::pair<int, int>> by_id;  // id -> (process, round)
  for (int p = 0; p < kProcesses; ++p) {
    outs[p]->CloseWrite();
    std::istringstream lines(ReadAll(outs[p]->read_fd()));
    uint64_t id = 0, last = 0;
    int n = 0, rounds = 0;
    while (lines >> id >> n) {
      CHECK(id > last);
      last = id;
      CHECK(by_id.emplace(id, std::pair{p, n}).second);
      ++rounds;
    }
    CHECK(rounds == kPerProcess);
  }
  const size_t total = kProcesses * kPerProcess;
  REQUIRE(by_id.size() == total);
  CHECK(by_id.begin()->first == 1);
  CHECK(by_id.rbegin()->first == total);

  // The event log holds exactly those events, newest first.
  auto events = Value(observer->QueryEvents({}));
  REQUIRE(events.size() == total);
  for (size_t i = 0; i < total; ++i) {
    const Event& e = events[i];
    CHECK(e.id == total - i);
    const auto [p, n] = by_id[e.id];
    CHECK(e.component == "proc" + std::to_string(p));
    CHECK(e.details == "{\"n\":" + std::to_string(n) + "}");
    if (i > 0) CHECK(e.time <= events[i - 1].time);
  }

  // Each monitor shows its process's last wallpaper.
  auto monitors = Value(observer->ListMonitorWallpapers());
  REQUIRE(monitors.size() == kProcesses);
  for (int p = 0; p < kProcesses; ++p) {
    CHECK(Value(observer->GetMonitorWallpaper(Monitor(p))).path ==
          Shown(p, kPerProcess - 1));
  }

  // The recent list holds every wallpaper shown, once, each process's in
  // the reverse order it showed them.
  auto recent = Value(observer->RecentWallpapers());
  REQUIRE(recent.size() == total);
  std::set<std::string> recent_paths;
  std::map<int, int> next_round;  // process -> round expected next
  for (int p = 0; p < kProcesses; ++p) next_round[p] = kPerProcess - 1;
  for (const RecentWallpaper& r : recent) {
    recent_paths.insert(r.path);
    int p = -1, n = -1;
    REQUIRE(sscanf(r.path.c_str(), "/walls/p%d-%d.png", &p, &n) == 2);
    CHECK(n == next_round[p]--);
  }
  CHECK(recent_paths.size() == total);

  // Every favourite is there.
  auto favourites = Value(observer->ListFavourites());
  std::set<std::string> loved;
  for (const Favourite& f : favourites) loved.insert(f.path);
  std::set<std::string> expected;
  for (int p = 0; p < kProcesses; ++p) {
    for (int n = 0; n < kPerProcess; ++n) expected.insert(Loved(p, n));
  }
  CHECK(loved == expected);
  CHECK(observer->store().Damage().empty());
}

}  // namespace
}  // namespace dotlog::testing
