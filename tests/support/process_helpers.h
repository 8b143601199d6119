// Helpers shared by the multi-process tests (tests/store/process_*_test.cc)
// and the crash tests (tests/store/crash_*_test.cc): a child process that
// compacts a store in a loop, a store's contents compared with what it
// should hold, and the seed of a randomized test. It includes
// store_helpers.h (OpenOrDie, Contents), which these tests use too.
//
// Processes are fork()ed children that use only the dotlog API and pipes,
// and leave with _exit() (see child_process.h).
#ifndef DOTLOG_TESTS_SUPPORT_PROCESS_HELPERS_H_
#define DOTLOG_TESTS_SUPPORT_PROCESS_HELPERS_H_

#include <cstdint>
#include <map>
#include <string>

#include "dotlog/store.h"
#include "support/child_process.h"
#include "support/store_helpers.h"

namespace dotlog::testing {

// A child that opens the store and calls Compact() in a loop, from before
// the test's other processes start until the test tells it to stop.
class CompactingProcess {
 public:
  // Returns once the child has finished its first compaction, so that the
  // loop is running when the caller starts the other processes.
  CompactingProcess(const std::string& dir, const Options& options);

  // Tells the child to stop after the compaction in progress, and returns
  // how many compactions it completed. Fails the test if one failed.
  // REQUIRES: every process forked after this object was made has exited
  // (each inherited the write end of the stop pipe, and the child sees end
  // of file only once every copy is closed).
  uint64_t Stop();

 private:
  // The child: "ready" after the first compaction, then "compactions N" once
  // stopped, or "error ..." (and a nonzero exit) on the first failure.
  int CompactUntilStopped(const std::string& dir, const Options& options);

  Pipe report_;  // child -> parent: "ready", then the count or an error
  Pipe stop_;    // parent -> child: end of file means "stop"
  ChildProcess child_;
  LineReader lines_;
};

// "" if `store` holds exactly `expected` (key to value), else one line per
// key that differs.
std::string ContentsDiff(Store& store,
                         const std::map<std::string, std::string>& expected);

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_PROCESS_HELPERS_H_
