// A base for the test file systems that change a few calls of another file
// system and pass the rest on. Header-only: nothing to register in meson.
#ifndef DOTLOG_TESTS_SUPPORT_FORWARDING_FILE_SYSTEM_H_
#define DOTLOG_TESTS_SUPPORT_FORWARDING_FILE_SYSTEM_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "dotlog/file_system.h"

namespace dotlog::testing {

// Passes every call that a file system must have, and Stat and
// CurrentUser, on to `base` (by default the POSIX file system). The
// optional calls (StatFollowingLinks, RealPath, WaitPastFileTime, WatchDir,
// WatchNames) keep FileSystem's defaults unless a subclass passes them on.
class ForwardingFileSystem : public FileSystem {
 public:
  explicit ForwardingFileSystem(FileSystem* base = DefaultFileSystem())
      : base_(base) {}

  absl::Status CreateDir(const std::string& p) override {
    return base_->CreateDir(p);
  }
  absl::StatusOr<std::vector<std::string>> ListDir(
      const std::string& p) override {
    return base_->ListDir(p);
  }
  absl::Status SyncDir(const std::string& p) override {
    return base_->SyncDir(p);
  }
  absl::StatusOr<bool> Exists(const std::string& p) override {
    return base_->Exists(p);
  }
  absl::StatusOr<FileInfo> Stat(const std::string& p) override {
    return base_->Stat(p);
  }
  uint32_t CurrentUser() override { return base_->CurrentUser(); }
  absl::StatusOr<std::unique_ptr<AppendFile>> CreateFile(
      const std::string& p) override {
    return base_->CreateFile(p);
  }
  absl::StatusOr<std::unique_ptr<AppendFile>> OpenAppendFile(
      const std::string& p) override {
    return base_->OpenAppendFile(p);
  }
  absl::StatusOr<std::unique_ptr<ReadableFile>> OpenReadableFile(
      const std::string& p) override {
    return base_->OpenReadableFile(p);
  }
  absl::Status Rename(const std::string& from, const std::string& to) override {
    return base_->Rename(from, to);
  }
  absl::Status Remove(const std::string& p) override {
    return base_->Remove(p);
  }
  absl::StatusOr<std::unique_ptr<FileLock>> OpenLock(
      const std::string& p) override {
    return base_->OpenLock(p);
  }
  absl::StatusOr<std::unique_ptr<SharedRegion>> MapShared(
      const std::string& p, size_t bytes) override {
    return base_->MapShared(p, bytes);
  }

 protected:
  // The file system the calls go to.
  FileSystem* base() const { return base_; }

 private:
  FileSystem* const base_;
};

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_FORWARDING_FILE_SYSTEM_H_
