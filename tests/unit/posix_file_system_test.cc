// Tests of DefaultFileSystem() against a real directory under $TMPDIR.

#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/file_system.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::Value;

// A fresh directory, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
        "/dotlog_posix_fs_test.XXXXXX";
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string Path(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

FileSystem* const kFs = DefaultFileSystem();

std::string ReadRange(ReadableFile& file, uint64_t offset, size_t n) {
  std::string out(n, '\0');
  absl::StatusOr<size_t> got = file.ReadAt(offset, out.data(), n);
  REQUIRE_OK(got);
  out.resize(*got);
  return out;
}

// Up to `n` bytes from the start of the file at `path`, read through a new
// ReadableFile.
std::string ReadFront(const std::string& path, size_t n) {
  auto reader = kFs->OpenReadableFile(path);
  REQUIRE_OK(reader);
  return ReadRange(**reader, 0, n);
}

void WriteFile(const std::string& path, const std::string& bytes) {
  auto file = kFs->CreateFile(path);
  REQUIRE_OK(file);
  REQUIRE_OK((*file)->Append(bytes));
  REQUIRE_OK((*file)->Sync());
}

fs::perms Perms(const std::string& path) {
  return fs::status(path).permissions() & fs::perms::all;
}

TEST_CASE("posix: DefaultFileSystem is one instance for the whole program") {
  CHECK(DefaultFileSystem() != nullptr);
  CHECK(DefaultFileSystem() == DefaultFileSystem());
}

TEST_CASE("posix: appended bytes read back through Size, ReadAt and Map") {
  TempDir dir;
  const std::string path = dir.Path("segment");
  auto file = kFs->CreateFile(path);
  REQUIRE_OK(file);
  REQUIRE_OK((*file)->Append("hello "));
  REQUIRE_OK((*file)->Append("world\n"));
  REQUIRE_OK((*file)->Sync());
  CHECK(*(*file)->Size() == 12);

  auto reader = kFs->OpenReadableFile(path);
  REQUIRE_OK(reader);
  CHECK(*(*reader)->Size() == 12);
  CHECK(ReadRange(**reader, 0, 12) == "hello world\n");
  CHECK(ReadRange(**reader, 6, 5) == "world");
  auto view = (*reader)->Map(11);
  REQUIRE_OK(view);
  CHECK(*view == "hello world");
}

TEST_CASE("posix: ReadAt is short only at the end of the file") {
  TempDir dir;
  WriteFile(dir.Path("f"), "abcdef");
  auto reader = kFs->OpenReadableFile(dir.Path("f"));
  REQUIRE_OK(reader);
  CHECK(ReadRange(**reader, 4, 10) == "ef");
  CHECK(ReadRange(**reader, 6, 10).empty());
  CHECK(ReadRange(**reader, 100, 10).empty());
}

TEST_CASE("posix: a large append arrives whole") {
  TempDir dir;
  std::string big(4 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31);
  WriteFile(dir.Path("big"), big);
  auto reader = kFs->OpenReadableFile(dir.Path("big"));
  REQUIRE_OK(reader);
  CHECK(ReadRange(**reader, 0, big.size()) == big);
  auto view = (*reader)->Map(big.size());
  REQUIRE_OK(view);
  CHECK(*view == big);
}

TEST_CASE("posix: Map sees bytes appended after the reader was opened") {
  TempDir dir;
  auto writer = kFs->CreateFile(dir.Path("f"));
  REQUIRE_OK(writer);
  REQUIRE_OK((*writer)->Append("one\n"));
  auto reader = kFs->OpenReadableFile(dir.Path("f"));
  REQUIRE_OK(reader);
  auto first = (*reader)->Map(4);
  REQUIRE_OK(first);
  CHECK(*first == "one\n");
  REQUIRE_OK((*writer)->Append("two\n"));
  CHECK(*(*reader)->Size() == 8);
  auto second = (*reader)->Map(8);
  REQUIRE_OK(second);
  CHECK(*second == "one\ntwo\n");
}

TEST_CASE(
    "posix: Map of zero bytes is an empty view, and past the end an error") {
  TempDir dir;
  WriteFile(dir.Path("f"), "abc");
  auto reader = kFs->OpenReadableFile(dir.Path("f"));
  REQUIRE_OK(reader);
  auto empty = (*reader)->Map(0);
  REQUIRE_OK(empty);
  CHECK(empty->empty());
  CHECK((*reader)->Map(4).status().code() == absl::StatusCode::kOutOfRange);
}

TEST_CASE(
    "posix: Truncate cuts the file and later appends continue at its end") {
  TempDir dir;
  auto file = kFs->CreateFile(dir.Path("f"));
  REQUIRE_OK(file);
  REQUIRE_OK((*file)->Append("keep|torn"));
  REQUIRE_OK((*file)->Truncate(5));
  CHECK(*(*file)->Size() == 5);
  REQUIRE_OK((*file)->Append("next"));
  CHECK(ReadFront(dir.Path("f"), 100) == "keep|next");
}

TEST_CASE("posix: OpenAppendFile appends after the existing bytes") {
  TempDir dir;
  WriteFile(dir.Path("f"), "old\n");
  auto file = kFs->OpenAppendFile(dir.Path("f"));
  REQUIRE_OK(file);
  CHECK(*(*file)->Size() == 4);
  REQUIRE_OK((*file)->Append("new\n"));
  CHECK(ReadFront(dir.Path("f"), 100) == "old\nnew\n");
}

TEST_CASE("posix: CreateFile refuses an existing path with AlreadyExists") {
  TempDir dir;
  WriteFile(dir.Path("f"), "data");
  auto again = kFs->CreateFile(dir.Path("f"));
  CHECK(again.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(ReadFront(dir.Path("f"), 100) == "data");
}

TEST_CASE("posix: missing files are NotFound and the error names op and path") {
  TempDir dir;
  const std::string missing = dir.Path("missing");
  absl::Status status = kFs->OpenReadableFile(missing).status();
  CHECK(status.code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(status.message()),
             Catch::Contains("open") && Catch::Contains(missing));
  CHECK(kFs->OpenAppendFile(missing).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(kFs->Remove(missing).code() == absl::StatusCode::kNotFound);
  CHECK(kFs->Rename(missing, dir.Path("x")).code() ==
        absl::StatusCode::kNotFound);
  CHECK(kFs->ListDir(missing).status().code() == absl::StatusCode::kNotFound);
  CHECK(kFs->SyncDir(missing).code() == absl::StatusCode::kNotFound);
}

TEST_CASE("posix: Remove removes a symlink itself and an empty directory") {
  TempDir dir;
  REQUIRE_OK(kFs->CreateDir(dir.Path("target/sub")));
  std::filesystem::create_directory_symlink(dir.Path("target"), dir.Path("link"));
  REQUIRE_OK(kFs->Remove(dir.Path("link")));
  CHECK_FALSE(Value(kFs->Exists(dir.Path("link"))));
  CHECK(Value(kFs->Exists(dir.Path("target/sub"))));
  // A directory that is not empty stays.
  CHECK_FALSE(kFs->Remove(dir.Path("target")).ok());
  REQUIRE_OK(kFs->Remove(dir.Path("target/sub")));
  REQUIRE_OK(kFs->Remove(dir.Path("target")));
  CHECK_FALSE(Value(kFs->Exists(dir.Path("target"))));
}

TEST_CASE("posix: new files have mode 0600 and new directories mode 0700") {
  TempDir dir;
  WriteFile(dir.Path("f"), "x");
  CHECK(Perms(dir.Path("f")) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  REQUIRE_OK(kFs->CreateDir(dir.Path("a/b")));
  CHECK(Perms(dir.Path("a")) == fs::perms::owner_all);
  CHECK(Perms(dir.Path("a/b")) == fs::perms::owner_all);
  REQUIRE_OK(kFs->OpenLock(dir.Path("LOCK")));
  CHECK(Perms(dir.Path("LOCK")) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  REQUIRE_OK(kFs->MapShared(dir.Path("shm"), 64));
  CHECK(Perms(dir.Path("shm")) ==
        (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("posix: CreateDir makes missing parents and accepts existing ones") {
  TempDir dir;
  const std::string deep = dir.Path("x/y/z/");
  REQUIRE_OK(kFs->CreateDir(deep));
  CHECK(fs::is_directory(dir.Path("x/y/z")));
  REQUIRE_OK(kFs->CreateDir(deep));
  REQUIRE_OK(kFs->CreateDir(dir.path()));
}

TEST_CASE("posix: CreateDir fails where a regular file is in the way") {
  TempDir dir;
  WriteFile(dir.Path("f"), "x");
  CHECK_FALSE(kFs->CreateDir(dir.Path("f")).ok());
  CHECK_FALSE(kFs->CreateDir(dir.Path("f/sub")).ok());
  CHECK(fs::is_regular_file(dir.Path("f")));
}

TEST_CASE("posix: ListDir names every entry but . and ..") {
  TempDir dir;
  auto empty = kFs->ListDir(dir.path());
  REQUIRE_OK(empty);
  CHECK(empty->empty());
  WriteFile(dir.Path("b"), "");
  WriteFile(dir.Path("a"), "");
  REQUIRE_OK(kFs->CreateDir(dir.Path("sub")));
  auto names = kFs->ListDir(dir.path());
  REQUIRE_OK(names);
  std::sort(names->begin(), names->end());
  CHECK(*names == std::vector<std::string>{"a", "b", "sub"});
}

TEST_CASE(
    "posix: Exists is true for files and directories and false otherwise") {
  TempDir dir;
  WriteFile(dir.Path("f"), "");
  CHECK(*kFs->Exists(dir.Path("f")));
  CHECK(*kFs->Exists(dir.path()));
  CHECK_FALSE(*kFs->Exists(dir.Path("missing")));
  CHECK_FALSE(*kFs->Exists(dir.Path("f/below-a-file")));
}

TEST_CASE("posix: Rename replaces the target, and Remove deletes the file") {
  TempDir dir;
  WriteFile(dir.Path("MANIFEST"), "old");
  WriteFile(dir.Path("MANIFEST.tmp"), "new");
  REQUIRE_OK(kFs->Rename(dir.Path("MANIFEST.tmp"), dir.Path("MANIFEST")));
  REQUIRE_OK(kFs->SyncDir(dir.path()));
  CHECK_FALSE(*kFs->Exists(dir.Path("MANIFEST.tmp")));
  auto reader = kFs->OpenReadableFile(dir.Path("MANIFEST"));
  REQUIRE_OK(reader);
  CHECK(ReadRange(**reader, 0, 10) == "new");
  REQUIRE_OK(kFs->Remove(dir.Path("MANIFEST")));
  CHECK_FALSE(*kFs->Exists(dir.Path("MANIFEST")));
  CHECK(ReadRange(**reader, 0, 10) == "new");  // Open files outlive names.
}

TEST_CASE("posix: two FileLocks on one path exclude each other until Unlock") {
  TempDir dir;
  const std::string path = dir.Path("LOCK");
  auto first = kFs->OpenLock(path);
  auto second = kFs->OpenLock(path);
  REQUIRE_OK(first);
  REQUIRE_OK(second);
  REQUIRE_OK((*first)->Lock(milliseconds(0)));
  absl::Status timed_out = (*second)->Lock(milliseconds(20));
  CHECK(timed_out.code() == absl::StatusCode::kDeadlineExceeded);
  CHECK_THAT(std::string(timed_out.message()),
             Catch::Contains(path) && Catch::Contains("20 ms"));
  (*first)->Unlock();
  REQUIRE_OK((*second)->Lock(milliseconds(0)));
  CHECK((*first)->Lock(milliseconds(0)).code() ==
        absl::StatusCode::kDeadlineExceeded);
}

TEST_CASE("posix: a lock is released when its holder is destroyed") {
  TempDir dir;
  auto holder = kFs->OpenLock(dir.Path("LOCK"));
  REQUIRE_OK(holder);
  REQUIRE_OK((*holder)->Lock(milliseconds(0)));
  auto waiter = kFs->OpenLock(dir.Path("LOCK"));
  REQUIRE_OK(waiter);
  CHECK_FALSE((*waiter)->Lock(milliseconds(0)).ok());
  holder->reset();
  REQUIRE_OK((*waiter)->Lock(milliseconds(0)));
}

TEST_CASE("posix: a waiting Lock succeeds once the holder unlocks") {
  TempDir dir;
  auto holder = kFs->OpenLock(dir.Path("LOCK"));
  auto waiter = kFs->OpenLock(dir.Path("LOCK"));
  REQUIRE_OK(holder);
  REQUIRE_OK(waiter);
  REQUIRE_OK((*holder)->Lock(milliseconds(0)));
  absl::Status waited;
  std::thread thread([&] { waited = (*waiter)->Lock(milliseconds(60000)); });
  (*holder)->Unlock();  // Before or during the wait: either way it succeeds.
  thread.join();
  CHECK_OK(waited);
  CHECK((*holder)->Lock(milliseconds(0)).code() ==
        absl::StatusCode::kDeadlineExceeded);
}

TEST_CASE(
    "posix: a shared region starts zeroed and is shared by two mappings") {
  TempDir dir;
  const std::string path = dir.Path("shm");
  auto a = kFs->MapShared(path, 4096);
  auto b = kFs->MapShared(path, 4096);
  REQUIRE_OK(a);
  REQUIRE_OK(b);
  CHECK((*a)->size() == 4096);
  CHECK(reinterpret_cast<uintptr_t>((*a)->data()) % 8 == 0);
  auto* words_a = static_cast<uint64_t*>((*a)->data());
  auto* words_b = static_cast<uint64_t*>((*b)->data());
  CHECK(std::all_of(words_a, words_a + 512, [](uint64_t w) { return w == 0; }));
  words_a[3] = 0x0123456789abcdefu;
  CHECK(words_b[3] == 0x0123456789abcdefu);
}

TEST_CASE("posix: a shared region's contents outlive its mappings") {
  TempDir dir;
  const std::string path = dir.Path("shm");
  {
    auto region = kFs->MapShared(path, 64);
    REQUIRE_OK(region);
    static_cast<uint64_t*>((*region)->data())[0] = 42;
  }
  auto again = kFs->MapShared(path, 64);
  REQUIRE_OK(again);
  CHECK(static_cast<uint64_t*>((*again)->data())[0] == 42);
}

TEST_CASE("posix: MapShared grows a short file but never shrinks one") {
  TempDir dir;
  const std::string path = dir.Path("shm");
  REQUIRE_OK(kFs->MapShared(path, 8192));
  CHECK(fs::file_size(path) == 8192);
  REQUIRE_OK(kFs->MapShared(path, 16));
  CHECK(fs::file_size(path) == 8192);
}

TEST_CASE("posix: StatFollowingLinks gives size, mtime in ns and kind, "
          "following symlinks") {
  TempDir dir;
  WriteFile(dir.Path("f"), "12345");
  testing::SetMtimeNs(dir.Path("f"), 1700000000123456789);
  fs::create_symlink(dir.Path("f"), dir.Path("link"));
  for (const std::string& name : {std::string("f"), std::string("link")}) {
    FileInfo info = Value(kFs->StatFollowingLinks(dir.Path(name)));
    CHECK(info.size == 5);
    CHECK(info.type == FileInfo::Type::kRegular);
    CHECK(info.mtime_ns == 1700000000123456789);
  }
  CHECK(Value(kFs->StatFollowingLinks(dir.path())).type ==
        FileInfo::Type::kDirectory);
  CHECK(Value(kFs->Stat(dir.Path("link"))).type == FileInfo::Type::kSymlink);
  absl::Status missing = kFs->StatFollowingLinks(dir.Path("none")).status();
  CHECK(missing.code() == absl::StatusCode::kNotFound);
  CHECK_THAT(std::string(missing.message()),
             Catch::Contains("stat") && Catch::Contains(dir.Path("none")));
}

TEST_CASE("posix: RealPath resolves symlinks, dots and repeated slashes") {
  TempDir dir;
  const std::string real = *kFs->RealPath(dir.path());
  fs::create_directory(dir.Path("d"));
  WriteFile(dir.Path("d/f"), "x");
  fs::create_symlink(dir.Path("d"), dir.Path("link"));
  CHECK(*kFs->RealPath(dir.path() + "/link//./f") == real + "/d/f");
  CHECK(*kFs->RealPath(dir.path() + "/d/../d/f") == real + "/d/f");
  CHECK(kFs->RealPath(dir.Path("none")).status().code() ==
        absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace dotlog
