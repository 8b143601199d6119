// The write path of StoreImpl: group commit and the decision under the
// lock. The segment file itself is written by writer_ (segment_writer.h).
//
// One append, start to end:
//   1. Validate and encode the input (store_impl.cc): bad input is refused
//      before any lock is taken or byte written. Queue behind the writes of
//      other threads (Enqueue); the first in the queue leads and appends for
//      the blind writes queued behind it too (group commit, WriteGroup).
//   2. Take this process's write mutex, then the store's file lock (flock on
//      LOCK), waiting at most Options::lock_timeout (WriteLock).
//   3. Catch up with every record other processes appended, so the sequence
//      number and any compare-and-set see the latest state (WriteLock).
//   4. Decide the records (AppendGroup) and prepare the newest segment
//      (SegmentWriter::Prepare): cut off a torn tail a crash left; start a
//      new segment when the newest is full.
//   5. Mark in the shared counters where the append begins, so that readers
//      outside the lock read nothing from there on. Append the records as
//      one write (SegmentWriter::Append). On failure, cut the file back to
//      where they began, so the segment stays all intact lines.
//   6. With SyncMode::kAlways, fdatasync (in SegmentWriter::Append). A
//      failed sync poisons the handle. Then clear the mark: the records are
//      durable.
//   7. Apply the records to the index, bump the shared commit counter, and
//      release the locks.
#include <unistd.h>

#include <cassert>
#include <limits>

#include "absl/strings/str_cat.h"
#include "format/timestamp.h"
#include "store/file_names.h"
#include "store/mutation.h"
#include "store/segment.h"
#include "store/store_impl.h"
#include "util/fork_count.h"
#include "util/strings.h"

namespace dotlog {

absl::Status StoreImpl::AcquireWriteLock(uint64_t* names) {
  if (lock_ == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(
        "store ", dir_, " can be read but not written by this process (",
        read_only_because_, ")"));
  }
  absl::Status s = lock_->Lock(options_.lock_timeout);
  if (absl::IsDeadlineExceeded(s)) {
    const uint64_t pid = shared_.writer_pid();
    return absl::DeadlineExceededError(absl::StrCat(
        s.message(), pid != 0 ? absl::StrCat(" (held by process ", pid, ")") : "",
        "; another process is writing to ", dir_));
  }
  if (!s.ok()) return s;
  // One look at whether any name changed serves every check made under this
  // lock: LOCK's name here, the newest segment's in the catch-up.
  *names = names_.Current();
  if (absl::Status held = CheckLockFile(*names); !held.ok()) {
    lock_->Unlock();
    return held;
  }
  shared_.set_writer_pid(ProcessId());
  return absl::OkStatus();
}

absl::Status StoreImpl::CheckLockFile(uint64_t names) {
  // flock excludes only the processes that opened the same file. If LOCK
  // was removed or replaced since this handle opened it, the others lock a
  // different file (or will, once one of them opens the store again), and
  // appending under this lock could interleave with them.
  const std::string path = LockFilePath(dir_);
  if (!lock_identity_) {
    auto held = lock_->Stat();
    if (absl::IsUnimplemented(held.status())) return absl::OkStatus();
    if (!held.ok()) return held.status();
    lock_identity_ = *held;
  }
  const FileInfo* held = &*lock_identity_;
  // While no name in the directory has changed since LOCK was last found to
  // name the held file, it still does: its handle tells the rest.
  auto named = names == lock_name_checked_ ? lock_->Stat() : fs_->Stat(path);
  if (absl::IsUnimplemented(named.status())) return absl::OkStatus();
  if (!named.ok() && !absl::IsNotFound(named.status())) return named.status();
  if (!named.ok() || !named->SameFile(*held)) {
    writer_.Fail(absl::FailedPreconditionError(absl::StrCat(
        "lock file ", path, " was ", named.ok() ? "replaced" : "removed",
        " while this handle had the store open, so other processes no longer "
        "see its lock; nothing written: close the store and open it again")));
    return writer_.error();
  }
  // The shared counters live in the file's first bytes; touching them in a
  // file cut shorter would kill the process with SIGBUS. (`named` is the
  // held file, as it is now.)
  if (named->size < SharedState::kRegionBytes) {
    writer_.Fail(absl::FailedPreconditionError(absl::StrCat(
        "lock file ", path, " was cut to ", named->size,
        " bytes while this handle had the store open; nothing written: close "
        "the store and open it again")));
    return writer_.error();
  }
  lock_name_checked_ = names;
  return absl::OkStatus();
}

void StoreImpl::ReleaseWriteLock() {
  shared_.set_writer_pid(0);
  lock_->Unlock();
}

StoreImpl::WriteLock::WriteLock(StoreImpl* store) : store_(store) {
  store_->write_mu_.Lock();
  if (status_ = store_->CheckOpen(); !status_.ok()) return;
  if (status_ = store_->writer_.error(); !status_.ok()) return;
  uint64_t names;
  if (status_ = store_->AcquireWriteLock(&names); !status_.ok()) return;
  file_locked_ = true;
  absl::MutexLock l(&store_->mu_);
  // Step 3. The shared counter is only a hint: under the lock, read the
  // files.
  status_ = store_->CatchUpLocked(/*force=*/true, names);
}

StoreImpl::WriteLock::~WriteLock() {
  if (file_locked_) store_->ReleaseWriteLock();
  store_->write_mu_.Unlock();
}

struct StoreImpl::PendingWrite {
  std::vector<Mutation> ops;       // a blind write's record, or
  const Decide* decide = nullptr;  // what decides it under the lock
  bool done = false;
  absl::Status status;
};

absl::Status StoreImpl::Commit(std::vector<Mutation> ops) {
  PendingWrite w;
  w.ops = std::move(ops);
  return Enqueue(&w);
}

absl::Status StoreImpl::DecideAndCommit(Decide decide) {
  PendingWrite w;
  w.decide = &decide;
  return Enqueue(&w);
}

absl::Status StoreImpl::Enqueue(PendingWrite* w) {
  // At most this many writes share one append.
  constexpr size_t kMaxGroup = 128;
  const bool blind = w->decide == nullptr;
  queue_mu_.Lock();
  queue_.push_back(w);
  while (!w->done && queue_.front() != w) queue_cv_.Wait(&queue_mu_);
  if (w->done) {
    queue_mu_.Unlock();
  } else {
    // This write leads: it takes the blind writes queued behind it along.
    std::vector<PendingWrite*> group = {w};
    for (size_t i = 1; blind && i < queue_.size() && group.size() < kMaxGroup &&
                       queue_[i]->decide == nullptr;
         ++i) {
      group.push_back(queue_[i]);
    }
    queue_mu_.Unlock();
    WriteGroup(group);
    queue_mu_.Lock();
    for (PendingWrite* member : group) {
      // Invariant: the group is the front of the queue, in order.
      assert(queue_.front() == member);
      queue_.pop_front();
      member->done = true;
    }
    queue_cv_.SignalAll();
    queue_mu_.Unlock();
  }
  if (w->status.ok()) {
    wrote_.store(true, std::memory_order_relaxed);
    MaybeAutoCompact();
    MaybeWriteSnapshot(SnapshotWhen::kAfterWrite);
  }
  return w->status;
}

void StoreImpl::WriteGroup(const std::vector<PendingWrite*>& group) {
  absl::Status s;
  {
    // Steps 2 and 3.
    WriteLock lock(this);
    s = lock.status();
    if (s.ok()) s = AppendGroup(group);
  }
  if (s.ok()) return;
  // Whatever failed before the records were written fails every write that
  // had not already failed on its own.
  for (PendingWrite* w : group) {
    if (w->status.ok()) w->status = s;
  }
}

absl::Status StoreImpl::AppendGroup(const std::vector<PendingWrite*>& group) {
  uint64_t number, offset;
  std::string lines;
  std::vector<std::vector<Mutation>> records;
  // Where each record's line and values lie, for the index (step 7).
  std::vector<LogView::AppendedRecord> appended;
  std::vector<uint32_t> value_offsets;
  bool plain = true;  // `lines` holds the records and nothing else
  {
    absl::MutexLock l(&mu_);
    uint64_t seq = view_.last_seq();
    for (PendingWrite* w : group) {
      // A blind write's record is fixed; any other is decided now.
      absl::StatusOr<std::vector<Mutation>> ops = std::move(w->ops);
      if (w->decide != nullptr) ops = (*w->decide)();
      if (!ops.ok()) {
        w->status = ops.status();
      } else if (!ops->empty()) {
        records.push_back(std::move(*ops));
      }
    }
    if (records.empty()) return absl::OkStatus();
    // A record (hand-made, say) may already carry the highest number:
    // wrapping around would make every later write lose to it. Not the
    // caller's fault, so not a usage error; copying the live keys into a
    // new store numbers them afresh.
    if (records.size() > std::numeric_limits<uint64_t>::max() - seq) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "sequence numbers of ", dir_, " are used up (the log holds seq ",
          seq, "); nothing written. To renumber, copy the store: "
          "dotlog-dump --format jsonl > all.jsonl && "
          "dotlog --dir NEW_DIR load --format jsonl all.jsonl"));
    }
    // Records carry the clock's time: a reading outside the times the
    // store supports (a clock set wrong, or wrapped around past 2262)
    // writes nothing.
    const int64_t now = NowMs();
    if (absl::Status c = CheckClock(now); !c.ok()) return c;
    // Step 4.
    auto seg = writer_.Prepare(&view_, now);
    if (!seg.ok()) return seg.status();
    number = (*seg)->number;
    offset = (*seg)->scanned_end;
    writer_.BeginAppend(**seg, now, &lines);
    plain = lines.empty();
    for (const auto& ops : records) {
      const size_t start = lines.size();
      const size_t first_value = value_offsets.size();
      EncodeRecord(++seq, now, ops, &lines, &value_offsets);
      appended.push_back(
          {seq, offset + start, lines.size() - start, &ops, first_value});
    }
  }
  // Step 5. Readers elsewhere must not see the records before they are
  // durable (README "Durability"): they read nothing from here on until
  // the append is synced (kAlways) or written (kNone).
  shared_.set_pending({number, offset});
  // One write, then with SyncMode::kAlways fdatasync (step 6).
  absl::Status a = writer_.Append(number, offset, lines);
  shared_.set_pending({});
  if (!a.ok()) return a;
  // Step 7.
  absl::MutexLock l(&mu_);
  // The records are indexed from what the encoder knew; a header or line
  // end written before them (rare) is read back as any line is.
  absl::Status applied =
      plain ? view_.ApplyEncoded(number, offset, lines, appended, value_offsets)
            : view_.ApplyAppended(number, offset, lines);
  if (!applied.ok()) return applied;
  seen_counter_.store(shared_.BumpCommitCounter(), std::memory_order_release);
  return absl::OkStatus();
}

void StoreImpl::MaybeWriteSnapshot(SnapshotWhen when) {
  absl::MutexLock l(&mu_);
  const uint64_t since = view_.records_since_snapshot();
  if (when == SnapshotWhen::kClosing && since < kCloseSnapshotRecords) return;
  if (when == SnapshotWhen::kAfterWrite) {
    // Often enough that a cold open reads few records past the snapshot,
    // rarely enough that rewriting it (every key) costs little per write,
    // even in a burst of writes.
    const uint64_t threshold = std::max<uint64_t>(
        kWriteSnapshotRecords, view_.index().approximate_size() / 16);
    if (since < threshold) return;
  }
  const auto now = clock_->Now();
  // A clock set back does not stop snapshots.
  if (when == SnapshotWhen::kAfterWrite && now >= last_snapshot_ &&
      now - last_snapshot_ < kSnapshotInterval) {
    return;
  }
  last_snapshot_ = now;
  // A failure only means the next open reads more of the log.
  // Not on a write's path, a snapshot waits out the clock tick of the
  // last append, so that the next open recognises the newest segment.
  view_.WriteSnapshot(ProcessId(),
                      /*wait_for_file_clock=*/when != SnapshotWhen::kAfterWrite)
      .IgnoreError();
}

absl::Status StoreImpl::Sync() {
  absl::MutexLock w(&write_mu_);
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  if (!writer_.error().ok()) return writer_.error();
  return writer_.Sync("syncing store");
}

}  // namespace dotlog
