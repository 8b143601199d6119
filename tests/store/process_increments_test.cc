// Several real processes on one store directory: read-modify-writes are
// atomic across processes, WriteBatch::Add's included. Increments of one counter from several
// processes return every value from 1 to the total exactly once and leave
// the counter at the total, with or without syncing, and while another
// process compacts the store in a loop.
//
// Processes are fork()ed children that use only the dotlog API and pipes,
// and leave with _exit(). Pipes are the only synchronisation: no test
// sleeps to wait for another process.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dotlog/store.h"
#include "support/child_process.h"
#include "support/process_helpers.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

using namespace std::chrono_literals;

struct IncrementRun {
  int processes = 8;
  int per_process = 500;
  SyncMode sync = SyncMode::kNone;
  // Another process compacts the store in a loop while the others
  // increment; small segments then give every compaction sealed segments
  // full of superseded counter values to drop.
  bool compacting_process = false;
  uint64_t segment_bytes = 8 << 20;
};

// Runs `run.processes` children that each open the store, wait at a common
// start line, then call Increment("counter", 1) `run.per_process` times.
// Checks that the values returned are exactly 1..total, each returned once
// and rising within each process, and that the counter ends at the total.
void CheckConcurrentIncrements(const IncrementRun& run) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options;
  options.sync = run.sync;
  options.segment_bytes = run.segment_bytes;
  // Only the compacting process compacts, so its compactions never meet
  // another one (which would fail it with Aborted).
  if (run.compacting_process) options.auto_compact = false;
  // The test is about atomicity, not about fair turns at the lock: a
  // process may wait while the others finish all their increments.
  options.lock_timeout = 120s;
  auto observer = OpenOrDie(dir, options);
  std::optional<CompactingProcess> compactor;
  if (run.compacting_process) compactor.emplace(dir, options);

  Pipe start;  // end of file is the start signal
  std::vector<std::unique_ptr<Pipe>> results;
  std::vector<ChildProcess> children;
  for (int p = 0; p < run.processes; ++p) {
    results.push_back(std::make_unique<Pipe>());
    Pipe* result = results.back().get();
    children.push_back(ChildProcess::Start([&] {
      start.CloseWrite();
      result->CloseRead();
      auto store = Store::Open(dir, options);
      if (!store.ok()) return 2;
      if (ReadByte(start.read_fd())) return 3;
      std::string values;
      for (int n = 0; n < run.per_process; ++n) {
        auto v = (*store)->Increment("counter", 1);
        if (!v.ok()) {
          WriteAll(result->write_fd(), "error " + v.status().ToString() + "\n");
          return 4;
        }
        values += std::to_string(*v) + "\n";
      }
      // Fits the pipe's buffer: the child never waits for the parent here.
      return WriteAll(result->write_fd(), values) ? 0 : 5;
    }));
  }
  start.CloseWrite();
  for (ChildProcess& child : children) CHECK(ExitedWith(child.Wait(), 0));
  if (compactor) {
    // The first compaction ran before the start line: at least one more
    // overlapped the increments.
    const uint64_t compactions = compactor->Stop();
    WARN(compactions << " compactions ran alongside the increments");
    CHECK(compactions >= 2);
  }

  std::vector<int64_t> all;
  for (int p = 0; p < run.processes; ++p) {
    results[p]->CloseWrite();
    const std::string text = ReadAll(results[p]->read_fd());
    INFO("process " << p << " returned:\n" << text.substr(0, 300));
    std::vector<int64_t> mine;
    for (size_t pos = 0; pos < text.size();) {
      const size_t nl = text.find('\n', pos);
      REQUIRE(nl != std::string::npos);
      REQUIRE(text.compare(pos, 5, "error") != 0);
      mine.push_back(std::stoll(text.substr(pos, nl - pos)));
      pos = nl + 1;
    }
    REQUIRE(mine.size() == static_cast<size_t>(run.per_process));
    CHECK(std::is_sorted(mine.begin(), mine.end()));
    all.insert(all.end(), mine.begin(), mine.end());
  }
  const int64_t total = int64_t{run.processes} * run.per_process;
  std::sort(all.begin(), all.end());
  std::vector<int64_t> expected(static_cast<size_t>(total));
  for (int64_t i = 0; i < total; ++i) expected[static_cast<size_t>(i)] = i + 1;
  // Each increment saw every earlier one: no value twice, none skipped.
  CHECK(all == expected);

  const std::string total_text = std::to_string(total);
  CHECK(observer->Get("counter").value_or("") == total_text);
  auto reopened = OpenOrDie(dir, options);
  CHECK(reopened->Get("counter").value_or("") == total_text);
  auto stats = reopened->GetStats();
  REQUIRE_OK(stats);
  CHECK(stats->last_seq == static_cast<uint64_t>(total));
  CHECK(reopened->Damage().empty());
  CHECK(observer->Damage().empty());
}

TEST_CASE("8 processes x 500 increments of one counter give exactly 4000",
          "[process]") {
  CheckConcurrentIncrements(
      {.processes = 8, .per_process = 500, .sync = SyncMode::kNone});
}

TEST_CASE(
    "8 processes x 500 increments give exactly 4000 while another process "
    "compacts in a loop",
    "[process][compaction]") {
  CheckConcurrentIncrements({.processes = 8,
                             .per_process = 500,
                             .sync = SyncMode::kNone,
                             .compacting_process = true,
                             .segment_bytes = 4096});
}

TEST_CASE(
    "8 processes x 250 increments of one counter with SyncMode::kAlways give "
    "exactly 2000",
    "[process]") {
  CheckConcurrentIncrements(
      {.processes = 8, .per_process = 250, .sync = SyncMode::kAlways});
}

TEST_CASE(
    "4 processes adding in batches and 4 incrementing, 300 times each, give "
    "exactly 2400",
    "[process]") {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options;
  options.lock_timeout = 120s;
  auto observer = OpenOrDie(dir, options);
  constexpr int kProcesses = 8, kEach = 300;
  Pipe start;  // end of file is the start signal
  std::vector<ChildProcess> children;
  for (int p = 0; p < kProcesses; ++p) {
    children.push_back(ChildProcess::Start([&, p] {
      start.CloseWrite();
      auto store = Store::Open(dir, options);
      if (!store.ok()) return 2;
      if (ReadByte(start.read_fd())) return 3;
      for (int n = 0; n < kEach; ++n) {
        if (p % 2 == 0) {
          if (!(*store)->Increment("counter", 1).ok()) return 4;
          continue;
        }
        // The addition is decided under the lock, with the batch's put.
        WriteBatch batch;
        batch.Add("counter", 1);
        batch.Put("adder/" + std::to_string(p), std::to_string(n));
        if (!(*store)->Write(batch).ok()) return 5;
      }
      return 0;
    }));
  }
  start.CloseWrite();
  for (ChildProcess& child : children) CHECK(ExitedWith(child.Wait(), 0));
  CHECK(observer->Get("counter").value_or("") ==
        std::to_string(kProcesses * kEach));
  CHECK(observer->Damage().empty());
}

}  // namespace
}  // namespace dotlog::testing
