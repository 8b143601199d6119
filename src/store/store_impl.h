// The Store implementation: a LogView guarded for threads, kept current
// with other processes, plus the write path, which appends through a
// SegmentWriter.
#ifndef DOTLOG_STORE_STORE_IMPL_H_
#define DOTLOG_STORE_STORE_IMPL_H_

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "dotlog/clock.h"
#include "dotlog/file_system.h"
#include "dotlog/store.h"
#include "format/line_decoder.h"
#include "format/record.h"
#include "store/log_view.h"
#include "store/name_check.h"
#include "store/segment_writer.h"
#include "store/shared_state.h"

namespace dotlog {

class StoreImpl final : public Store {
 public:
  // A null `lock` opens the store for reading only: every write then fails
  // with PermissionDenied, giving `read_only_because`, and `region` must not
  // be written.
  StoreImpl(std::string dir, const Options& options, FileSystem* fs,
            std::unique_ptr<FileLock> lock,
            std::unique_ptr<SharedRegion> region,
            std::string read_only_because = "");
  ~StoreImpl() override;

  // Reads the segments. Called once, by Store::Open.
  absl::Status Load();

  absl::StatusOr<std::string> Get(std::string_view key) override;
  absl::StatusOr<Item> Lookup(std::string_view key) override;
  absl::StatusOr<bool> Contains(std::string_view key) override;
  absl::Status Put(std::string_view key, std::string_view json_value,
                   const PutOptions& options) override;
  absl::Status Delete(std::string_view key) override;
  absl::Status Write(const WriteBatch& batch) override;
  absl::StatusOr<std::optional<std::string>> Update(
      std::string_view key, const UpdateFn& fn,
      const PutOptions& options) override;
  absl::Status CompareAndSet(std::string_view key, uint64_t expected_seq,
                             std::string_view json_value,
                             const PutOptions& options) override;
  absl::StatusOr<int64_t> Increment(std::string_view key, int64_t by) override;
  absl::StatusOr<std::vector<std::string>> ListKeys(
      std::string_view prefix) override;
  absl::Status ForEach(
      std::string_view prefix,
      absl::FunctionRef<absl::Status(const Item&)> fn) override;
  absl::StatusOr<std::vector<Item>> List(std::string_view prefix) override;
  absl::StatusOr<std::vector<KeyVersion>> History(std::string_view key,
                                               size_t max_versions) override;
  using Store::Compact;
  absl::Status Compact(const ProgressFn& progress) override;
  absl::Status Sync() override;
  absl::StatusOr<Stats> GetStats() override;
  std::vector<DamagedRecord> Damage() override;
  absl::Status Close() override;

 private:
  int64_t NowMs() const;
  absl::Status CheckOpen() const;
  // Catches up with other processes' commits if the shared counter moved.
  absl::Status Refresh() ABSL_LOCKS_EXCLUDED(mu_);
  // True once LOCK was found removed or replaced by another file since
  // Load: then no writer bumps the counters this handle maps, and they tell
  // nothing. Checks the directory at most once every kLockCheckIntervalMs
  // (by the store's clock), since a writer also checks under its lock.
  bool LockReplaced();
  // Brings the view up to date: reads new records if the commit counter
  // moved (or always, with `force`), reloads if a compaction published.
  // `write_lock_names`, given only by a caller that holds the store's write
  // lock: no append is in progress, so everything in the files is read, and
  // it is names_.Current() as read under that lock (not read again).
  absl::Status CatchUpLocked(
      bool force, std::optional<uint64_t> write_lock_names = std::nullopt)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Where the append in progress of any process began, if one is: readers
  // outside the write lock read nothing from there on.
  std::optional<std::pair<uint64_t, uint64_t>> DurableLimit() const;
  // ForEach's pass over the view as it stands; `*given` turns true once
  // `fn` was called.
  absl::Status ForEachLocked(std::string_view prefix, int64_t now_ms,
                             absl::FunctionRef<absl::Status(const Item&)> fn,
                             bool* given) ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Item> LookupLocked(std::string_view key, int64_t now_ms)
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status NotFound(std::string_view key) const;
  // Runs `read` under the reader lock with the view current. If it fails
  // with DataLoss (a segment cut short under the view), or the view finds
  // that the index snapshot it loaded proved wrong, reads the files again
  // (the whole log, in the second case) and runs it once more.
  template <typename T>
  absl::StatusOr<T> ReadChecked(
      absl::FunctionRef<absl::StatusOr<T>(int64_t now_ms)> read)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The write path (store_write.cc). A put, start to end:
  //   Put -> Commit(ops) -> Enqueue: waits for its turn; the first in the
  //   queue leads -> WriteGroup: takes the WriteLock -> AppendGroup: under
  //   mu_, decides the records and has writer_ Prepare the segment; then,
  //   without mu_, writer_.Append writes and syncs them -> under mu_ again
  //   the view applies them.

  // Holds write_mu_ for its lifetime and, when status() is OK, the store's
  // file lock too, with the view caught up from the files: no other thread
  // or process appends meanwhile, and nothing in the files is unread.
  class ABSL_SCOPED_LOCKABLE WriteLock {
   public:
    explicit WriteLock(StoreImpl* store)
        ABSL_EXCLUSIVE_LOCK_FUNCTION(store->write_mu_);
    // Releases the file lock, if taken, then write_mu_.
    ~WriteLock() ABSL_UNLOCK_FUNCTION();
    WriteLock(const WriteLock&) = delete;
    WriteLock& operator=(const WriteLock&) = delete;

    // OK if the store may be written now; otherwise why not (closed, a
    // read-only handle, an earlier failure, the file lock not taken in
    // time, the catch-up failed), and nothing may be written.
    const absl::Status& status() const { return status_; }

   private:
    StoreImpl* const store_;
    bool file_locked_ = false;
    absl::Status status_;
  };

  // What to append: the mutations of one record, or none to write nothing.
  // An error aborts the write.
  using Decision = absl::StatusOr<std::vector<Mutation>>;
  // Decides, once the view is current and the write lock held, what to
  // append. Called with write_mu_ and mu_ held.
  using Decide = absl::FunctionRef<Decision()>;
  struct PendingWrite;

  // Appends `ops` as one record. They do not depend on the store's state
  // (a blind write), so the record may share an append and a sync with
  // other blind writes queued at the same time (group commit).
  absl::Status Commit(std::vector<Mutation> ops)
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_, queue_mu_);
  // Appends the record `decide` returns, deciding it alone under the lock.
  absl::Status DecideAndCommit(Decide decide)
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_, queue_mu_);
  // Queues `w` behind the writes of other threads and returns its status
  // once it was written, by this thread (leading a group) or by the leader
  // of the group that took it along; then runs the checks after a write.
  absl::Status Enqueue(PendingWrite* w)
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_, queue_mu_);
  // Appends one record per write of `group`, with one write and one sync,
  // and sets each write's status.
  void WriteGroup(const std::vector<PendingWrite*>& group)
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_);
  // WriteGroup's work under the write lock: sets the status of each write
  // whose decision failed, and returns what fails the others.
  absl::Status AppendGroup(const std::vector<PendingWrite*>& group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) ABSL_LOCKS_EXCLUDED(mu_);
  // Store::Write of a batch with WriteBatch::Add operations (`ops`, from
  // MakeBatch, hold each addition's addend): resolves each addition to a
  // put of the sum under the write lock (read_modify_write.cc).
  absl::Status WriteWithAdds(const WriteBatch& batch,
                             std::vector<Mutation> ops)
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_, queue_mu_);
  // The live entry of `key`, or nullptr.
  const IndexEntry* FindLive(std::string_view key, int64_t now_ms) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Takes the store's file lock, failing (with who holds it) after
  // Options::lock_timeout, and checks it is still the store's LOCK. Sets
  // `*names` to names_.Current() as read once the lock is held.
  absl::Status AcquireWriteLock(uint64_t* names)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  void ReleaseWriteLock() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // OK if the locked file is still the store's LOCK, whole; otherwise the
  // handle refuses every later write (writer_.Fail). `names`:
  // names_.Current(), read after the lock was taken.
  absl::Status CheckLockFile(uint64_t names)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // Compaction steps (store_compact.cc).
  // Step 1: under the write lock, seals the newest segment by starting the
  // next (SegmentWriter::RollOver). Returns the numbers of the segments
  // before the new one; none if the store has no segment.
  absl::StatusOr<std::vector<uint64_t>> SealForCompaction()
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_);
  // Compact(); an `automatic` one (after a write) keeps every version when
  // the stored history rules are broken instead of refusing.
  absl::Status RunCompaction(bool automatic, const ProgressFn& progress = {})
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_);
  absl::Status PublishBase(uint64_t number, const std::string& temp_path,
                           uint64_t generation)
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_);
  // Runs Compact when Options' dead-byte thresholds are passed.
  void MaybeAutoCompact() ABSL_LOCKS_EXCLUDED(write_mu_, mu_);
  // When an index snapshot is written: at once (after a compaction); when
  // a handle that wrote closes, if at least kCloseSnapshotRecords were read
  // since the last one; otherwise (after a write) once at least
  // kWriteSnapshotRecords and 1/16 of the keys were, and at least
  // kSnapshotInterval passed since this handle opened or last wrote one.
  // All but the last first wait out the file system's clock tick
  // (LogView::WriteSnapshot).
  enum class SnapshotWhen { kNow, kClosing, kAfterWrite };
  void MaybeWriteSnapshot(SnapshotWhen when) ABSL_LOCKS_EXCLUDED(mu_);
  static constexpr uint64_t kWriteSnapshotRecords = 256;
  static constexpr uint64_t kCloseSnapshotRecords = 32;
  static constexpr std::chrono::seconds kSnapshotInterval{1};

  const std::string dir_;
  const Options options_;
  FileSystem* const fs_;
  Clock* const clock_;
  const std::unique_ptr<FileLock> lock_;  // null: the store is read-only
  const std::string read_only_because_;
  const std::unique_ptr<SharedRegion> region_;
  SharedState shared_;
  // Whether any name in dir_ changed since LOCK's and the newest segment's
  // names were last looked up (by writer_, view_ and CheckLockFile).
  NameCheck names_;
  std::atomic<bool> closed_{false};
  std::atomic<bool> wrote_{false};  // this handle committed a write
  std::chrono::system_clock::time_point last_snapshot_ ABSL_GUARDED_BY(mu_);
  // The shared commit counter and generation as they were when the view was
  // last current.
  std::atomic<uint64_t> seen_counter_{0};
  std::atomic<uint64_t> seen_generation_{0};
  // The LOCK file whose counters shared_ maps, as Load found it, and when
  // a reader last checked that the directory still names that file
  // (LockReplaced).
  std::optional<FileInfo> region_identity_;
  std::atomic<int64_t> region_checked_ms_{0};
  std::atomic<bool> region_replaced_{false};
  static constexpr int64_t kLockCheckIntervalMs = 1000;
  // Auto-compaction waits until the store holds this many bytes again
  // after a failed attempt.
  std::atomic<uint64_t> auto_compact_after_bytes_{0};

  // The locks, always taken in this order (none is held while waiting for
  // an earlier one): queue_mu_ only on its own; write_mu_, then the file
  // lock, then mu_. Readers take only mu_: shared to read, exclusive to
  // catch up.

  // Guards the queue of writes waiting to be appended, oldest first. The
  // first is the leader, which appends for itself and possibly others (see
  // Enqueue). Never held while writing.
  absl::Mutex queue_mu_;
  absl::CondVar queue_cv_;
  std::deque<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);

  // Serialises this process's writers (appends, Sync, Close and the
  // compaction steps under the lock) and guards the segment writer; held
  // across the file lock, which serialises the processes (WriteLock).
  absl::Mutex write_mu_;
  SegmentWriter writer_ ABSL_GUARDED_BY(write_mu_);
  // The identity of the LOCK file lock_ holds open, read the first time it
  // is checked (an open file's never changes).
  std::optional<FileInfo> lock_identity_ ABSL_GUARDED_BY(write_mu_);
  // names_.Current() when LOCK's name was last found to name that file.
  uint64_t lock_name_checked_ ABSL_GUARDED_BY(write_mu_) = 0;

  // Guards the view: readers hold it shared while they look up and read
  // values; a writer holds it exclusively to catch up, decide and apply its
  // records, but not while it writes and syncs them.
  mutable absl::Mutex mu_;
  LogView view_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dotlog

#endif  // DOTLOG_STORE_STORE_IMPL_H_
