// The write path of StoreImpl.
//
// One append, start to end:
//   1. Validate and encode the input (store_impl.cc): bad input is refused
//      before any lock is taken or byte written. Queue behind the writes of
//      other threads; the first in the queue leads and appends for the
//      blind writes queued behind it too (group commit).
//   2. Take this process's write mutex, then the store's file lock (flock on
//      LOCK), waiting at most Options::lock_timeout.
//   3. Catch up with every record other processes appended, so the sequence
//      number and any compare-and-set see the latest state.
//   4. Prepare the newest segment: cut off a torn tail a crash left; start a
//      new segment when the newest is full.
//   5. Mark in the shared counters where the append begins, so that readers
//      outside the lock read nothing from there on. Append the record as
//      one write. On failure, cut the file back to where the record began,
//      so the segment stays all intact lines.
//   6. With SyncMode::kAlways, fdatasync. A failed sync poisons the handle.
//      Then clear the mark: the record is durable.
//   7. Apply the record to the index, bump the shared commit counter, and
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
#include "util/strings.h"

namespace dotlog {

absl::Status StoreImpl::AcquireWriteLock() {
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
  if (absl::Status held = CheckLockFile(); !held.ok()) {
    lock_->Unlock();
    return held;
  }
  shared_.set_writer_pid(static_cast<uint64_t>(getpid()));
  return absl::OkStatus();
}

absl::Status StoreImpl::CheckLockFile() {
  // flock excludes only the processes that opened the same file. If LOCK
  // was removed or replaced since this handle opened it, the others lock a
  // different file (or will, once one of them opens the store again), and
  // appending under this lock could interleave with them.
  const std::string path = LockFilePath(dir_);
  auto held = lock_->Stat();
  if (absl::IsUnimplemented(held.status())) return absl::OkStatus();
  if (!held.ok()) return held.status();
  auto named = fs_->Stat(path);
  if (absl::IsUnimplemented(named.status())) return absl::OkStatus();
  if (!named.ok() && !absl::IsNotFound(named.status())) return named.status();
  if (!named.ok() || !named->SameFile(*held)) {
    write_error_ = absl::FailedPreconditionError(absl::StrCat(
        "lock file ", path, " was ", named.ok() ? "replaced" : "removed",
        " while this handle had the store open, so other processes no longer "
        "see its lock; nothing written: close the store and open it again"));
    return write_error_;
  }
  // The shared counters live in the file's first bytes; touching them in a
  // file cut shorter would kill the process with SIGBUS.
  if (held->size < SharedState::kRegionBytes) {
    write_error_ = absl::FailedPreconditionError(absl::StrCat(
        "lock file ", path, " was cut to ", held->size,
        " bytes while this handle had the store open; nothing written: close "
        "the store and open it again"));
    return write_error_;
  }
  return absl::OkStatus();
}

void StoreImpl::ReleaseWriteLock() {
  shared_.set_writer_pid(0);
  lock_->Unlock();
}

absl::Status StoreImpl::SyncActive(std::string_view why) {
  absl::Status s = active_->Sync();
  if (!s.ok()) {
    // After a failed fsync the kernel may have dropped the dirty pages and
    // cleared the error; retrying could report success for lost data.
    write_error_ = absl::FailedPreconditionError(absl::StrCat(
        "an earlier sync of ", dir_, " failed (", s.message(),
        "); reopen the store to write again"));
    return absl::Status(s.code(), absl::StrCat(AV(why), ": ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status StoreImpl::CreateSegment(uint64_t number) {
  const std::string path = SegmentPath(dir_, number);
  // Durability: the header is synced, then the directory, before any record
  // goes into the segment, so an acknowledged record never sits in a file
  // whose directory entry a crash could lose.
  auto file = fs_->CreateFile(path);
  if (!file.ok()) return file.status();
  active_ = std::move(*file);
  active_number_ = number;
  std::string header;
  EncodeHeader(number, options_.segment_bytes, NowMs(), &header);
  if (absl::Status s = active_->Append(header); !s.ok()) return s;
  if (absl::Status s = SyncActive("syncing new segment"); !s.ok()) return s;
  return fs_->SyncDir(dir_);
}

std::string StoreImpl::LineBreakOwed(const Segment& seg) {
  // An intact last line that lost its '\n' (an editor's doing) is a record:
  // the next append ends it first, so that the two do not run together.
  return seg.unterminated ? "\n" : "";
}

absl::StatusOr<Segment*> StoreImpl::PrepareSegment() {
  Segment* seg = view_.newest();
  if (seg != nullptr && active_number_ == seg->number) {
    // The catch-up reloaded the view if the segment was replaced under its
    // name; then the file open for appending is no longer part of the store.
    auto same = SameFile(active_.get(), seg->file.get());
    if (!same.ok()) return same.status();
    if (!*same) active_number_ = 0;
  }
  if (seg != nullptr && active_number_ != seg->number) {
    auto file = fs_->OpenAppendFile(seg->path);
    if (!file.ok()) return file.status();
    active_ = std::move(*file);
    active_number_ = seg->number;
  }
  if (seg != nullptr && seg->withheld_bytes > 0) {
    // A crash left a torn last line: cut it off so the file stays all
    // intact lines. The cut becomes durable with the next sync.
    if (absl::Status s = active_->Truncate(seg->scanned_end); !s.ok()) return s;
    view_.DropWithheldTail();
  }
  const uint64_t limit =
      seg != nullptr && seg->max_bytes != 0 ? seg->max_bytes : options_.segment_bytes;
  if (seg == nullptr || seg->sealed || seg->scanned_end >= limit) {
    return RollOver(seg);
  }
  return seg;
}

absl::StatusOr<Segment*> StoreImpl::RollOver(Segment* seg) {
  // What ends the segment: a seal line when it is not full (for
  // compaction), which tells every reader to look for the next segment;
  // and the '\n' its last line lacks, if it does (a crash that kept a whole
  // record but its newline, an editor), so that the file it leaves behind
  // is all complete lines.
  std::string ending;
  if (seg != nullptr) ending = LineBreakOwed(*seg);
  if (seg != nullptr && !seg->closed()) EncodeSeal(NowMs(), &ending);
  if (!ending.empty()) {
    const uint64_t offset = seg->scanned_end;
    if (absl::Status s = Append(seg->number, offset, ending); !s.ok()) return s;
    appended_.Assign(ending);
    if (absl::Status s = view_.ApplyAppended(seg->number, offset, appended_); !s.ok()) {
      return s;
    }
  }
  // The sealed segment's bytes are synced before the next segment exists,
  // so a power loss cannot keep later records and lose earlier ones.
  if (seg != nullptr) {
    if (absl::Status s = SyncActive("sealing segment"); !s.ok()) return s;
  }
  const uint64_t number = seg == nullptr ? 1 : seg->number + 1;
  if (absl::Status s = CreateSegment(number); !s.ok()) return s;
  if (absl::Status s = view_.CatchUp(); !s.ok()) return s;
  seg = view_.newest();
  // Invariant: the view found the segment just created, and it is newest.
  assert(seg != nullptr && seg->number == number);
  return seg;
}

absl::Status StoreImpl::Append(uint64_t number, uint64_t offset,
                               const std::string& bytes) {
  absl::Status s = active_->Append(bytes);
  if (!s.ok()) {
    // Part of the record may have reached the file; cut it back off.
    if (absl::Status t = active_->Truncate(offset); !t.ok()) {
      write_error_ = absl::FailedPreconditionError(absl::StrCat(
          "could not remove a partly written record from segment ", number,
          " of ", dir_, " (", t.message(), "); reopen the store"));
    }
    return s;
  }
  if (options_.sync == SyncMode::kAlways) {
    if (absl::Status t = SyncActive("syncing record"); !t.ok()) return t;
  }
  // Another program may have replaced or removed the segment (not a dotlog
  // process: they wait for the lock) while the record was written. It went
  // into a file that is no longer part of the store: do not acknowledge it.
  const std::string path = SegmentPath(dir_, number);
  auto named = fs_->Stat(path);
  if (absl::IsUnimplemented(named.status())) return absl::OkStatus();
  auto open = active_->Stat();
  if (!open.ok()) return open.status();
  if (!named.ok() || !named->SameFile(*open)) {
    active_number_ = 0;
    return absl::AbortedError(absl::StrCat(
        path, " was replaced or removed by another program while a record "
              "was written to it; the write is lost: try it again"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> StoreImpl::SameFile(AppendFile* active,
                                         ReadableFile* read) {
  auto a = active->Stat();
  auto b = read->Stat();
  if (absl::IsUnimplemented(a.status()) || absl::IsUnimplemented(b.status())) {
    return true;
  }
  if (!a.ok()) return a.status();
  if (!b.ok()) return b.status();
  return a->SameFile(*b);
}

absl::Status StoreImpl::WithWriteLock(const std::function<absl::Status()>& fn) {
  absl::MutexLock w(&write_mu_);
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  if (!write_error_.ok()) return write_error_;
  if (absl::Status s = AcquireWriteLock(); !s.ok()) return s;
  absl::Status s;
  {
    absl::MutexLock l(&mu_);
    // The shared counter is only a hint: under the lock, read the files.
    s = CatchUpLocked(/*force=*/true, /*holds_write_lock=*/true);
  }
  if (s.ok()) s = fn();
  ReleaseWriteLock();
  return s;
}

struct StoreImpl::PendingWrite {
  const Decide* decide;
  bool blind;
  bool done = false;
  absl::Status status;
};

absl::Status StoreImpl::Commit(const Decide& decide, bool blind) {
  // At most this many writes share one append.
  constexpr size_t kMaxGroup = 128;
  PendingWrite w{&decide, blind, false, absl::OkStatus()};
  queue_mu_.Lock();
  queue_.push_back(&w);
  while (!w.done && queue_.front() != &w) queue_cv_.Wait(&queue_mu_);
  if (w.done) {
    queue_mu_.Unlock();
  } else {
    // This write leads: it takes the blind writes queued behind it along.
    std::vector<PendingWrite*> group = {&w};
    for (size_t i = 1; blind && i < queue_.size() && group.size() < kMaxGroup &&
                       queue_[i]->blind;
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
  if (w.status.ok()) {
    wrote_.store(true, std::memory_order_relaxed);
    MaybeAutoCompact();
    MaybeWriteSnapshot(SnapshotWhen::kAfterWrite);
  }
  return w.status;
}

void StoreImpl::WriteGroup(const std::vector<PendingWrite*>& group) {
  std::vector<PendingWrite*> appended;  // the writes that add a record
  absl::Status s = WithWriteLock([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    uint64_t number, offset;
    std::string lines;
    {
      absl::MutexLock l(&mu_);
      uint64_t seq = view_.last_seq();
      std::vector<std::vector<Mutation>> records;
      for (PendingWrite* w : group) {
        auto decided = (*w->decide)();
        if (!decided.ok()) {
          w->status = decided.status();
        } else if (!decided->empty()) {
          records.push_back(std::move(*decided));
          appended.push_back(w);
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
            "dotlog --dir NEW_DIR load all.jsonl"));
      }
      // Records carry the clock's time: a reading outside the times the
      // store supports (a clock set wrong, or wrapped around past 2262)
      // writes nothing.
      const int64_t now = NowMs();
      if (absl::Status c = CheckClock(now); !c.ok()) return c;
      auto seg = PrepareSegment();
      if (!seg.ok()) return seg.status();
      number = (*seg)->number;
      offset = (*seg)->scanned_end;
      lines = LineBreakOwed(**seg);
      // A segment whose header was torn off by a crash gets it back first.
      if (offset == 0) EncodeHeader(number, options_.segment_bytes, now, &lines);
      for (const auto& ops : records) EncodeRecord(++seq, now, ops, &lines);
    }
    // Readers elsewhere must not see the records before they are durable
    // (README "Durability"): they read nothing from here on until the
    // append is synced (kAlways) or written (kNone).
    shared_.set_pending({number, offset});
    absl::Status a = Append(number, offset, lines);
    shared_.set_pending({});
    if (!a.ok()) return a;
    appended_.Assign(lines);
    absl::MutexLock l(&mu_);
    if (absl::Status a = view_.ApplyAppended(number, offset, appended_); !a.ok()) {
      return a;
    }
    seen_counter_.store(shared_.BumpCommitCounter(), std::memory_order_release);
    return absl::OkStatus();
  });
  if (s.ok()) return;
  // Whatever failed before the records were written fails every write that
  // had not already failed on its own.
  for (PendingWrite* w : group) {
    if (w->status.ok()) w->status = s;
  }
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
  view_.WriteSnapshot(static_cast<uint64_t>(getpid())).IgnoreError();
}

absl::Status StoreImpl::Sync() {
  absl::MutexLock w(&write_mu_);
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  if (!write_error_.ok()) return write_error_;
  if (active_ == nullptr) return absl::OkStatus();
  return SyncActive("syncing store");
}

}  // namespace dotlog
