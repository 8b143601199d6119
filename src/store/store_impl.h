// The Store implementation: a LogView guarded for threads, kept current
// with other processes, plus the write path.
#ifndef DOTLOG_STORE_STORE_IMPL_H_
#define DOTLOG_STORE_STORE_IMPL_H_

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "dotlog/clock.h"
#include "dotlog/file_system.h"
#include "dotlog/store.h"
#include "format/line_decoder.h"
#include "format/record.h"
#include "store/log_view.h"
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
  absl::StatusOr<std::vector<Version>> History(std::string_view key,
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
  // Brings the view up to date: reads new records if the commit counter
  // moved (or always, with `force`), reloads if a compaction published.
  // `holds_write_lock`: the caller holds the store's write lock, so no
  // append is in progress and everything in the files is read.
  absl::Status CatchUpLocked(bool force, bool holds_write_lock = false)
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
      const std::function<absl::StatusOr<T>(int64_t now_ms)>& read)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Decides, once the view is current and the write lock held, what to
  // append: the mutations of one record, or none to write nothing. An error
  // aborts the write.
  using Decide = std::function<absl::StatusOr<std::vector<Mutation>>()>;
  // Runs `fn` while holding the write lock with a current view.
  absl::Status WithWriteLock(const std::function<absl::Status()>& fn)
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_);

  // The write path (store_write.cc): appends the record `decide` returns.
  // A `blind` write's decision does not depend on the store's state, so it
  // may share an append and a sync with other blind writes queued at the
  // same time (group commit).
  absl::Status Commit(const Decide& decide, bool blind)
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_, queue_mu_);
  struct PendingWrite;
  // Appends one record per write of `group`, with one write and one sync,
  // and sets each write's status.
  void WriteGroup(const std::vector<PendingWrite*>& group)
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_);
  // Commit of mutations fixed in advance.
  absl::Status CommitOps(std::vector<Mutation> ops)
      ABSL_LOCKS_EXCLUDED(write_mu_, mu_);
  // The live entry of `key`, or nullptr.
  const IndexEntry* FindLive(std::string_view key, int64_t now_ms) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status AcquireWriteLock() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  void ReleaseWriteLock() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // OK if the locked file is still the store's LOCK, whole; otherwise the
  // handle refuses every later write (write_error_).
  absl::Status CheckLockFile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // "\n" if the last line of `seg` lacks its newline, else "": what an
  // append to `seg` must begin with.
  static std::string LineBreakOwed(const Segment& seg);
  // Makes the newest segment ready for an append; see store_write.cc.
  absl::StatusOr<Segment*> PrepareSegment()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_, mu_);
  // True if `active` and `read` are the same file (or cannot be told apart).
  static absl::StatusOr<bool> SameFile(AppendFile* active, ReadableFile* read);
  absl::Status CreateSegment(uint64_t number)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status Append(uint64_t number, uint64_t offset, const std::string& bytes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status SyncActive(std::string_view why)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Starts a new segment after `seg` (the newest, whose torn tail, if any,
  // PrepareSegment or SealForCompaction has cut): seals `seg` if it is not
  // full and ends its last line if that lacks its '\n', then syncs it.
  absl::StatusOr<Segment*> RollOver(Segment* seg)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_, mu_);

  // Compaction steps (store_compact.cc).
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
  std::atomic<bool> closed_{false};
  std::atomic<bool> wrote_{false};  // this handle committed a write
  std::chrono::system_clock::time_point last_snapshot_ ABSL_GUARDED_BY(mu_);
  // The shared commit counter and generation as they were when the view was
  // last current.
  std::atomic<uint64_t> seen_counter_{0};
  std::atomic<uint64_t> seen_generation_{0};
  // Auto-compaction waits until the store holds this many bytes again
  // after a failed attempt.
  std::atomic<uint64_t> auto_compact_after_bytes_{0};

  // Writes waiting to be appended, oldest first. The first is the leader,
  // which appends for itself and possibly others (see Commit).
  absl::Mutex queue_mu_;
  absl::CondVar queue_cv_;
  std::deque<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);

  // Serialises this process's writers; held across the file lock.
  absl::Mutex write_mu_;
  std::unique_ptr<AppendFile> active_ ABSL_GUARDED_BY(write_mu_);
  uint64_t active_number_ ABSL_GUARDED_BY(write_mu_) = 0;
  // Set when a sync failed: the kernel may have dropped the data, so the
  // handle refuses further writes.
  absl::Status write_error_ ABSL_GUARDED_BY(write_mu_);
  PaddedBuffer appended_ ABSL_GUARDED_BY(write_mu_);

  mutable absl::Mutex mu_;
  LogView view_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dotlog

#endif  // DOTLOG_STORE_STORE_IMPL_H_
