#include "support/fault_file_system.h"

#include <algorithm>
#include <cassert>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace dotlog::testing {
namespace {

// Errors whose messages read "<op> <path>: <why>", like POSIX ones.
absl::Status NotFound(const std::string& op, const std::string& path) {
  return absl::NotFoundError(absl::StrCat(op, " ", path, ": not found"));
}

absl::Status IsDirectory(const std::string& op, const std::string& path) {
  return absl::FailedPreconditionError(
      absl::StrCat(op, " ", path, ": is a directory"));
}

// Collapses repeated '/', drops a leading "./" and a trailing '/'.
std::string Clean(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c != '/' || out.empty() || out.back() != '/') out.push_back(c);
  }
  while (out.size() > 2 && out.compare(0, 2, "./") == 0) out.erase(0, 2);
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// What survives of a file whose bytes are `bytes` and whose last Sync saw
// `synced`, after power loss in `mode`.
std::string Survivor(const std::string& bytes, const std::string& synced,
                     FaultFileSystem::CrashMode mode, std::mt19937_64& rng) {
  using Mode = FaultFileSystem::CrashMode;
  std::string result = synced;
  const bool grew = bytes.size() > synced.size() &&
                    bytes.compare(0, synced.size(), synced) == 0;
  if (!grew) return result;
  const size_t unsynced = bytes.size() - synced.size();
  if (mode == Mode::kKeepUnsyncedPrefix) {
    result.append(bytes, synced.size(), rng() % (unsynced + 1));
  } else if (mode == Mode::kGarbageUnsyncedTail) {
    const size_t length = 1 + rng() % unsynced;
    const bool zeros = rng() % 2 == 0;
    for (size_t i = 0; i < length; ++i) {
      result.push_back(zeros ? '\0' : static_cast<char>(rng()));
    }
  }
  return result;
}

}  // namespace

// An open file, for appending or reading. It refers to its File directly,
// so it stays usable after a Rename or Remove of its path.
class FaultFileSystem::FileHandle final : public AppendFile,
                                          public ReadableFile {
 public:
  FileHandle(FaultFileSystem* fs, FilePtr file, std::string path)
      : fs_(fs), file_(std::move(file)), path_(std::move(path)) {}

  absl::Status Append(std::string_view data) override {
    absl::MutexLock lock(&fs_->mu_);
    fs_->largest_append_ = std::max(fs_->largest_append_, data.size());
    size_t partial = 0;
    absl::Status status = fs_->BeginMutation(
        absl::StrCat("append ", data.size(), " bytes to ", path_), &partial);
    // A failed write may still have written a prefix (a short write).
    file_->bytes.append(data.substr(0, status.ok() ? data.size() : partial));
    return status;
  }

  absl::Status Sync() override {
    absl::MutexLock lock(&fs_->mu_);
    absl::Status status = fs_->BeginMutation(
        absl::StrCat("sync ", path_, " (", file_->bytes.size(), " bytes)"));
    if (status.ok()) file_->synced = file_->bytes;
    return status;
  }

  absl::Status Truncate(uint64_t size) override {
    absl::MutexLock lock(&fs_->mu_);
    absl::Status status = fs_->BeginMutation(
        absl::StrCat("truncate ", path_, " to ", size, " bytes"));
    if (status.ok()) file_->bytes.resize(size, '\0');  // Grows with zeros.
    return status;
  }

  absl::StatusOr<uint64_t> Size() override {  // For both interfaces.
    absl::MutexLock lock(&fs_->mu_);
    ++fs_->stat_count_;
    return file_->bytes.size();
  }

  absl::StatusOr<FileInfo> Stat() override {
    absl::MutexLock lock(&fs_->mu_);
    ++fs_->stat_count_;
    return fs_->InfoOf(*file_);
  }

  absl::StatusOr<size_t> ReadAt(uint64_t offset, char* dst, size_t n) override {
    absl::MutexLock lock(&fs_->mu_);
    fs_->largest_read_ = std::max(fs_->largest_read_, n);
    if (offset >= file_->bytes.size()) return 0;
    return file_->bytes.copy(dst, n, offset);
  }

  absl::StatusOr<std::string_view> Map(uint64_t size) override {
    absl::MutexLock lock(&fs_->mu_);
    if (size > file_->bytes.size()) {
      return absl::OutOfRangeError(absl::StrCat("mmap ", path_, ": ", size,
                                                " bytes but the file has ",
                                                file_->bytes.size()));
    }
    // A private copy: later appends or truncations never change the view.
    map_.assign(file_->bytes, 0, size);
    return std::string_view(map_);
  }

 private:
  FaultFileSystem* const fs_;
  const FilePtr file_;
  const std::string path_;  // As opened, for messages.
  std::string map_;         // The bytes of the last Map.
};

class FaultFileSystem::LockHandle final : public FileLock {
 public:
  LockHandle(FaultFileSystem* fs, FilePtr file, std::string path, uint64_t id)
      : fs_(fs), file_(std::move(file)), path_(std::move(path)), id_(id) {}
  ~LockHandle() override { Unlock(); }

  absl::Status Lock(std::chrono::milliseconds timeout) override {
    absl::MutexLock lock(&fs_->mu_);
    const auto is_free = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(fs_->mu_) {
      auto it = fs_->lock_owners_.find(file_.get());
      return it == fs_->lock_owners_.end() || it->second == id_;
    };
    if (!fs_->mu_.AwaitWithTimeout(absl::Condition(&is_free),
                                   absl::FromChrono(timeout))) {
      return absl::DeadlineExceededError(
          absl::StrCat("lock ", path_, ": still held by another owner after ",
                       timeout.count(), " ms"));
    }
    fs_->lock_owners_[file_.get()] = id_;
    return absl::OkStatus();
  }

  void Unlock() override {
    absl::MutexLock lock(&fs_->mu_);
    auto it = fs_->lock_owners_.find(file_.get());
    if (it != fs_->lock_owners_.end() && it->second == id_) {
      fs_->lock_owners_.erase(it);
    }
  }

  absl::StatusOr<FileInfo> Stat() override {
    absl::MutexLock lock(&fs_->mu_);
    ++fs_->stat_count_;
    return fs_->InfoOf(*file_);
  }

 private:
  FaultFileSystem* const fs_;
  const FilePtr file_;      // The locked file, wherever its name went.
  const std::string path_;  // For messages.
  const uint64_t id_;       // Tells this holder from the others.
};

class FaultFileSystem::RegionHandle final : public SharedRegion {
 public:
  RegionHandle(void* data, size_t size) : data_(data), size_(size) {}
  void* data() override { return data_; }
  size_t size() const override { return size_; }

 private:
  void* const data_;  // Owned by the FaultFileSystem.
  const size_t size_;
};

class FaultFileSystem::WatcherHandle final : public DirWatcher {
 public:
  WatcherHandle(FaultFileSystem* fs, uint64_t seen) : fs_(fs), seen_(seen) {}

  absl::Status Wait(std::chrono::milliseconds timeout) override {
    absl::MutexLock lock(&fs_->mu_);
    const auto changed = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(fs_->mu_) {
      return fs_->change_count_ != seen_;
    };
    fs_->mu_.AwaitWithTimeout(absl::Condition(&changed),
                              absl::FromChrono(timeout));
    seen_ = fs_->change_count_;
    return absl::OkStatus();
  }

 private:
  FaultFileSystem* const fs_;
  uint64_t seen_;  // change_count_ when last looked
};

class FaultFileSystem::NameWatcherHandle final : public NameWatcher {
 public:
  NameWatcherHandle(FaultFileSystem* fs, uint64_t seen) : fs_(fs), seen_(seen) {}

  bool NamesChanged() override {
    absl::MutexLock lock(&fs_->mu_);
    ++fs_->name_look_count_;
    const bool changed = fs_->name_change_count_ != seen_;
    seen_ = fs_->name_change_count_;
    return changed;
  }

 private:
  FaultFileSystem* const fs_;
  uint64_t seen_;  // name_change_count_ when last looked
};

FaultFileSystem::FaultFileSystem() {
  dirs_["/"].owner = current_user_;
  dirs_["."].owner = current_user_;
}

FaultFileSystem::~FaultFileSystem() = default;

absl::Status FaultFileSystem::CreateDir(const std::string& path) {
  absl::MutexLock lock(&mu_);
  const std::string clean = Clean(path);
  if (clean.empty()) return absl::InvalidArgumentError("mkdir: empty path");
  ++name_change_count_;
  // Each prefix ending before a '/', then the whole path: parents first.
  for (size_t i = 1; i <= clean.size(); ++i) {
    if (i < clean.size() && clean[i] != '/') continue;
    const std::string dir_path = clean.substr(0, i);
    if (dirs_.count(dir_path) != 0) continue;
    std::string name;
    Dir* parent = ParentOf(dir_path, &name);
    if (parent == nullptr) return NotFound("mkdir", dir_path);
    if (parent->entries.count(name) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("mkdir ", dir_path, ": exists and is not a directory"));
    }
    // Durable at once, as the interface promises.
    dirs_[dir_path].owner = current_user_;
    parent->subdirs.insert(name);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> FaultFileSystem::ListDir(
    const std::string& path) {
  absl::MutexLock lock(&mu_);
  const Dir* dir = FindDir(path);
  if (dir == nullptr) return NotFound("opendir", path);
  std::vector<std::string> names(dir->subdirs.begin(), dir->subdirs.end());
  for (const auto& [name, file] : dir->entries) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status FaultFileSystem::SyncDir(const std::string& path) {
  absl::MutexLock lock(&mu_);
  absl::Status status = BeginMutation(absl::StrCat("sync dir ", path));
  if (!status.ok()) return status;
  Dir* dir = FindDir(path);
  if (dir == nullptr) return NotFound("fsync", path);
  dir->synced_entries = dir->entries;
  return absl::OkStatus();
}

absl::StatusOr<bool> FaultFileSystem::Exists(const std::string& path) {
  absl::MutexLock lock(&mu_);
  return FindDir(path) != nullptr || FindFile(path) != nullptr;
}

absl::StatusOr<FileInfo> FaultFileSystem::Stat(const std::string& path) {
  absl::MutexLock lock(&mu_);
  ++stat_count_;
  std::string clean = Clean(path);
  if (clean.size() > 2 && clean.compare(clean.size() - 2, 2, "/.") == 0) {
    clean.resize(clean.size() - 2);
  }
  if (const Dir* dir = FindDir(clean)) {
    FileInfo info;
    info.type = FileInfo::Type::kDirectory;
    info.device = 1;
    info.owner = dir->owner;
    info.mode = dir->mode;
    return info;
  }
  if (FilePtr file = FindFile(clean)) return InfoOf(*file);
  return NotFound("lstat", path);
}

uint32_t FaultFileSystem::CurrentUser() {
  absl::MutexLock lock(&mu_);
  return current_user_;
}

absl::StatusOr<std::unique_ptr<AppendFile>> FaultFileSystem::CreateFile(
    const std::string& path) {
  absl::MutexLock lock(&mu_);
  absl::Status status = BeginNameChange(absl::StrCat("create ", path));
  if (!status.ok()) return status;
  std::string name;
  Dir* dir = ParentOf(path, &name);
  if (dir == nullptr) return NotFound("open", path);
  if (dir->entries.count(name) != 0 || dir->subdirs.count(name) != 0) {
    return absl::AlreadyExistsError(absl::StrCat("open ", path, ": exists"));
  }
  FilePtr file = NewFile(*dir);
  dir->entries[name] = file;
  return std::make_unique<FileHandle>(this, std::move(file), path);
}

absl::StatusOr<std::unique_ptr<FaultFileSystem::FileHandle>>
FaultFileSystem::OpenExisting(const std::string& path) {
  absl::MutexLock lock(&mu_);
  FilePtr file = FindFile(path);
  if (file == nullptr) return NotFound("open", path);
  return std::make_unique<FileHandle>(this, std::move(file), path);
}

absl::StatusOr<std::unique_ptr<AppendFile>> FaultFileSystem::OpenAppendFile(
    const std::string& path) {
  return OpenExisting(path);
}

absl::StatusOr<std::unique_ptr<ReadableFile>> FaultFileSystem::OpenReadableFile(
    const std::string& path) {
  return OpenExisting(path);
}

absl::Status FaultFileSystem::Rename(const std::string& from,
                                     const std::string& to) {
  absl::MutexLock lock(&mu_);
  const std::string paths = absl::StrCat(from, " to ", to);
  absl::Status status = BeginNameChange(absl::StrCat("rename ", paths));
  if (!status.ok()) return status;
  std::string from_name, to_name;
  Dir* from_dir = ParentOf(from, &from_name);
  Dir* to_dir = ParentOf(to, &to_name);
  if (from_dir == nullptr || to_dir == nullptr ||
      from_dir->entries.count(from_name) == 0) {
    return NotFound("rename", paths);
  }
  if (to_dir->subdirs.count(to_name) != 0) return IsDirectory("rename", paths);
  FilePtr file = std::move(from_dir->entries[from_name]);
  from_dir->entries.erase(from_name);
  to_dir->entries[to_name] = std::move(file);
  return absl::OkStatus();
}

absl::Status FaultFileSystem::Remove(const std::string& path) {
  absl::MutexLock lock(&mu_);
  absl::Status status = BeginNameChange(absl::StrCat("remove ", path));
  if (!status.ok()) return status;
  std::string name;
  Dir* dir = ParentOf(path, &name);
  if (dir == nullptr || dir->entries.erase(name) == 0) {
    return NotFound("unlink", path);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<FileLock>> FaultFileSystem::OpenLock(
    const std::string& path) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<FilePtr> file = FindOrCreate(path);
  if (!file.ok()) return file.status();
  return std::make_unique<LockHandle>(this, *std::move(file), path,
                                      next_lock_id_++);
}

absl::StatusOr<std::unique_ptr<SharedRegion>> FaultFileSystem::MapShared(
    const std::string& path, size_t bytes) {
  absl::MutexLock lock(&mu_);
  if (bytes == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("mmap ", path, ": a shared region cannot be empty"));
  }
  absl::StatusOr<FilePtr> file = FindOrCreate(path);
  if (!file.ok()) return file.status();
  // The file grows with zeros to the region's size, as the POSIX one does;
  // the region itself is kept apart, so cutting the file never faults.
  if ((*file)->bytes.size() < bytes) (*file)->bytes.resize(bytes, '\0');
  SharedBuffer& buffer = regions_[Clean(path)];
  if (buffer.words == nullptr) {
    buffer.words = std::make_unique<uint64_t[]>((bytes + 7) / 8);  // Zeroed.
    buffer.size = bytes;
  } else if (buffer.size < bytes) {
    // Growing would move the buffer out from under the existing mappings.
    return absl::FailedPreconditionError(
        absl::StrCat("mmap ", path, ": cannot grow a fault-FS region of ",
                     buffer.size, " bytes to ", bytes));
  }
  return std::make_unique<RegionHandle>(buffer.words.get(), bytes);
}

absl::StatusOr<std::unique_ptr<DirWatcher>> FaultFileSystem::WatchDir(
    const std::string& path) {
  absl::MutexLock lock(&mu_);
  if (FindDir(path) == nullptr) return NotFound("watch", path);
  return std::make_unique<WatcherHandle>(this, change_count_);
}

absl::StatusOr<std::unique_ptr<NameWatcher>> FaultFileSystem::WatchNames(
    const std::string& path) {
  absl::MutexLock lock(&mu_);
  if (FindDir(path) == nullptr) return NotFound("watch", path);
  return std::make_unique<NameWatcherHandle>(this, name_change_count_);
}

FaultFileSystem::MetadataCalls FaultFileSystem::metadata_calls() const {
  absl::MutexLock lock(&mu_);
  return MetadataCalls{stat_count_, name_look_count_};
}

size_t FaultFileSystem::largest_read() const {
  absl::MutexLock lock(&mu_);
  return largest_read_;
}

size_t FaultFileSystem::largest_append() const {
  absl::MutexLock lock(&mu_);
  return largest_append_;
}

void FaultFileSystem::ResetLargestIo() {
  absl::MutexLock lock(&mu_);
  largest_read_ = largest_append_ = 0;
  stat_count_ = name_look_count_ = 0;
}

uint64_t FaultFileSystem::mutation_count() const {
  absl::MutexLock lock(&mu_);
  return points_.size();
}

std::string FaultFileSystem::DescribePoint(uint64_t n) const {
  absl::MutexLock lock(&mu_);
  if (n == 0 || n > points_.size()) {
    return absl::StrCat("mutation point ", n, " not reached (", points_.size(),
                        " so far)");
  }
  return points_[n - 1];
}

void FaultFileSystem::CrashAtPoint(uint64_t n) {
  absl::MutexLock lock(&mu_);
  crash_at_ = n;
}

bool FaultFileSystem::crashed() const {
  absl::MutexLock lock(&mu_);
  return crashed_;
}

void FaultFileSystem::FailAtPoint(uint64_t n, absl::Status error,
                                  size_t partial_bytes) {
  // An OK "error" would make the point apply only its partial bytes.
  assert(!error.ok());
  absl::MutexLock lock(&mu_);
  faults_[n] = Fault{std::move(error), partial_bytes};
}

void FaultFileSystem::Recover(CrashMode mode, uint64_t seed) {
  absl::MutexLock lock(&mu_);
  std::mt19937_64 rng(seed);
  ++name_change_count_;
  // Directory entries first: a file reachable only through an unsynced
  // entry is lost. Then each surviving file once, in a fixed order so that
  // `seed` alone decides the outcome.
  for (auto& [path, dir] : dirs_) dir.entries = dir.synced_entries;
  std::set<const File*> seen;
  for (auto& [path, dir] : dirs_) {
    for (auto& [name, file] : dir.entries) {
      if (!seen.insert(file.get()).second) continue;
      file->bytes = Survivor(file->bytes, file->synced, mode, rng);
      file->synced = file->bytes;
    }
  }
  for (auto& [path, buffer] : regions_) {
    std::fill_n(buffer.words.get(), (buffer.size + 7) / 8, uint64_t{0});
  }
  lock_owners_.clear();
  points_.clear();
  crash_at_.reset();
  crashed_ = false;
  faults_.clear();
}

absl::StatusOr<std::string> FaultFileSystem::ReadAll(const std::string& path) {
  absl::MutexLock lock(&mu_);
  FilePtr file = FindFile(path);
  if (file == nullptr) return NotFound("read", path);
  return file->bytes;
}

absl::Status FaultFileSystem::WriteRaw(const std::string& path,
                                       std::string bytes) {
  absl::MutexLock lock(&mu_);
  std::string name;
  Dir* dir = ParentOf(path, &name);
  if (dir == nullptr) return NotFound("write", path);
  if (dir->subdirs.count(name) != 0) return IsDirectory("write", path);
  ++change_count_;
  ++name_change_count_;
  FilePtr file = NewFile(*dir);
  file->bytes = bytes;
  file->synced = std::move(bytes);
  dir->entries[name] = file;
  dir->synced_entries[name] = std::move(file);
  return absl::OkStatus();
}

uint64_t FaultFileSystem::synced_size(const std::string& path) {
  absl::MutexLock lock(&mu_);
  FilePtr file = FindFile(path);
  return file == nullptr ? 0 : file->synced.size();
}

absl::Status FaultFileSystem::SetDirOwner(const std::string& path,
                                         uint32_t owner, uint32_t mode) {
  absl::MutexLock lock(&mu_);
  Dir* dir = FindDir(path);
  if (dir == nullptr) return NotFound("chown", path);
  dir->owner = owner;
  dir->mode = mode;
  return absl::OkStatus();
}

void FaultFileSystem::set_current_user(uint32_t user) {
  absl::MutexLock lock(&mu_);
  current_user_ = user;
}

absl::StatusOr<uint32_t> FaultFileSystem::FileOwner(const std::string& path) {
  absl::MutexLock lock(&mu_);
  FilePtr file = FindFile(path);
  if (file == nullptr) return NotFound("stat", path);
  return file->owner;
}

FaultFileSystem::FilePtr FaultFileSystem::NewFile(const Dir& dir) {
  auto file = std::make_shared<File>();
  file->inode = next_inode_++;
  file->owner = current_user_ == 0 ? dir.owner : current_user_;
  return file;
}

FileInfo FaultFileSystem::InfoOf(const File& file) const {
  FileInfo info;
  info.type = FileInfo::Type::kRegular;
  info.device = 1;
  info.inode = file.inode;
  info.size = file.bytes.size();
  info.mode = 0600;
  info.owner = file.owner;
  return info;
}

absl::Status FaultFileSystem::BeginNameChange(std::string what) {
  absl::Status status = BeginMutation(std::move(what));
  if (status.ok()) ++name_change_count_;
  return status;
}

absl::Status FaultFileSystem::BeginMutation(std::string what,
                                            size_t* partial_bytes) {
  if (partial_bytes != nullptr) *partial_bytes = 0;
  if (crashed_) {
    return absl::UnavailableError(
        absl::StrCat("simulated crash at point ", *crash_at_, " (",
                     points_[*crash_at_ - 1], "); refused: ", what));
  }
  ++change_count_;
  points_.push_back(std::move(what));
  const uint64_t n = points_.size();
  if (crash_at_ == n) {
    crashed_ = true;
    return absl::UnavailableError(absl::StrCat("simulated crash at point ", n,
                                               " (", points_.back(), ")"));
  }
  auto it = faults_.find(n);
  if (it == faults_.end()) return absl::OkStatus();
  // Like a real error, the message names the operation and the path.
  absl::Status error(
      it->second.error.code(),
      absl::StrCat(points_.back(), ": ", it->second.error.message()));
  if (partial_bytes != nullptr) *partial_bytes = it->second.partial_bytes;
  faults_.erase(it);
  return error;
}

FaultFileSystem::Dir* FaultFileSystem::FindDir(const std::string& path) {
  auto it = dirs_.find(Clean(path));
  return it == dirs_.end() ? nullptr : &it->second;
}

FaultFileSystem::FilePtr FaultFileSystem::FindFile(const std::string& path) {
  std::string name;
  const Dir* dir = ParentOf(path, &name);
  if (dir == nullptr) return nullptr;
  auto it = dir->entries.find(name);
  return it == dir->entries.end() ? nullptr : it->second;
}

FaultFileSystem::Dir* FaultFileSystem::ParentOf(const std::string& path,
                                                std::string* name) {
  const std::string clean = Clean(path);
  const size_t slash = clean.find_last_of('/');
  *name = clean.substr(slash == std::string::npos ? 0 : slash + 1);
  if (slash == std::string::npos) return FindDir(".");
  return FindDir(slash == 0 ? "/" : clean.substr(0, slash));
}

absl::StatusOr<FaultFileSystem::FilePtr> FaultFileSystem::FindOrCreate(
    const std::string& path) {
  if (FilePtr file = FindFile(path)) return file;
  std::string name;
  Dir* dir = ParentOf(path, &name);
  if (dir == nullptr) return NotFound("open", path);
  if (dir->subdirs.count(name) != 0) return IsDirectory("open", path);
  ++name_change_count_;
  FilePtr& file = dir->entries[name];
  file = NewFile(*dir);
  return file;
}

}  // namespace dotlog::testing
