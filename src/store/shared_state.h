// Counters shared by every process that has the store open, kept in the
// first bytes of the LOCK file mapped into memory.
//
// They are hints, never the source of truth: the segment files are. A
// process that died between appending and bumping the counter leaves it
// stale until the next write, and a reboot leaves whatever was last written
// back. Readers compare the counter with the value they saw at their last
// catch-up; any difference, up or down, sends them to read the files.
//
// Another program may cut the LOCK file short under the mapping. Every
// access is guarded: the first one that faults switches this object to
// counters of its own (broken() turns true), so it never faults again and
// the process reads the files instead of trusting the hints.
#ifndef DOTLOG_STORE_SHARED_STATE_H_
#define DOTLOG_STORE_SHARED_STATE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "dotlog/file_system.h"

namespace dotlog {

class SharedState {
 public:
  // Bytes of the region this layout uses.
  static constexpr size_t kRegionBytes = 4096;

  // `region` must outlive this object and hold at least kRegionBytes.
  explicit SharedState(SharedRegion* region);

  // Bumped by a writer, while it holds the write lock, after each append.
  uint64_t commit_counter() const;
  // Bumps the counter and returns its new value.
  uint64_t BumpCommitCounter();

  // Bumped by compaction, while it holds the write lock, after it published
  // a base segment and before it removes the files that base replaced.
  uint64_t generation() const;
  uint64_t BumpGeneration();

  // Where the append in progress began: bytes of segment `segment` from
  // `offset` on, and every later segment, are not durable yet, and readers
  // outside the write lock must not read them. Segment 0: no append in
  // progress. Set by a writer, under the write lock, before it appends,
  // and cleared once the append is synced (SyncMode::kAlways) or written.
  struct Pending {
    uint64_t segment = 0;
    uint64_t offset = 0;
  };
  Pending pending() const;
  void set_pending(Pending pending);

  // The process id of the current lock holder, 0 when none recorded.
  uint64_t writer_pid() const;
  void set_writer_pid(uint64_t pid);

  // True once the region's file was found cut short: the counters are this
  // process's own from then on and say nothing about other processes.
  bool broken() const { return broken_.load(std::memory_order_acquire); }

 private:
  // Runs `op` on the region's words, or on the private ones after a fault.
  uint64_t Access(size_t word, uint64_t (*op)(uint64_t*, uint64_t),
                  uint64_t arg) const;

  SharedRegion* const region_;
  std::atomic<uint64_t*> words_;
  std::atomic<bool> broken_{false};
  // Word positions reach 16; each word on its own cache line anyway.
  alignas(64) mutable uint64_t own_words_[24] = {};
};

}  // namespace dotlog

#endif  // DOTLOG_STORE_SHARED_STATE_H_
