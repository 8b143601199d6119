// An in-memory FileSystem for crash and fault-injection tests.
//
// It remembers, for every file, which bytes were synced, and for every
// directory, which entries were synced. A test runs a workload, makes the
// machine "lose power" at a chosen mutation point (CrashAtPoint), reboots it
// (Recover) and checks that everything the store promised survived. It can
// also make one mutation fail with a chosen error (FailAtPoint), as a full
// disk or an I/O error would.
//
// Mutation points are the calls CreateFile, Append, Sync (of a file),
// Truncate, Rename, Remove and SyncDir, numbered from 1 in call order,
// whether they succeed or not. Reads, CreateDir, OpenLock, MapShared and the
// test helpers are not mutation points.
//
// Paths are plain strings: "/a/b" lives in directory "/a", "b" in ".".
// Directories "/" and "." always exist; others come from CreateDir.
#ifndef DOTLOG_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_
#define DOTLOG_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "dotlog/file_system.h"

namespace dotlog::testing {

// Thread-safe. Every file, lock, region and watcher handle it returns must be
// destroyed before the FaultFileSystem.
class FaultFileSystem final : public FileSystem {
 public:
  // What the disk holds after power loss, beyond the synced bytes.
  enum class CrashMode {
    kDropUnsynced,         // Nothing: every file is its synced bytes.
    kKeepUnsyncedPrefix,   // A random prefix of the unsynced appended tail.
    kGarbageUnsyncedTail,  // A random-length tail of zeros or random bytes.
  };
  // Every CrashMode, for tests that recover in each.
  static constexpr CrashMode kCrashModes[] = {CrashMode::kDropUnsynced,
                                              CrashMode::kKeepUnsyncedPrefix,
                                              CrashMode::kGarbageUnsyncedTail};

  FaultFileSystem();
  ~FaultFileSystem() override;

  // FileSystem. A file renamed or removed while open stays usable through
  // its open handles, as a POSIX inode does. ListDir names files and
  // subdirectories, sorted. OpenLock and MapShared create an empty, unsynced
  // entry at their path, as the POSIX ones create a file; MapShared grows
  // the file to the region's size but cannot grow an existing region
  // (FailedPrecondition).
  absl::Status CreateDir(const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> ListDir(
      const std::string& path) override;
  absl::Status SyncDir(const std::string& path) override;
  absl::StatusOr<bool> Exists(const std::string& path) override;
  // Files report their size and owner, mode 0600 and an inode number unique
  // to each file made; directories their owner and mode (SetDirOwner), 0700
  // and CurrentUser() unless set. The device is 1.
  absl::StatusOr<FileInfo> Stat(const std::string& path) override;
  // 1000 unless set_current_user says otherwise. A file created while it is
  // 0 belongs to the owner of its directory, as with the POSIX one.
  uint32_t CurrentUser() override;
  absl::StatusOr<std::unique_ptr<AppendFile>> CreateFile(
      const std::string& path) override;
  absl::StatusOr<std::unique_ptr<AppendFile>> OpenAppendFile(
      const std::string& path) override;
  absl::StatusOr<std::unique_ptr<ReadableFile>> OpenReadableFile(
      const std::string& path) override;
  absl::Status Rename(const std::string& from, const std::string& to) override;
  absl::Status Remove(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<FileLock>> OpenLock(
      const std::string& path) override;
  absl::StatusOr<std::unique_ptr<SharedRegion>> MapShared(
      const std::string& path, size_t bytes) override;
  // Wakes on every mutation point reached and every WriteRaw, wherever it
  // happens (a spurious wake-up for other directories, which Wait allows).
  absl::StatusOr<std::unique_ptr<DirWatcher>> WatchDir(
      const std::string& path) override;
  // Changed by every file or directory created, renamed or removed
  // (WriteRaw and Recover included), wherever it happens.
  absl::StatusOr<std::unique_ptr<NameWatcher>> WatchNames(
      const std::string& path) override;

  // How many mutation points have been reached since construction or the
  // last Recover. Calls refused after a crash are not counted.
  uint64_t mutation_count() const;
  // The most bytes asked of one ReadAt, and given to one Append, since
  // construction or the last ResetLargestIo: how much of a file a reader or
  // writer held at once.
  size_t largest_read() const;
  size_t largest_append() const;
  // Calls that ask about files rather than read or write them, since
  // construction or the last ResetLargestIo.
  struct MetadataCalls {
    // Stat of a path or a handle, and Size of a handle (each an fstat on
    // POSIX).
    uint64_t stats = 0;
    // Looks by NameWatchers at whether any name changed (NamesChanged; a
    // read of the inotify queue on POSIX).
    uint64_t name_looks = 0;
  };
  MetadataCalls metadata_calls() const;
  void ResetLargestIo();
  // Describes mutation point `n` (1-based), e.g. "append 57 bytes to
  // /s/segment-000001.jsonl", or says that it has not been reached.
  std::string DescribePoint(uint64_t n) const;

  // When mutation point `n` is reached, power is lost: that operation does
  // not happen and returns Unavailable("simulated crash at ..."), and so
  // does every later mutation until Recover. Reads keep working.
  void CrashAtPoint(uint64_t n);
  // True once a CrashAtPoint point has been reached, until Recover.
  bool crashed() const;
  // Mutation point `n` fails once with `error`, without taking effect; if it
  // is an Append, the first `partial_bytes` bytes of its data reach the file
  // first (a short write). REQUIRES: !error.ok().
  void FailAtPoint(uint64_t n, absl::Status error, size_t partial_bytes = 0);

  // Reboots after power loss. Every directory's entries revert to its synced
  // entries, every file's bytes to its synced bytes, then `mode` decides
  // what survives of each file's unsynced growth (a file that was truncated
  // or rewritten after its last Sync keeps just its synced bytes). Random
  // choices come from `seed` only. Shared regions are zeroed, locks
  // released, pending faults and the crash cleared, and mutation numbering
  // restarts at 0. The survivors count as synced. REQUIRES: no file handle
  // is used afterwards (the process holding it died).
  void Recover(CrashMode mode, uint64_t seed);

  // The current bytes of the file at `path`; NotFound if there is none.
  absl::StatusOr<std::string> ReadAll(const std::string& path);
  // Creates or replaces the file at `path` with `bytes`, marking both the
  // bytes and the directory entry synced. Not a mutation point. Handles open
  // on a replaced file keep the old file. NotFound if the directory is
  // missing.
  absl::Status WriteRaw(const std::string& path, std::string bytes);
  // How many bytes of the file at `path` were synced; 0 if there is none.
  uint64_t synced_size(const std::string& path);
  // Sets what Stat reports of directory `path` (NotFound if it is missing).
  absl::Status SetDirOwner(const std::string& path, uint32_t owner,
                           uint32_t mode);
  // Sets the user CurrentUser reports.
  void set_current_user(uint32_t user);
  // The owner of the file at `path`; NotFound if there is none.
  absl::StatusOr<uint32_t> FileOwner(const std::string& path);

 private:
  class FileHandle;
  class LockHandle;
  class RegionHandle;
  class WatcherHandle;
  class NameWatcherHandle;

  // One file (an inode). Fields guarded by mu_.
  struct File {
    std::string bytes;   // Current contents.
    std::string synced;  // Contents as of the last Sync.
    uint64_t inode = 0;  // Unique to this file.
    uint32_t owner = 0;
  };
  using FilePtr = std::shared_ptr<File>;
  struct Dir {
    std::map<std::string, FilePtr> entries;         // Current.
    std::map<std::string, FilePtr> synced_entries;  // As of last SyncDir.
    std::set<std::string> subdirs;                  // Always durable.
    uint32_t owner = 0;
    uint32_t mode = 0700;
  };
  struct Fault {
    absl::Status error;
    size_t partial_bytes;
  };
  struct SharedBuffer {
    std::unique_ptr<uint64_t[]> words;  // 8-byte aligned.
    size_t size;                        // In bytes.
  };

  // Numbers the mutation point `what` and decides its fate: OK to proceed,
  // or the error to return without effect; for a planned short write,
  // *partial_bytes (if not null) is how many bytes to apply first.
  absl::Status BeginMutation(std::string what, size_t* partial_bytes = nullptr)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // BeginMutation for a call that creates, renames or removes a name: when
  // it may proceed, name watchers are told.
  absl::Status BeginNameChange(std::string what)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The directory named `path`, or null.
  Dir* FindDir(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The file at `path`, or null.
  FilePtr FindFile(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A handle on the file at `path`, which must exist: NotFound otherwise.
  absl::StatusOr<std::unique_ptr<FileHandle>> OpenExisting(
      const std::string& path) ABSL_LOCKS_EXCLUDED(mu_);
  // The directory that would hold `path` (or null if it is missing); sets
  // *name to the entry's name in it.
  Dir* ParentOf(const std::string& path, std::string* name)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A new empty file in `dir`, owned as CurrentUser() decides.
  FilePtr NewFile(const Dir& dir) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  FileInfo InfoOf(const File& file) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The file at `path`, creating an empty unsynced one if needed.
  absl::StatusOr<FilePtr> FindOrCreate(const std::string& path)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, Dir> dirs_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> points_ ABSL_GUARDED_BY(mu_);  // [n - 1] is n.
  size_t largest_read_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t stat_count_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t name_look_count_ ABSL_GUARDED_BY(mu_) = 0;
  size_t largest_append_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<uint64_t> crash_at_ ABSL_GUARDED_BY(mu_);
  bool crashed_ ABSL_GUARDED_BY(mu_) = false;
  std::map<uint64_t, Fault> faults_ ABSL_GUARDED_BY(mu_);
  // Which lock handle holds each file's lock: a lock belongs to the file,
  // not to its name, as flock's does.
  std::map<const File*, uint64_t> lock_owners_ ABSL_GUARDED_BY(mu_);
  uint32_t current_user_ ABSL_GUARDED_BY(mu_) = 1000;
  uint64_t next_inode_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t next_lock_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<std::string, SharedBuffer> regions_ ABSL_GUARDED_BY(mu_);
  // Bumped by every mutation point and WriteRaw; watchers wait for it to
  // move (mu_ with a Condition is the condition variable).
  uint64_t change_count_ ABSL_GUARDED_BY(mu_) = 0;
  // Bumped by every change of a name; name watchers compare it.
  uint64_t name_change_count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_
