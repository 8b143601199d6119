#include "util/fork_count.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

namespace dotlog {
namespace {

std::atomic<uint64_t> fork_count{0};

// Runs in the child of every fork once registered.
void CountFork() { fork_count.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

uint64_t ForkCount() {
  static std::once_flag registered;
  std::call_once(registered,
                 [] { pthread_atfork(nullptr, nullptr, &CountFork); });
  return fork_count.load(std::memory_order_relaxed);
}

uint64_t ProcessId() {
  thread_local uint64_t pid = 0;
  thread_local uint64_t forks = ~uint64_t{0};
  const uint64_t now = ForkCount();
  if (forks != now) {
    pid = static_cast<uint64_t>(getpid());
    forks = now;
  }
  return pid;
}

}  // namespace dotlog
