// The one interface through which dotlog touches files.
//
// The store never calls the operating system directly: it asks a FileSystem.
// DefaultFileSystem() is the POSIX implementation; tests substitute one that
// records what was synced and can simulate a crash or an I/O error.
#ifndef DOTLOG_FILE_SYSTEM_H_
#define DOTLOG_FILE_SYSTEM_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dotlog {

// What the file system says about one file or directory entry.
struct FileInfo {
  enum class Type { kRegular, kDirectory, kSymlink, kOther };
  Type type = Type::kOther;
  // Together the file's identity: equal for two names or handles of the
  // same file, different for a file that replaced it.
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;   // in bytes
  uint32_t mode = 0;   // permission bits, e.g. 0700
  uint32_t owner = 0;  // the owning user's id
  int64_t mtime_ns = 0;  // last modification, ns since the epoch
  // Last change of the file or its metadata (write, rename, chmod, utimes),
  // ns since the epoch. Unlike mtime no program can set it to a chosen time.
  int64_t ctime_ns = 0;

  bool SameFile(const FileInfo& other) const {
    return device == other.device && inode == other.inode;
  }
};

// A file written only at its end. Used by one thread at a time.
class AppendFile {
 public:
  virtual ~AppendFile() = default;
  // Writes all of `data` at the end of the file. On error a prefix of `data`
  // may have reached the file; the caller cuts it off with Truncate.
  virtual absl::Status Append(std::string_view data) = 0;
  // Makes every appended byte durable (fdatasync).
  virtual absl::Status Sync() = 0;
  // Cuts the file to `size` bytes.
  virtual absl::Status Truncate(uint64_t size) = 0;
  // The file's current size in bytes.
  virtual absl::StatusOr<uint64_t> Size() = 0;
  // What the open file is now, wherever its name went since it was opened.
  // Unimplemented by default, for file systems that cannot tell.
  virtual absl::StatusOr<FileInfo> Stat() {
    return absl::UnimplementedError("stat: not supported by this file system");
  }
};

// A file read at arbitrary offsets, possibly while another process appends.
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // The file's current size in bytes. Thread-safe.
  virtual absl::StatusOr<uint64_t> Size() = 0;
  // Copies up to `n` bytes at `offset` into `dst`; returns how many were
  // copied, fewer than `n` only at end of file. Thread-safe.
  virtual absl::StatusOr<size_t> ReadAt(uint64_t offset, char* dst,
                                        size_t n) = 0;
  // Returns the file's first `size` bytes (size <= Size()) in memory that
  // stays valid until the next Map call or the file's destruction. Bytes
  // never change once appended, so the view may be read from any thread;
  // Map itself must not run concurrently with readers of an earlier view.
  virtual absl::StatusOr<std::string_view> Map(uint64_t size) = 0;
  // Copies `n` bytes at `offset` of the view the last Map returned into
  // `dst`. DataLoss, never a signal, if another program cut the file short
  // under the view since. REQUIRES: offset + n <= the size mapped. By
  // default it reads the file instead.
  virtual absl::Status CopyMapped(uint64_t offset, size_t n, char* dst) {
    absl::StatusOr<size_t> got = ReadAt(offset, dst, n);
    if (!got.ok()) return got.status();
    if (*got != n) return absl::DataLossError("file was cut short");
    return absl::OkStatus();
  }
  // Runs `read` over `n` bytes at `offset` of the view the last Map
  // returned, where they lie, without copying them. DataLoss, never a
  // signal, if another program cut the file short under the view (`read`
  // then stops part-way, so it must only read: no allocation, lock,
  // exception, or object whose destructor must run). REQUIRES: offset + n
  // <= the size mapped. By default it runs `read` over a CopyMapped copy.
  virtual absl::Status ReadMapped(uint64_t offset, size_t n,
                                  absl::FunctionRef<void(std::string_view)> read) {
    std::string copy(n, '\0');
    if (absl::Status s = CopyMapped(offset, n, copy.data()); !s.ok()) return s;
    read(copy);
    return absl::OkStatus();
  }
  // What the open file is now, wherever its name went since it was opened.
  // Unimplemented by default, for file systems that cannot tell.
  virtual absl::StatusOr<FileInfo> Stat() {
    return absl::UnimplementedError("stat: not supported by this file system");
  }
};

// An exclusive advisory lock shared by every process that opens the same
// path. It is released by Unlock, by destruction, and by the death of the
// process, so a crashed holder never blocks anyone.
class FileLock {
 public:
  virtual ~FileLock() = default;
  // Waits at most `timeout` for the lock. DeadlineExceeded when it expires.
  virtual absl::Status Lock(std::chrono::milliseconds timeout) = 0;
  virtual void Unlock() = 0;
  // What the locked file is now: compared with Stat of its path, it tells
  // whether the lock is still the one every other process opens.
  // Unimplemented by default, for file systems that cannot tell.
  virtual absl::StatusOr<FileInfo> Stat() {
    return absl::UnimplementedError("stat: not supported by this file system");
  }
};

// A small region of memory shared by every process that maps the same path.
// Contents start as zeros and survive as long as the file does.
class SharedRegion {
 public:
  virtual ~SharedRegion() = default;
  // The region's first byte, aligned to 8 bytes; size() bytes long.
  virtual void* data() = 0;
  virtual size_t size() const = 0;
  // Runs `access`, which touches the region, and returns true; false, never
  // a signal, if the region's file was cut shorter than the region under it
  // (`access` then stopped part way). By default it just runs `access`.
  virtual bool Guard(absl::FunctionRef<void()> access) {
    access();
    return true;
  }
};

// Tells when something in one directory may have changed. Used by one
// thread at a time.
class DirWatcher {
 public:
  virtual ~DirWatcher() = default;
  // Waits until an entry of the directory is created, renamed into it or
  // written, if that happened since the watcher was made or since the
  // previous Wait returned, or until `timeout` passes. OK in both cases; it
  // may also return early with nothing changed, so callers re-read what they
  // watch after every return.
  virtual absl::Status Wait(std::chrono::milliseconds timeout) = 0;
};

// Tells whether the names in one directory may have changed, without
// blocking. Used by one thread at a time, and only in the process that made
// it (a forked child makes its own).
class NameWatcher {
 public:
  virtual ~NameWatcher() = default;
  // True if, since the watcher was made or since the previous call, an
  // entry of the directory may have been created, removed or renamed, or
  // the directory itself moved or removed. False only when none was: any
  // doubt (events lost, an error reading them) is true. Writing to a file
  // does not count.
  virtual bool NamesChanged() = 0;
};

// File-system operations. Implementations are thread-safe. Every error is
// an absl::Status whose message names the path and the failed operation.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates `path` and its missing parents with mode 0700, making each new
  // entry durable. OK if it already exists as a directory.
  virtual absl::Status CreateDir(const std::string& path) = 0;
  // The names (not paths) of the entries in directory `path`.
  virtual absl::StatusOr<std::vector<std::string>> ListDir(
      const std::string& path) = 0;
  // Makes the directory's entries (creations, renames, removals) durable.
  virtual absl::Status SyncDir(const std::string& path) = 0;
  // True if `path` names an existing entry.
  virtual absl::StatusOr<bool> Exists(const std::string& path) = 0;
  // What the entry at `path` is, without following a symbolic link in its
  // last component (so "dir/." describes the directory a link points to).
  // NotFound if there is no such entry. Unimplemented by default, for file
  // systems that cannot tell: the store then skips the checks it serves.
  virtual absl::StatusOr<FileInfo> Stat(const std::string& path) {
    return absl::UnimplementedError("stat " + path +
                                    ": not supported by this file system");
  }
  // The id of the user this process acts as (its effective user id); 0, the
  // superuser, by default.
  virtual uint32_t CurrentUser() { return 0; }

  // Files are opened without following a symbolic link in the path's last
  // component, relative to a descriptor of the directory holding them, and
  // only if they are regular files: a link, directory, FIFO or device where
  // a file is expected is FailedPrecondition, and never blocks. A file the
  // superuser creates in a directory another user owns is given to that
  // user, so that root never locks the owner out of their own files.

  // Creates a new empty file (mode 0600) for appending. AlreadyExists if the
  // path exists. The new entry is not durable until SyncDir.
  virtual absl::StatusOr<std::unique_ptr<AppendFile>> CreateFile(
      const std::string& path) = 0;
  // Opens an existing file for appending. NotFound if it is absent.
  virtual absl::StatusOr<std::unique_ptr<AppendFile>> OpenAppendFile(
      const std::string& path) = 0;
  // Opens an existing file for reading. NotFound if it is absent.
  virtual absl::StatusOr<std::unique_ptr<ReadableFile>> OpenReadableFile(
      const std::string& path) = 0;

  // Atomically replaces `to` with `from`. Durable after SyncDir.
  virtual absl::Status Rename(const std::string& from,
                              const std::string& to) = 0;
  // Removes a file. Durable after SyncDir.
  virtual absl::Status Remove(const std::string& path) = 0;

  // Opens (creating with mode 0600 if needed) the lock at `path`.
  virtual absl::StatusOr<std::unique_ptr<FileLock>> OpenLock(
      const std::string& path) = 0;
  // Maps `bytes` bytes of the file at `path` (created and zero-filled if
  // needed) as memory shared between processes.
  virtual absl::StatusOr<std::unique_ptr<SharedRegion>> MapShared(
      const std::string& path, size_t bytes) = 0;

  // What the entry `path` names is, following symbolic links all the way
  // (for files outside a store, such as wallpapers, which may be links).
  // NotFound if it, or a link's target, does not exist. Unimplemented by
  // default (for file systems that hold only a store's own files).
  virtual absl::StatusOr<FileInfo> StatFollowingLinks(
      const std::string& path) {
    return absl::UnimplementedError("stat " + path +
                                    ": not supported by this file system");
  }
  // The canonical absolute form of the existing entry `path`: every
  // symlink resolved, no ".", ".." or repeated '/'. NotFound if it does not
  // exist. Unimplemented by default, as Stat.
  virtual absl::StatusOr<std::string> RealPath(const std::string& path) {
    return absl::UnimplementedError("realpath " + path +
                                    ": not supported by this file system");
  }

  // Waits, for at most `most`, until a file changed from now on would be
  // given a modification time later than `ns` (nanoseconds since the
  // epoch, by the clock this file system stamps files with). True if it
  // did; false if the time ran out, and at once by default, for file
  // systems that cannot tell.
  virtual bool WaitPastFileTime(int64_t ns, std::chrono::milliseconds most) {
    (void)ns;
    (void)most;
    return false;
  }

  // Starts watching directory `path`: changes made after this returns wake
  // the watcher's Wait. Unimplemented for file systems that cannot watch
  // (the default, so that other implementations need not provide it).
  virtual absl::StatusOr<std::unique_ptr<DirWatcher>> WatchDir(
      const std::string& path) {
    return absl::UnimplementedError("watch " + path +
                                    ": not supported by this file system");
  }

  // Starts watching the names in directory `path`: a change of a name made
  // after this returns makes the watcher's NamesChanged true. Unimplemented
  // for file systems that cannot watch (the default); ResourceExhausted,
  // among others, when the system's watchers are used up.
  virtual absl::StatusOr<std::unique_ptr<NameWatcher>> WatchNames(
      const std::string& path) {
    return absl::UnimplementedError("watch " + path +
                                    ": not supported by this file system");
  }
};

// The POSIX file system. Never null; lives for the whole program.
FileSystem* DefaultFileSystem();

}  // namespace dotlog

#endif  // DOTLOG_FILE_SYSTEM_H_
