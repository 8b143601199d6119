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
    : region_(region), words_(static_cast<uint64_t*>(region->data())) {
  // Invariant: the region is large enough and suitably aligned.
  assert(region->size() >= kRegionBytes);
  assert(reinterpret_cast<uintptr_t>(words_.load()) %
             std::atomic_ref<uint64_t>::required_alignment ==
         0);
}

uint64_t SharedState::Access(size_t word,
                             uint64_t (*op)(uint64_t*, uint64_t),
                             uint64_t arg) const {
  uint64_t* words = words_.load(std::memory_order_acquire);
  uint64_t result = 0;
  if (words != own_words_ &&
      !region_->Guard([&] { result = op(words + word, arg); })) {
    // The file was cut short: from now on use counters nobody can cut.
    const_cast<SharedState*>(this)->words_.store(own_words_,
                                                 std::memory_order_release);
    const_cast<SharedState*>(this)->broken_.store(true,
                                                  std::memory_order_release);
    words = own_words_;
  }
  if (words == own_words_) result = op(words + word, arg);
  return result;
}

namespace {
uint64_t Load(uint64_t* w, uint64_t) {
  return std::atomic_ref<uint64_t>(*w).load(std::memory_order_acquire);
}
uint64_t Add(uint64_t* w, uint64_t n) {
  return std::atomic_ref<uint64_t>(*w).fetch_add(n, std::memory_order_acq_rel) +
         n;
}
uint64_t Store(uint64_t* w, uint64_t v) {
  std::atomic_ref<uint64_t>(*w).store(v, std::memory_order_release);
  return v;
}
}  // namespace

uint64_t SharedState::commit_counter() const {
  return Access(kCommitCounter, Load, 0);
}

uint64_t SharedState::BumpCommitCounter() {
  return Access(kCommitCounter, Add, 1);
}

uint64_t SharedState::generation() const {
  return Access(kGeneration, Load, 0);
}

uint64_t SharedState::BumpGeneration() { return Access(kGeneration, Add, 1); }

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
  return Access(kWriterPid, Load, 0);
}

void SharedState::set_writer_pid(uint64_t pid) {
  Access(kWriterPid, Store, pid);
}

}  // namespace dotlog
