#include "store/shared_state.h"

#include <atomic>
#include <cassert>

namespace dotlog {
namespace {
// Word positions in the region. Each sits on its own cache line so that
// readers polling the counter do not contend with the pid updates.
constexpr size_t kCommitCounter = 0;
constexpr size_t kWriterPid = 8;
constexpr size_t kGeneration = 16;
}  // namespace

SharedState::SharedState(SharedRegion* region)
    : words_(static_cast<uint64_t*>(region->data())) {
  // Invariant: the region is large enough and suitably aligned.
  assert(region->size() >= kRegionBytes);
  assert(reinterpret_cast<uintptr_t>(words_) %
             std::atomic_ref<uint64_t>::required_alignment ==
         0);
}

uint64_t SharedState::commit_counter() const {
  return std::atomic_ref<uint64_t>(words_[kCommitCounter])
      .load(std::memory_order_acquire);
}

uint64_t SharedState::BumpCommitCounter() {
  return std::atomic_ref<uint64_t>(words_[kCommitCounter])
             .fetch_add(1, std::memory_order_acq_rel) +
         1;
}

uint64_t SharedState::generation() const {
  return std::atomic_ref<uint64_t>(words_[kGeneration])
      .load(std::memory_order_acquire);
}

uint64_t SharedState::BumpGeneration() {
  return std::atomic_ref<uint64_t>(words_[kGeneration])
             .fetch_add(1, std::memory_order_acq_rel) +
         1;
}

uint64_t SharedState::writer_pid() const {
  return std::atomic_ref<uint64_t>(words_[kWriterPid])
      .load(std::memory_order_relaxed);
}

void SharedState::set_writer_pid(uint64_t pid) {
  std::atomic_ref<uint64_t>(words_[kWriterPid])
      .store(pid, std::memory_order_relaxed);
}

}  // namespace dotlog
