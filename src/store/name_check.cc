#include "store/name_check.h"

#include <pthread.h>

#include <atomic>
#include <mutex>
#include <utility>

namespace dotlog {
namespace {

// Counts, in each process, the forks that made it since the first
// NameCheck::Current: a forked child's count is one more than its
// parent's was at the fork.
std::atomic<uint64_t> fork_count{0};

void CountFork() { fork_count.fetch_add(1, std::memory_order_relaxed); }

uint64_t ForkCount() {
  static std::once_flag registered;
  std::call_once(registered,
                 [] { pthread_atfork(nullptr, nullptr, &CountFork); });
  return fork_count.load(std::memory_order_relaxed);
}

}  // namespace

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
