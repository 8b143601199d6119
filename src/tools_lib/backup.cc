// Writing backup files and keeping the newest of them; restoring is in
// restore.cc.
#include "dotlog/backup.h"

#include <algorithm>
#include <chrono>

#include "dotlog/dump.h"
#include "dotlog/state/state_manager.h"
#include "format/timestamp.h"
#include "tools_lib/backup_state.h"

namespace dotlog {
namespace {

constexpr char kPrefix[] = "dotlog-backup-";
constexpr char kSuffix[] = ".jsonl";
constexpr char kTempSuffix[] = ".jsonl.tmp";
constexpr std::chrono::seconds kLockTimeout(10);

bool IsBackupName(std::string_view name) {
  return name.starts_with(kPrefix) && name.ends_with(kSuffix);
}

bool IsTempName(std::string_view name) {
  return name.starts_with(kPrefix) && name.ends_with(kTempSuffix);
}

// "dotlog-backup-20261202T044556.123Z.jsonl" for that time.
std::string BackupName(int64_t unix_ms) {
  std::string name = kPrefix;
  for (char c : FormatTimestamp(unix_ms)) {
    if (c != '-' && c != ':') name.push_back(c);
  }
  return name + kSuffix;
}

// The entries of `dir` (missing: none), sorted.
absl::StatusOr<std::vector<std::string>> SortedEntries(FileSystem* fs,
                                                       const std::string& dir) {
  auto exists = fs->Exists(dir);
  if (!exists.ok()) return exists.status();
  if (!*exists) return std::vector<std::string>();
  auto names = fs->ListDir(dir);
  if (!names.ok()) return names.status();
  std::sort(names->begin(), names->end());
  return names;
}

// A file name for a backup taken at `unix_ms` that is not in `names`: the
// first free millisecond from then on, so names stay unique and sorted.
std::string FreeName(const std::vector<std::string>& names, int64_t unix_ms) {
  std::string name = BackupName(unix_ms);
  while (std::binary_search(names.begin(), names.end(), name)) {
    name = BackupName(++unix_ms);
  }
  return name;
}

// Writes the dump of `store` to the new file `path` and syncs it.
absl::Status WriteDumpFile(Store& store, FileSystem* fs,
                           const std::string& path, const ProgressFn& progress,
                           BackupResult* result) {
  uint64_t total = 0;
  if (progress) {
    absl::StatusOr<Stats> stats = store.GetStats();
    if (!stats.ok()) return stats.status();
    total = stats->live_keys;
  }
  auto file = fs->CreateFile(path);
  if (!file.ok()) return file.status();
  absl::Status s =
      DumpStore(store, "", DumpFormat::kJsonl, [&](std::string_view text) {
        result->keys += std::count(text.begin(), text.end(), '\n');
        result->bytes += text.size();
        if (progress) {
          // Keys written meanwhile by others may take it past the total.
          progress("keys backed up", result->keys,
                   std::max(total, result->keys));
        }
        return (*file)->Append(text);
      });
  if (!s.ok()) return s;
  return (*file)->Sync();
}

// Removes leftovers of dead backups and all but the newest `keep` backups.
// REQUIRES: the directory's lock is held, and `names` are its entries.
absl::Status Prune(FileSystem* fs, const std::string& dir,
                   const std::vector<std::string>& names, size_t keep,
                   BackupResult* result) {
  std::vector<std::string> backups;
  bool removed_any = false;
  for (const std::string& name : names) {
    if (IsBackupName(name)) backups.push_back(name);
    if (!IsTempName(name)) continue;
    if (absl::Status s = fs->Remove(dir + "/" + name); !s.ok()) return s;
    removed_any = true;
  }
  const size_t excess =
      keep == 0 || backups.size() <= keep ? 0 : backups.size() - keep;
  for (size_t i = 0; i < excess; ++i) {  // sorted: oldest first
    const std::string path = dir + "/" + backups[i];
    if (absl::Status s = fs->Remove(path); !s.ok()) return s;
    result->removed.push_back(path);
    removed_any = true;
  }
  return removed_any ? fs->SyncDir(dir) : absl::OkStatus();
}

}  // namespace

absl::Status RecordBackupInState(Store& store, FileSystem* fs, Clock* clock,
                                 const std::string& path,
                                 std::chrono::system_clock::time_point at) {
  StateOptions state_options;
  state_options.clock = clock;
  state_options.store.file_system = fs;
  auto state = StateManager::ForStore(&store, state_options);
  if (!state.ok()) return state.status();
  return (*state)->RecordBackup(path, at).status();
}

absl::StatusOr<std::vector<std::string>> ListBackups(
    const std::string& backup_dir, FileSystem* file_system) {
  FileSystem* fs = file_system ? file_system : DefaultFileSystem();
  auto names = SortedEntries(fs, backup_dir);
  if (!names.ok()) return names.status();
  std::vector<std::string> paths;
  for (const std::string& name : *names) {
    if (IsBackupName(name)) paths.push_back(backup_dir + "/" + name);
  }
  return paths;
}

absl::StatusOr<BackupResult> WriteBackup(Store& store,
                                         const std::string& backup_dir,
                                         const BackupOptions& options) {
  FileSystem* fs =
      options.file_system ? options.file_system : DefaultFileSystem();
  Clock* clock = options.clock ? options.clock : SystemClock();
  if (absl::Status s = fs->CreateDir(backup_dir); !s.ok()) return s;
  // One backup at a time per directory: with the lock held, a temporary
  // file can only be a dead backup's, and names stay unique.
  auto lock = fs->OpenLock(backup_dir + "/.lock");
  if (!lock.ok()) return lock.status();
  if (absl::Status s = (*lock)->Lock(kLockTimeout); !s.ok()) return s;
  auto names = SortedEntries(fs, backup_dir);
  if (!names.ok()) return names.status();

  const auto at = clock->Now();
  BackupResult result;
  const std::string name = FreeName(*names, ToUnixMillis(at));
  result.path = backup_dir + "/" + name;
  const std::string temp = backup_dir + "/" + name + ".tmp";
  // Durability: the data is synced under the temporary name, then renamed
  // (atomic) and the directory synced. A crash before the rename leaves
  // only a temporary file, which the next backup removes.
  absl::Status s = WriteDumpFile(store, fs, temp, options.progress, &result);
  if (s.ok()) s = fs->Rename(temp, result.path);
  if (!s.ok()) {
    fs->Remove(temp).IgnoreError();  // best effort; the next backup retries
    return s;
  }
  if (s = fs->SyncDir(backup_dir); !s.ok()) return s;

  names->push_back(name);
  std::sort(names->begin(), names->end());
  if (s = Prune(fs, backup_dir, *names, options.keep, &result); !s.ok()) {
    return s;
  }
  (*lock)->Unlock();
  if (options.record_in_state) {
    s = RecordBackupInState(store, options.file_system, options.clock,
                            result.path, at);
    if (!s.ok()) return s;
  }
  return result;
}

}  // namespace dotlog
