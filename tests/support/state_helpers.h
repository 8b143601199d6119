// Helpers for tests of the state layer: opening a StateManager or failing
// the test, a fixture with a fake clock, setting a file's mtime, and reading a
// directory's files.
#ifndef DOTLOG_TESTS_SUPPORT_STATE_HELPERS_H_
#define DOTLOG_TESTS_SUPPORT_STATE_HELPERS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "dotlog/state/state_manager.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace dotlog::testing {

// Opens a StateManager on the store in `dir`; fails the test, printing the
// status, if that fails.
std::unique_ptr<StateManager> OpenStateOrDie(const std::string& dir,
                                             const StateOptions& options = {});

// The default StateOptions but for `*field`, which is `value`.
template <typename T>
StateOptions OptionsWith(T StateOptions::*field, T value) {
  StateOptions options;
  options.*field = value;
  return options;
}

// A StateManager on a store in a fresh directory ("db" in `tmp`), timed by
// a clock that the test moves.
struct StateFixture {
  // `options.clock` is replaced by `clock`.
  explicit StateFixture(StateOptions options = {});

  TempDir tmp;
  FakeClock clock;
  std::unique_ptr<StateManager> state;
};

// Sets the modification time of the file at `path`, directly.
void SetMtimeNs(const std::string& path, int64_t mtime_ns);

// Every regular file under `dir` (recursively) by its path relative to
// `dir`, with its whole content.
std::map<std::string, std::string> ReadDirBytes(const std::string& dir);

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_STATE_HELPERS_H_
