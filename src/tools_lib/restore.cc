// Restoring a store from a backup file as one atomic batch.
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "dotlog/backup.h"
#include "dotlog/dump.h"
#include "dotlog/write_batch.h"
#include "format/timestamp.h"
#include "io/whole_file.h"
#include "store/mutation.h"
#include "store/write_batch_internal.h"
#include "tools_lib/backup_state.h"

namespace dotlog {
namespace {

// The puts that restore `text` (a backup file's content) at `now_ms`, each
// checked as Store::Put would check it. InvalidArgument naming the file.
absl::StatusOr<WriteBatch> ParseBackup(const std::string& path,
                                       std::string_view text, int64_t now_ms,
                                       const ProgressFn& progress,
                                       RestoreResult* result) {
  auto bad = [&](const absl::Status& s) {
    return absl::InvalidArgumentError(
        absl::StrCat("backup ", path, " is not usable: ", s.message()));
  };
  auto items = ParseDump(text, DumpFormat::kJsonl);
  if (!items.ok()) return bad(items.status());
  WriteBatch puts;
  uint64_t checked = 0;
  for (const Item& item : *items) {
    if (progress) progress("keys checked", ++checked, items->size());
    PutOptions options;
    options.expires_at = item.expires_at;
    if (item.expires_at && ToUnixMillis(*item.expires_at) <= now_ms) {
      ++result->skipped_expired;
      continue;
    }
    if (auto m = MakePut(item.key, item.value, options, now_ms); !m.ok()) {
      return bad(m.status());
    }
    puts.Put(item.key, item.value, options);
  }
  // The whole batch must fit in one record; checked now, before any write.
  if (!puts.empty()) {
    if (auto m = MakeBatch(puts, now_ms); !m.ok()) return bad(m.status());
  }
  return puts;
}

// OK if the store at `dir` may be restored into without force: its
// directory is missing or empty, or the store holds no live key.
absl::Status CheckEmpty(Store& store, const std::string& dir) {
  auto keys = store.ListKeys("");
  if (!keys.ok()) return keys.status();
  if (keys->empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the store in ", dir, " holds ", keys->size(),
      " keys: restore into an empty directory, or replace its state with "
      "force (it is backed up first)"));
}

}  // namespace

absl::StatusOr<RestoreResult> RestoreBackup(const std::string& backup_file,
                                            const std::string& store_dir,
                                            const RestoreOptions& options) {
  if (options.force && options.previous_backup_dir.empty()) {
    return absl::InvalidArgumentError(
        "a forced restore needs a directory for the backup of the current "
        "state");
  }
  FileSystem* fs = options.store.file_system ? options.store.file_system
                                             : DefaultFileSystem();
  Clock* clock = options.store.clock ? options.store.clock : SystemClock();
  RestoreResult result;
  // Everything is read and checked before the store is opened or created.
  auto text = ReadWholeFile(fs, backup_file);
  if (!text.ok()) return text.status();
  auto puts =
      ParseBackup(backup_file, *text, ToUnixMillis(clock->Now()),
                  options.progress, &result);
  if (!puts.ok()) return puts.status();

  auto store = Store::Open(store_dir, options.store);
  if (!store.ok()) return store.status();
  if (!options.force) {
    if (absl::Status s = CheckEmpty(**store, store_dir); !s.ok()) return s;
  } else {
    BackupOptions backup;
    backup.keep = options.keep;
    backup.record_in_state = false;  // recorded in the restored state below
    backup.file_system = fs;
    backup.clock = clock;
    auto previous = WriteBackup(**store, options.previous_backup_dir, backup);
    if (!previous.ok()) return previous.status();
    result.previous_backup = previous->path;
  }

  // One batch: deletes of the keys the backup lacks, then its puts.
  auto current = (*store)->ListKeys("");
  if (!current.ok()) return current.status();
  absl::flat_hash_set<std::string_view> restored;
  for (const auto& op : WriteBatchInternal::Ops(*puts)) restored.insert(op.key);
  WriteBatch batch;
  for (const std::string& key : *current) {
    if (restored.contains(key)) continue;
    batch.Delete(key);
    ++result.removed;
  }
  for (const auto& op : WriteBatchInternal::Ops(*puts)) {
    batch.Put(op.key, op.value, op.options);
  }
  result.restored = puts->size();
  if (options.progress) options.progress("keys restored", 0, result.restored);
  if (!batch.empty()) {
    if (absl::Status s = (*store)->Write(batch); !s.ok()) return s;
  }
  if (options.progress) {
    options.progress("keys restored", result.restored, result.restored);
  }
  if (!result.previous_backup.empty()) {
    absl::Status s = RecordBackupInState(**store, fs, clock,
                                         result.previous_backup, clock->Now());
    if (!s.ok()) return s;
  }
  if (absl::Status s = (*store)->Close(); !s.ok()) return s;
  return result;
}

}  // namespace dotlog
