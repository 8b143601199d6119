// Backups: a store's live state as one timestamped JSON Lines file in a
// directory, and the way back (restore).
//
// A backup file is the jsonl dump format (dump.h): one line per live key,
// {"key":...,"value":...,"expires":...|null}, from one consistent snapshot.
// It is named dotlog-backup-<UTC time>.jsonl, e.g.
// dotlog-backup-20261202T044556.123Z.jsonl, so names sort by age. Older
// versions of keys are not kept.
#ifndef DOTLOG_BACKUP_H_
#define DOTLOG_BACKUP_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/clock.h"
#include "dotlog/file_system.h"
#include "dotlog/options.h"
#include "dotlog/progress.h"
#include "dotlog/store.h"

namespace dotlog {

// Options for WriteBackup.
struct BackupOptions {
  // Backups kept in the directory after this one is written: the newest
  // `keep`, older ones are removed. 0 keeps them all.
  size_t keep = 10;
  // Record the backup as the state's last successful one
  // (StateManager::RecordBackup) once it is durable.
  bool record_in_state = true;
  // nullptr: DefaultFileSystem(). Must be the store's own file system.
  FileSystem* file_system = nullptr;
  // Names the file and stamps the record. nullptr: SystemClock().
  Clock* clock = nullptr;
  // Told the keys written so far ("keys backed up") of the store's live
  // keys when the backup started.
  ProgressFn progress;
};

// What WriteBackup did.
struct BackupResult {
  std::string path;                  // the new backup file
  uint64_t keys = 0;                 // keys in it
  uint64_t bytes = 0;                // its size
  std::vector<std::string> removed;  // older backups removed (paths)
};

// Writes the live keys of `store` (values and expiry times, from one
// consistent snapshot) as a new backup file in `backup_dir`, creating the
// directory if needed. The steps: under an exclusive lock on
// `backup_dir`/.lock, remove temporary files left by a backup that died,
// write the dump to <name>.tmp, fsync it, rename it to <name>, fsync the
// directory (the backup exists from here on), remove all but the newest
// `options.keep` backups and fsync the directory again, then record the
// backup in the state. A failure or crash at any step leaves every earlier
// backup intact and never a partial file under a backup's name.
// Errors: the store's or the file system's; DeadlineExceeded if another
// backup holds the directory's lock for more than 10 seconds.
absl::StatusOr<BackupResult> WriteBackup(Store& store,
                                         const std::string& backup_dir,
                                         const BackupOptions& options = {});

// The backup files in `backup_dir`, oldest first (full paths). An absent
// directory has none.
absl::StatusOr<std::vector<std::string>> ListBackups(
    const std::string& backup_dir, FileSystem* file_system = nullptr);

// Options for RestoreBackup.
struct RestoreOptions {
  // Replace the state of a store that has live keys. Without it, restoring
  // into such a store is FailedPrecondition.
  bool force = false;
  // With `force`: where the current state is backed up first (WriteBackup
  // with `keep`). Required with `force`.
  std::string previous_backup_dir;
  size_t keep = 10;
  // For opening the store. Its file_system and clock are used throughout.
  Options store;
  // Told the backup's lines checked ("keys checked"), then the one batch
  // written ("keys restored").
  ProgressFn progress;
};

// What RestoreBackup did.
struct RestoreResult {
  uint64_t restored = 0;         // keys written from the backup
  uint64_t skipped_expired = 0;  // backup keys whose expiry had passed
  uint64_t removed = 0;          // keys of the old state not in the backup
  std::string previous_backup;   // with force: the backup of the old state
};

// Rebuilds the state kept in `backup_file` in the store at `store_dir`. The
// store must be new (a missing or empty directory) or hold no live key,
// unless `options.force`: then the current state is first written as a
// backup to `options.previous_backup_dir`, and the restore replaces it.
// Either way the restore is one atomic batch: every key of the backup that
// has not expired is put, with its expiry time, and every other live key is
// deleted, so a crash leaves the old state or the restored one, never a
// mix. With force, the backup of the old state is then recorded as the
// restored state's last backup.
// The whole file is read and checked before anything is written:
// InvalidArgument, naming the line and the reason, for a file that is not
// a backup (a bad line, a key given twice, a key or value the store would
// refuse), and nothing changes. FailedPrecondition for a store that is not
// empty without force; InvalidArgument for force without
// previous_backup_dir; InvalidArgument too for a backup too large for one
// batch (kMaxRecordBytes once escaped, see limits.h).
absl::StatusOr<RestoreResult> RestoreBackup(const std::string& backup_file,
                                            const std::string& store_dir,
                                            const RestoreOptions& options);

}  // namespace dotlog

#endif  // DOTLOG_BACKUP_H_
