#include "store/name_check.h"

#include <utility>

#include "util/fork_count.h"

namespace dotlog {

NameCheck::NameCheck(FileSystem* fs, std::string dir)
    : fs_(fs), dir_(std::move(dir)) {}

uint64_t NameCheck::Current() {
  const uint64_t forks = ForkCount();
  absl::MutexLock lock(&mu_);
  if (made_in_ != forks) {
    // The first call, or the first in a forked child: the names have not
    // been looked up under this watcher yet.
    made_in_ = forks;
    watcher_.reset();
    auto watcher = fs_->WatchNames(dir_);
    if (watcher.ok()) watcher_ = std::move(*watcher);
    return ++generation_;
  }
  if (watcher_ == nullptr || watcher_->NamesChanged()) ++generation_;
  return generation_;
}

}  // namespace dotlog
