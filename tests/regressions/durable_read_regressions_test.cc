// With SyncMode::kAlways a reader in another handle (or process) used to
// read a record while its writer was still inside fdatasync: a power loss
// then could take back a value the reader had already acted on.
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dotlog/file_system.h"
#include "dotlog/store.h"
#include "support/status_helpers.h"
#include "support/forwarding_file_system.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

// The POSIX file system, but every file sync first runs `before_sync`: a
// test stops a writer there, between its append and its fdatasync.
class SyncHookFileSystem final : public testing::ForwardingFileSystem {
 public:
  std::function<void()> before_sync;

  absl::StatusOr<std::unique_ptr<AppendFile>> CreateFile(const std::string& p) override {
    return Hooked(base()->CreateFile(p));
  }
  absl::StatusOr<std::unique_ptr<AppendFile>> OpenAppendFile(
      const std::string& p) override {
    return Hooked(base()->OpenAppendFile(p));
  }

 private:
  class File final : public AppendFile {
   public:
    File(std::unique_ptr<AppendFile> base, SyncHookFileSystem* fs)
        : base_(std::move(base)), fs_(fs) {}
    absl::Status Append(std::string_view data) override { return base_->Append(data); }
    absl::Status Sync() override {
      if (auto hook = std::exchange(fs_->before_sync, nullptr)) hook();
      return base_->Sync();
    }
    absl::Status Truncate(uint64_t size) override { return base_->Truncate(size); }
    absl::StatusOr<uint64_t> Size() override { return base_->Size(); }
    absl::StatusOr<FileInfo> Stat() override { return base_->Stat(); }

   private:
    std::unique_ptr<AppendFile> base_;
    SyncHookFileSystem* fs_;
  };

  absl::StatusOr<std::unique_ptr<AppendFile>> Hooked(
      absl::StatusOr<std::unique_ptr<AppendFile>> file) {
    if (!file.ok()) return file.status();
    return std::unique_ptr<AppendFile>(std::make_unique<File>(std::move(*file), this));
  }
};

TEST_CASE("with sync always, no reader sees a write before it is synced",
          "[regression]") {
  testing::TempDir tmp;
  SyncHookFileSystem fs;
  Options options;
  options.sync = SyncMode::kAlways;
  options.auto_compact = false;
  options.file_system = &fs;
  auto writer = testing::OpenOrDie(tmp.path(), options);
  REQUIRE_OK(writer->Put("k", "1"));
  // Opened before, and behind by one write, so that its next call reads
  // the files.
  auto reader = testing::OpenOrDie(tmp.path(), options);
  REQUIRE_OK(writer->Put("other", "1"));

  std::optional<std::string> open_reader_saw, new_reader_saw;
  fs.before_sync = [&] {
    open_reader_saw = reader->Get("k").value_or("<error>");
    auto fresh = Store::Open(tmp.path(), options);
    REQUIRE_OK(fresh.status());
    new_reader_saw = (*fresh)->Get("k").value_or("<error>");
  };
  REQUIRE_OK(writer->Put("k", "2"));
  REQUIRE(open_reader_saw.has_value());
  CHECK(*open_reader_saw == "1");
  CHECK(*new_reader_saw == "1");
  // Once the write is acknowledged, every reader sees it.
  CHECK(testing::Value(reader->Get("k")) == "2");
  CHECK(*testing::OpenOrDie(tmp.path(), options)->Get("k") == "2");
}

}  // namespace
}  // namespace dotlog
