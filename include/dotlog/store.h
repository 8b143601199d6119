// A crash-safe key-value store kept as an append-only log of JSON lines.
#ifndef DOTLOG_STORE_H_
#define DOTLOG_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/damage.h"
#include "dotlog/item.h"
#include "dotlog/options.h"
#include "dotlog/progress.h"
#include "dotlog/stats.h"
#include "dotlog/key_version.h"
#include "dotlog/write_batch.h"

namespace dotlog {

// A handle on a store directory.
//
// Threads: every method may be called from several threads at once.
// Processes: any number of processes may open the same directory and read
// and write it at once. Writes are serialised by a lock held for one append;
// reads never wait for it. Each call first catches up with records that
// other processes committed since the handle last looked, so a read sees
// every write acknowledged (by any process) before the read began.
//
// Errors: InvalidArgument for bad input (nothing is written), NotFound for a
// missing or expired key, DeadlineExceeded when the write lock could not be
// had in Options::lock_timeout, FailedPrecondition after Close or after a
// failed sync (the handle then refuses writes: reopen the store), and the
// file system's error for I/O failures.
class Store {
 public:
  // Opens the store in directory `dir`, reading every segment to rebuild
  // the index. Damaged records are skipped and reported (Damage(),
  // Options::on_damage); open fails only on I/O errors, on invalid options,
  // and on segments written by a newer, unknown format version.
  // A store this process may read but not write (the LOCK file cannot be
  // opened for writing: another user's files, a read-only mount) opens for
  // reading: reads work and see other processes' writes, and every write
  // fails with PermissionDenied saying why.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir,
                                                     const Options& options);

  virtual ~Store() = default;

  // The value of `key` as minified JSON text. NotFound if absent or expired.
  virtual absl::StatusOr<std::string> Get(std::string_view key) = 0;
  // The key with its value, expiry and sequence number. NotFound as Get.
  virtual absl::StatusOr<Item> Lookup(std::string_view key) = 0;
  // True if `key` is present and unexpired.
  virtual absl::StatusOr<bool> Contains(std::string_view key) = 0;

  // Stores `json_value` (any JSON text; stored minified) under `key`.
  // Durable before return when Options::sync is kAlways.
  virtual absl::Status Put(std::string_view key, std::string_view json_value,
                           const PutOptions& options = {}) = 0;
  // Removes `key`. Deleting an absent key succeeds and writes nothing.
  virtual absl::Status Delete(std::string_view key) = 0;
  // Applies every operation of `batch` as one atomic record.
  virtual absl::Status Write(const WriteBatch& batch) = 0;

  // Computes a key's new value from its current one, atomically across
  // threads and processes: no write by anyone lands between the read and
  // the write. `current` is the minified JSON value, or nullopt when the key
  // is absent or expired. `fn` returns the new JSON text, or nullopt to
  // delete the key; an error status aborts the update and is returned as
  // is, with nothing written. `fn` runs while the store's write lock is held:
  // keep it short, and never call the store from it.
  using UpdateFn = std::function<absl::StatusOr<std::optional<std::string>>(
      const std::optional<std::string>& current)>;
  // Returns the value stored (minified), or nullopt if the key was deleted
  // or left absent.
  virtual absl::StatusOr<std::optional<std::string>> Update(
      std::string_view key, const UpdateFn& fn,
      const PutOptions& options = {}) = 0;

  // Stores `json_value` under `key` only if the key's current value was
  // written by the record with sequence number `expected_seq` (see
  // Item::seq); `expected_seq` 0 means "only if the key is absent".
  // Aborted when the key has moved on, with nothing written.
  virtual absl::Status CompareAndSet(std::string_view key,
                                     uint64_t expected_seq,
                                     std::string_view json_value,
                                     const PutOptions& options = {}) = 0;

  // Adds `by` to the integer stored under `key` (an absent key counts as 0)
  // and returns the new value, atomically as Update. FailedPrecondition if
  // the current value is not an integer, OutOfRange on overflow; the value
  // is then left unchanged. The key keeps no expiry.
  virtual absl::StatusOr<int64_t> Increment(std::string_view key,
                                            int64_t by) = 0;

  // The live keys that start with `prefix`, in byte order.
  virtual absl::StatusOr<std::vector<std::string>> ListKeys(
      std::string_view prefix) = 0;
  // The live items whose keys start with `prefix`, in key byte order.
  virtual absl::StatusOr<std::vector<Item>> List(std::string_view prefix) = 0;
  // Calls `fn` with each item List(prefix) would return, in the same order
  // and from the same moment of the log, without holding them all: memory
  // holds the matching keys, not their values. Stops at, and returns, the
  // first error `fn` returns. `fn` runs on the calling thread and must not
  // call this store. A damaged record met after some items were given is
  // returned as DataLoss (before any was given, the log is read again as
  // List does). By default: List, then `fn` for each item.
  virtual absl::Status ForEach(
      std::string_view prefix,
      absl::FunctionRef<absl::Status(const Item&)> fn) {
    absl::StatusOr<std::vector<Item>> items = List(prefix);
    if (!items.ok()) return items.status();
    for (const Item& item : *items) {
      if (absl::Status s = fn(item); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // The versions of `key` still in the log, newest first, at most
  // `max_versions` of them: its current value, then superseded values and
  // deletes that compaction has not dropped (see Options::history). Reads
  // the whole log: its cost grows with the store, not with the answer.
  virtual absl::StatusOr<std::vector<KeyVersion>> History(
      std::string_view key, size_t max_versions) = 0;

  // Rewrites the log's sealed records as one compacted segment holding only
  // the live, unexpired values (plus the versions Options::history keeps)
  // and removes the old segment files. Safe against a crash at any point:
  // the store afterwards reads exactly as before. Other processes keep
  // reading and writing meanwhile; the write lock is held only briefly, to
  // seal the newest segment and to publish the result. Aborted if another
  // process is compacting the store at the moment.
  absl::Status Compact() { return Compact(ProgressFn()); }
  // Compact(), telling `progress` (when given) "segments read" as each
  // input segment is read and "bytes written" once the new one is.
  virtual absl::Status Compact(const ProgressFn& progress) = 0;

  // Makes every write so far durable (useful with SyncMode::kNone).
  virtual absl::Status Sync() = 0;
  // Counters for the whole store, after catching up with other processes.
  virtual absl::StatusOr<Stats> GetStats() = 0;
  // Every damaged record reported since open, in the order met.
  virtual std::vector<DamagedRecord> Damage() = 0;

  // Syncs and releases the handle's files. Every later call fails with
  // FailedPrecondition. The destructor closes an open handle too.
  virtual absl::Status Close() = 0;
};

}  // namespace dotlog

#endif  // DOTLOG_STORE_H_
