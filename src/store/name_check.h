// When a store's file names must be looked up again.
//
// An open writer checks, at every write, that LOCK and the newest segment
// are still the files it opened (a lookup of each name). Those lookups
// cost more than the append itself; NameCheck lets them be skipped while
// no name in the store's directory has changed since they were last made,
// as a NameWatcher (inotify on Linux) tells.
#ifndef DOTLOG_STORE_NAME_CHECK_H_
#define DOTLOG_STORE_NAME_CHECK_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "dotlog/file_system.h"

namespace dotlog {

// Thread-safe.
class NameCheck {
 public:
  NameCheck(FileSystem* fs, std::string dir);

  // A number that stays the same only while no name in the directory has
  // changed: a name looked up after a call returned G, and found as
  // expected, is still so at a later call that returns G. It changes at
  // every call when the directory cannot be watched (so every lookup is
  // made), at the first call, and at the first call in a forked child.
  // Never 0, so that 0 may stand for "never looked up".
  uint64_t Current() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  FileSystem* const fs_;
  const std::string dir_;
  absl::Mutex mu_;
  std::unique_ptr<NameWatcher> watcher_ ABSL_GUARDED_BY(mu_);
  // ForkCount() when watcher_ was made, or making it failed; a child of
  // that process shares the inotify queue and must not read it.
  uint64_t made_in_ ABSL_GUARDED_BY(mu_) = ~uint64_t{0};
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace dotlog

#endif  // DOTLOG_STORE_NAME_CHECK_H_
