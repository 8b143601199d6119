// The rounds of the crash tests (tests/store/crash_*_test.cc). In each
// round a child process writes with the round's Workload (see
// crash_workload.h) and reports every acknowledged write through a pipe;
// the test kills it with SIGKILL at a random moment, reopens the store and
// checks that it holds exactly what was acknowledged, plus at most the one
// write that was in flight, applied whole; that nothing is reported as
// damage; and, reading the files directly, that they hold only whole,
// checksummed lines but for a torn tail, which the next write cuts off.
//
// Every round of a test case runs on the same directory, so each open also
// recovers over earlier crashes' leftovers.
#ifndef DOTLOG_TESTS_SUPPORT_CRASH_ROUNDS_H_
#define DOTLOG_TESTS_SUPPORT_CRASH_ROUNDS_H_

#include <cstdint>
#include <random>
#include <string>

#include "dotlog/store.h"
#include "support/crash_workload.h"
#include "support/temp_dir.h"

namespace dotlog::testing {

class CrashRounds {
 public:
  // Rounds on a store in a fresh temporary directory, opened with `options`
  // but for their sync mode, which is SyncMode::kAlways (an acknowledged
  // write must be on disk), with the calls of `workload`. Their random
  // draws start from TestSeed(), which is also reported with WARN.
  CrashRounds(Options options, Workload workload);

  void Run(uint64_t rounds) {
    for (uint64_t round = 1; round <= rounds; ++round) {
      RunRound(round);
    }
  }

  // The seed of the rounds' random draws, to replay a failure.
  uint64_t seed() const { return seed_; }
  uint64_t acknowledged_calls() const { return acknowledged_calls_; }
  uint64_t in_flight_applied() const { return in_flight_applied_; }
  uint64_t torn_tails() const { return torn_tails_; }
  uint64_t segments() const { return segments_; }
  // Makes every `rounds`th round end with a Compact call; 0: never.
  void set_compact_every(uint64_t rounds) { compact_every_ = rounds; }
  // Base segments seen, and rounds whose kill left a compaction unfinished.
  uint64_t compactions() const { return compactions_; }
  uint64_t compaction_leftovers() const { return compaction_leftovers_; }

 private:
  // One child's life and death, then the checks.
  void RunRound(uint64_t round);

  const TempDir tmp_;
  const std::string dir_;
  const Options options_;
  const uint64_t seed_;
  const Workload workload_;
  std::mt19937_64 rng_;
  StoreState state_;  // what the store holds between rounds
  uint64_t acknowledged_calls_ = 0;
  uint64_t in_flight_applied_ = 0;
  uint64_t torn_tails_ = 0;
  uint64_t segments_ = 0;
  uint64_t compact_every_ = 0;
  uint64_t compactions_ = 0;
  uint64_t compaction_leftovers_ = 0;
  uint64_t last_base_ = 0;
};

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_CRASH_ROUNDS_H_
