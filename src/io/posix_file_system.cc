// The POSIX FileSystem: the only file in dotlog that calls the operating
// system's file APIs. Every failed call becomes a Status in PosixError.

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <climits>
#include <cstring>
#include <mutex>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dotlog/file_system.h"

namespace dotlog {
namespace {

// The one place where errno becomes a Status; the message reads
// "<op> <path>: <strerror>". Call it right after the failed call.
absl::Status PosixError(const char* op, const std::string& path) {
  const int error = errno;
  return absl::ErrnoToStatus(error, absl::StrCat(op, " ", path));
}

// Calls `f` until it does not fail with EINTR; returns its last result.
template <typename F>
auto RetryOnEintr(F f) {
  auto result = f();
  while (result == -1 && errno == EINTR) result = f();
  return result;
}

// Owns a file descriptor and closes it on destruction. Move-only.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Fd() {
    // close is not retried: on Linux the descriptor is gone even on EINTR.
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

absl::StatusOr<Fd> Open(const std::string& path, int flags, mode_t mode = 0) {
  const int fd = RetryOnEintr([&] { return open(path.c_str(), flags, mode); });
  if (fd < 0) return PosixError("open", path);
  return Fd(fd);
}

FileInfo ToFileInfo(const struct stat& st) {
  FileInfo info;
  if (S_ISREG(st.st_mode)) {
    info.type = FileInfo::Type::kRegular;
  } else if (S_ISDIR(st.st_mode)) {
    info.type = FileInfo::Type::kDirectory;
  } else if (S_ISLNK(st.st_mode)) {
    info.type = FileInfo::Type::kSymlink;
  }
  info.device = static_cast<uint64_t>(st.st_dev);
  info.inode = static_cast<uint64_t>(st.st_ino);
  info.size = static_cast<uint64_t>(st.st_size);
  info.mode = static_cast<uint32_t>(st.st_mode & 07777);
  info.owner = static_cast<uint32_t>(st.st_uid);
  info.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                  st.st_mtim.tv_nsec;
  info.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 +
                  st.st_ctim.tv_nsec;
  return info;
}

absl::StatusOr<FileInfo> StatFd(const Fd& fd, const std::string& path) {
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return PosixError("fstat", path);
  return ToFileInfo(st);
}

absl::StatusOr<uint64_t> FileSize(const Fd& fd, const std::string& path) {
  absl::StatusOr<FileInfo> info = StatFd(fd, path);
  if (!info.ok()) return info.status();
  return info->size;
}

// The directory holding `path`: "." for a bare name, "/" for "/name".
std::string ParentDir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The last component of `path`.
std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// What a non-regular file is, for messages.
const char* Kind(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "not a regular file";
}

absl::Status NotRegular(const char* op, const std::string& path, mode_t mode) {
  return absl::FailedPreconditionError(
      absl::StrCat(op, " ", path, ": is ", Kind(mode),
                   ", not a regular file; dotlog does not follow links or "
                   "read special files in a store: move it away"));
}

// Opens the regular file `path` relative to a descriptor of its directory,
// without following a symbolic link and without blocking on a FIFO or
// device. When the superuser creates a file in a directory another user
// owns, the file is given to that user.
absl::StatusOr<Fd> OpenRegular(const std::string& path, int flags,
                               mode_t mode = 0) {
  absl::StatusOr<Fd> dir =
      Open(ParentDir(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (!dir.ok()) return dir.status();
  const std::string name = BaseName(path);
  const int fd = RetryOnEintr([&] {
    return openat(dir->get(), name.c_str(),
                  flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
  });
  if (fd < 0) {
    // A link (ELOOP), a FIFO without a reader (ENXIO), a directory opened
    // for writing (EISDIR): say what is there rather than the errno.
    absl::Status error = PosixError("open", path);
    struct stat st;
    if (fstatat(dir->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        !S_ISREG(st.st_mode)) {
      return NotRegular("open", path, st.st_mode);
    }
    return error;
  }
  Fd file(fd);
  struct stat st;
  if (fstat(file.get(), &st) != 0) return PosixError("fstat", path);
  if (!S_ISREG(st.st_mode)) return NotRegular("open", path, st.st_mode);
  // O_NONBLOCK only guarded the open; a regular file never blocks anyway.
  if (fcntl(file.get(), F_SETFL, (flags & O_APPEND)) != 0) {
    return PosixError("fcntl", path);
  }
  if ((flags & O_CREAT) != 0 && geteuid() == 0) {
    struct stat dir_st;
    if (fstat(dir->get(), &dir_st) != 0) return PosixError("fstat", path);
    if (dir_st.st_uid != st.st_uid &&
        fchown(file.get(), dir_st.st_uid, dir_st.st_gid) != 0) {
      return PosixError("fchown", path);
    }
  }
  return file;
}

// A file mapped into memory can be cut short by another program at any
// time; touching a mapped page past its new end raises SIGBUS. Accesses
// run under GuardMapped, which turns that signal into a false return. A
// SIGBUS outside a guarded access gets the handling it had before.
thread_local sigjmp_buf* guarded_access = nullptr;
struct sigaction previous_sigbus;

void OnSigbus(int, siginfo_t*, void*) {
  if (guarded_access != nullptr) siglongjmp(*guarded_access, 1);
  // Not ours: put the earlier handling back; returning re-runs the faulting
  // instruction, which then meets it.
  sigaction(SIGBUS, &previous_sigbus, nullptr);
}

bool GuardMapped(absl::FunctionRef<void()> access) {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_sigaction = OnSigbus;
    // SA_NODEFER: the jump out skips the mask restore, so never block it.
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &previous_sigbus);
  });
  sigjmp_buf env;
  if (sigsetjmp(env, 0) != 0) {
    guarded_access = nullptr;
    return false;
  }
  guarded_access = &env;
  access();
  guarded_access = nullptr;
  return true;
}

class PosixAppendFile final : public AppendFile {
 public:
  PosixAppendFile(Fd fd, std::string path)
      : fd_(std::move(fd)), path_(std::move(path)) {}

  absl::Status Append(std::string_view data) override {
    while (!data.empty()) {
      const ssize_t n = write(fd_.get(), data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("write", path_);
      }
      if (n == 0)
        return absl::UnknownError(
            absl::StrCat("write ", path_, ": wrote nothing"));
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  absl::Status Sync() override {
    if (RetryOnEintr([&] { return fdatasync(fd_.get()); }) != 0) {
      return PosixError("fdatasync", path_);
    }
    return absl::OkStatus();
  }

  absl::Status Truncate(uint64_t size) override {
    const off_t length = static_cast<off_t>(size);
    if (RetryOnEintr([&] { return ftruncate(fd_.get(), length); }) != 0) {
      return PosixError("ftruncate", path_);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> Size() override { return FileSize(fd_, path_); }

  absl::StatusOr<FileInfo> Stat() override { return StatFd(fd_, path_); }

 private:
  Fd fd_;
  const std::string path_;
};

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(Fd fd, std::string path)
      : fd_(std::move(fd)), path_(std::move(path)) {}
  ~PosixReadableFile() override { Unmap(); }

  absl::StatusOr<uint64_t> Size() override { return FileSize(fd_, path_); }

  absl::StatusOr<FileInfo> Stat() override { return StatFd(fd_, path_); }

  absl::StatusOr<size_t> ReadAt(uint64_t offset, char* dst, size_t n) override {
    size_t done = 0;
    while (done < n) {
      const ssize_t r = pread(fd_.get(), dst + done, n - done,
                              static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return PosixError("pread", path_);
      }
      if (r == 0) break;  // End of file.
      done += static_cast<size_t>(r);
    }
    return done;
  }

  absl::Status CopyMapped(uint64_t offset, size_t n, char* dst) override {
    return ReadMapped(offset, n, [&](std::string_view bytes) {
      std::memcpy(dst, bytes.data(), bytes.size());
    });
  }

  absl::Status ReadMapped(
      uint64_t offset, size_t n,
      absl::FunctionRef<void(std::string_view)> read) override {
    // Invariant: callers read only what the last Map covered.
    assert(offset + n <= map_size_);
    const std::string_view bytes(static_cast<const char*>(map_) + offset, n);
    if (!GuardMapped([&] { read(bytes); })) {
      return absl::DataLossError(
          absl::StrCat(path_, ": cut short by another program while mapped; ",
                       n, " bytes at offset ", offset, " are gone"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string_view> Map(uint64_t size) override {
    Unmap();
    if (size == 0) return std::string_view();
    // Touching a mapped page past the end of the file raises SIGBUS, so the
    // precondition size <= Size() is checked rather than trusted.
    absl::StatusOr<uint64_t> file_size = Size();
    if (!file_size.ok()) return file_size.status();
    if (size > *file_size) {
      return absl::OutOfRangeError(
          absl::StrCat("mmap ", path_, ": ", size,
                       " bytes requested but file has ", *file_size));
    }
    void* addr = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd_.get(), 0);
    if (addr == MAP_FAILED) return PosixError("mmap", path_);
    map_ = addr;
    map_size_ = size;
    return std::string_view(static_cast<const char*>(map_), map_size_);
  }

 private:
  void Unmap() {
    if (map_ != nullptr) munmap(map_, map_size_);
    map_ = nullptr;
    map_size_ = 0;
  }

  Fd fd_;
  const std::string path_;
  void* map_ = nullptr;  // Null, or map_size_ bytes mapped from offset 0.
  size_t map_size_ = 0;
};

class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(Fd fd, std::string path)
      : fd_(std::move(fd)), path_(std::move(path)) {}
  ~PosixFileLock() override { Unlock(); }

  absl::Status Lock(std::chrono::milliseconds timeout) override {
    using Clock = std::chrono::steady_clock;
    constexpr std::chrono::microseconds kMaxBackoff(1000);
    const Clock::time_point deadline = Clock::now() + timeout;
    std::chrono::microseconds backoff(20);
    while (flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK) return PosixError("flock", path_);
      const Clock::time_point now = Clock::now();
      if (now >= deadline) {
        return absl::DeadlineExceededError(
            absl::StrCat("lock ", path_, ": still held by another owner after ",
                         timeout.count(), " ms"));
      }
      std::this_thread::sleep_for(
          std::min<Clock::duration>(backoff, deadline - now));
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
    return absl::OkStatus();
  }

  void Unlock() override {
    // Unlocking a descriptor that holds no lock is harmless.
    flock(fd_.get(), LOCK_UN);
  }

  absl::StatusOr<FileInfo> Stat() override { return StatFd(fd_, path_); }

 private:
  Fd fd_;  // Our own open file description: flock excludes other ones.
  const std::string path_;
};

class PosixSharedRegion final : public SharedRegion {
 public:
  PosixSharedRegion(void* data, size_t size) : data_(data), size_(size) {}
  ~PosixSharedRegion() override { munmap(data_, size_); }
  void* data() override { return data_; }
  size_t size() const override { return size_; }
  bool Guard(absl::FunctionRef<void()> access) override {
    return GuardMapped(access);
  }

 private:
  void* const data_;  // Page-aligned, so also 8-byte aligned.
  const size_t size_;
};

// An inotify instance watching one directory. Its events only say "look
// again": Wait drains them without reading their contents.
class PosixDirWatcher final : public DirWatcher {
 public:
  PosixDirWatcher(Fd fd, std::string path)
      : fd_(std::move(fd)), path_(std::move(path)) {}

  absl::Status Wait(std::chrono::milliseconds timeout) override {
    struct pollfd ready = {fd_.get(), POLLIN, 0};
    const int ms = static_cast<int>(
        std::clamp<int64_t>(timeout.count(), 0, INT_MAX));
    const int n = poll(&ready, 1, ms);
    if (n < 0 && errno != EINTR) return PosixError("poll", path_);
    if (n <= 0) return absl::OkStatus();  // timed out or interrupted
    // One Wait consumes every change so far: read until the queue is empty.
    alignas(struct inotify_event) char events[4096];
    for (;;) {
      const ssize_t r = read(fd_.get(), events, sizeof(events));
      if (r > 0 || (r < 0 && errno == EINTR)) continue;
      if (r < 0 && errno != EAGAIN) return PosixError("read inotify", path_);
      return absl::OkStatus();
    }
  }

 private:
  Fd fd_;  // non-blocking inotify descriptor
  const std::string path_;
};

// An inotify instance watching one directory's names. An event of any
// kind, the queue's overflow among them, means "may have changed".
class PosixNameWatcher final : public NameWatcher {
 public:
  explicit PosixNameWatcher(Fd fd) : fd_(std::move(fd)) {}

  bool NamesChanged() override {
    alignas(struct inotify_event) char events[4096];
    bool changed = false;
    for (;;) {
      const ssize_t r = read(fd_.get(), events, sizeof(events));
      if (r > 0) {
        changed = true;
      } else if (r < 0 && errno == EINTR) {
        continue;
      } else {
        // EAGAIN: the queue is empty. Anything else: cannot tell.
        return changed || !(r < 0 && errno == EAGAIN);
      }
    }
  }

 private:
  Fd fd_;  // non-blocking inotify descriptor
};

class PosixFileSystem final : public FileSystem {
 public:
  absl::Status CreateDir(const std::string& path) override {
    if (path.empty()) return absl::InvalidArgumentError("mkdir: empty path");
    // Visit every prefix ending before a '/', then the whole path, so each
    // parent exists before its child is made.
    for (size_t i = 1; i <= path.size(); ++i) {
      if (i < path.size() && (path[i] != '/' || path[i - 1] == '/')) continue;
      if (i == path.size() && path[i - 1] == '/') break;
      absl::Status status = CreateOneDir(path.substr(0, i));
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<std::string>> ListDir(
      const std::string& path) override {
    DIR* dir = opendir(path.c_str());
    if (dir == nullptr) return PosixError("opendir", path);
    std::vector<std::string> names;
    for (;;) {
      errno = 0;
      const struct dirent* entry = readdir(dir);
      if (entry == nullptr) break;
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    absl::Status status =
        errno == 0 ? absl::OkStatus() : PosixError("readdir", path);
    closedir(dir);
    if (!status.ok()) return status;
    return names;
  }

  absl::Status SyncDir(const std::string& path) override {
    absl::StatusOr<Fd> fd = Open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!fd.ok()) return fd.status();
    if (RetryOnEintr([&] { return fsync(fd->get()); }) != 0) {
      return PosixError("fsync", path);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<bool> Exists(const std::string& path) override {
    struct stat st;
    if (stat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return PosixError("stat", path);
  }

  absl::StatusOr<FileInfo> Stat(const std::string& path) override {
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) return PosixError("lstat", path);
    return ToFileInfo(st);
  }

  absl::StatusOr<FileInfo> StatFollowingLinks(
      const std::string& path) override {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return PosixError("stat", path);
    return ToFileInfo(st);
  }

  uint32_t CurrentUser() override { return static_cast<uint32_t>(geteuid()); }

  absl::StatusOr<std::string> RealPath(const std::string& path) override {
    char* resolved = realpath(path.c_str(), nullptr);
    if (resolved == nullptr) return PosixError("realpath", path);
    std::string result(resolved);
    free(resolved);
    return result;
  }

  // Linux stamps a changed file with its coarse real-time clock, or with a
  // later time where it hands out finer ones: once that clock has passed
  // `ns`, every later change is stamped after `ns`.
  bool WaitPastFileTime(int64_t ns, std::chrono::milliseconds most) override {
    const auto deadline = std::chrono::steady_clock::now() + most;
    struct timespec tick;
    if (clock_getres(CLOCK_REALTIME_COARSE, &tick) != 0) return false;
    const auto tick_ns = std::chrono::nanoseconds(
        std::max<int64_t>(1, tick.tv_sec * 1000000000LL + tick.tv_nsec));
    for (;;) {
      struct timespec now;
      if (clock_gettime(CLOCK_REALTIME_COARSE, &now) != 0) return false;
      const int64_t now_ns = now.tv_sec * 1000000000LL + now.tv_nsec;
      if (now_ns > ns) return true;
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::nanoseconds::zero()) return false;
      std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(
          {tick_ns, std::chrono::nanoseconds(ns - now_ns + 1), left}));
    }
  }

  absl::StatusOr<std::unique_ptr<AppendFile>> CreateFile(
      const std::string& path) override {
    absl::StatusOr<Fd> fd =
        OpenRegular(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0600);
    if (!fd.ok()) return fd.status();
    return std::make_unique<PosixAppendFile>(*std::move(fd), path);
  }

  absl::StatusOr<std::unique_ptr<AppendFile>> OpenAppendFile(
      const std::string& path) override {
    absl::StatusOr<Fd> fd = OpenRegular(path, O_WRONLY | O_APPEND);
    if (!fd.ok()) return fd.status();
    return std::make_unique<PosixAppendFile>(*std::move(fd), path);
  }

  absl::StatusOr<std::unique_ptr<ReadableFile>> OpenReadableFile(
      const std::string& path) override {
    absl::StatusOr<Fd> fd = OpenRegular(path, O_RDONLY);
    if (!fd.ok()) return fd.status();
    return std::make_unique<PosixReadableFile>(*std::move(fd), path);
  }

  absl::Status Rename(const std::string& from, const std::string& to) override {
    if (rename(from.c_str(), to.c_str()) != 0) {
      return PosixError("rename", absl::StrCat(from, " to ", to));
    }
    return absl::OkStatus();
  }

  // A file, or a symbolic link itself; and an empty directory, which
  // unlink refuses (EISDIR) and rmdir removes.
  absl::Status Remove(const std::string& path) override {
    if (unlink(path.c_str()) == 0) return absl::OkStatus();
    if (errno == EISDIR) {
      if (rmdir(path.c_str()) != 0) return PosixError("rmdir", path);
      return absl::OkStatus();
    }
    return PosixError("unlink", path);
  }

  absl::StatusOr<std::unique_ptr<FileLock>> OpenLock(
      const std::string& path) override {
    absl::StatusOr<Fd> fd = OpenRegular(path, O_RDWR | O_CREAT, 0600);
    if (!fd.ok()) return fd.status();
    return std::make_unique<PosixFileLock>(*std::move(fd), path);
  }

  absl::StatusOr<std::unique_ptr<SharedRegion>> MapShared(
      const std::string& path, size_t bytes) override {
    if (bytes == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("mmap ", path, ": a shared region cannot be empty"));
    }
    absl::StatusOr<Fd> fd = OpenRegular(path, O_RDWR | O_CREAT, 0600);
    if (!fd.ok()) return fd.status();
    absl::StatusOr<uint64_t> size = FileSize(*fd, path);
    if (!size.ok()) return size.status();
    if (*size < bytes) {  // Grow with zeros; never shrink another's region.
      const off_t length = static_cast<off_t>(bytes);
      if (RetryOnEintr([&] { return ftruncate(fd->get(), length); }) != 0) {
        return PosixError("ftruncate", path);
      }
    }
    void* addr =
        mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd->get(), 0);
    if (addr == MAP_FAILED) return PosixError("mmap", path);
    // The mapping outlives the descriptor, which Fd now closes.
    return std::make_unique<PosixSharedRegion>(addr, bytes);
  }

  absl::StatusOr<std::unique_ptr<DirWatcher>> WatchDir(
      const std::string& path) override {
    Fd fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (fd.get() < 0) return PosixError("inotify_init1", path);
    constexpr uint32_t kEvents = IN_MODIFY | IN_CREATE | IN_MOVED_TO |
                                 IN_CLOSE_WRITE | IN_ONLYDIR;
    if (inotify_add_watch(fd.get(), path.c_str(), kEvents) < 0) {
      return PosixError("inotify_add_watch", path);
    }
    return std::make_unique<PosixDirWatcher>(std::move(fd), path);
  }

  absl::StatusOr<std::unique_ptr<NameWatcher>> WatchNames(
      const std::string& path) override {
    Fd fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (fd.get() < 0) return PosixError("inotify_init1", path);
    constexpr uint32_t kEvents = IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                                 IN_MOVED_TO | IN_DELETE_SELF |
                                 IN_MOVE_SELF | IN_ONLYDIR;
    if (inotify_add_watch(fd.get(), path.c_str(), kEvents) < 0) {
      return PosixError("inotify_add_watch", path);
    }
    return std::make_unique<PosixNameWatcher>(std::move(fd));
  }

 private:
  // Makes one directory (mode 0700) whose parent exists, then fsyncs the
  // parent so the new entry is durable. OK if it is already a directory.
  absl::Status CreateOneDir(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      if (errno != ENOENT) return PosixError("stat", path);
      if (mkdir(path.c_str(), 0700) == 0) return SyncDir(ParentDir(path));
      if (errno != EEXIST) return PosixError("mkdir", path);
      // Lost a race with another creator: look at what it made.
      if (stat(path.c_str(), &st) != 0) return PosixError("stat", path);
    }
    if (!S_ISDIR(st.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat("mkdir ", path, ": exists and is not a directory"));
    }
    return absl::OkStatus();
  }
};

}  // namespace

FileSystem* DefaultFileSystem() {
  static PosixFileSystem file_system;
  return &file_system;
}

}  // namespace dotlog
