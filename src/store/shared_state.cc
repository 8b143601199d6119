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
constexpr size_t kPendingSegment = 24;
constexpr size_t kPendingOffset = 25;
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

SharedState::Pending SharedState::pending() const {
  // The segment is stored last and read first: a reader that sees it set
  // also sees its offset (or a later one's, which only limits it more
  // until its next catch-up).
  Pending p;
  p.segment = std::atomic_ref<uint64_t>(words_[kPendingSegment])
                  .load(std::memory_order_acquire);
  p.offset = std::atomic_ref<uint64_t>(words_[kPendingOffset])
                 .load(std::memory_order_acquire);
  return p;
}

void SharedState::set_pending(Pending pending) {
  std::atomic_ref<uint64_t>(words_[kPendingOffset])
      .store(pending.offset, std::memory_order_release);
  std::atomic_ref<uint64_t>(words_[kPendingSegment])
      .store(pending.segment, std::memory_order_seq_cst);
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
