// Tests of the in-memory fault-injection file system used by crash tests.

#include "support/fault_file_system.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "support/status_helpers.h"

namespace dotlog::testing {
namespace {

using CrashMode = FaultFileSystem::CrashMode;
using Names = std::vector<std::string>;
using absl::StatusCode;
using std::chrono::milliseconds;

// A FaultFileSystem with directory /d, and shorthands for test setup.
struct Fixture {
  Fixture() { REQUIRE_OK(fs.CreateDir("/d")); }

  // The file's current bytes, or "<missing>".
  std::string Contents(const std::string& path) {
    absl::StatusOr<std::string> bytes = fs.ReadAll(path);
    return bytes.ok() ? *bytes : "<missing>";
  }

  // Creates `path` in /d holding `synced`, durable with its entry, then
  // appends `unsynced`. Mutation points: create, append, sync, sync dir,
  // and append if `unsynced` is not empty.
  void Write(const std::string& path, const std::string& synced,
             const std::string& unsynced = "") {
    auto file = Value(fs.CreateFile(path));
    REQUIRE_OK(file->Append(synced));
    REQUIRE_OK(file->Sync());
    REQUIRE_OK(fs.SyncDir("/d"));
    if (!unsynced.empty()) REQUIRE_OK(file->Append(unsynced));
  }

  FaultFileSystem fs;
};

TEST_CASE("fault: appended bytes read back through Size, ReadAt and Map") {
  Fixture f;
  auto writer = Value(f.fs.CreateFile("/d/f"));
  REQUIRE_OK(writer->Append("hello world\n"));
  CHECK(Value(writer->Size()) == 12);
  auto reader = Value(f.fs.OpenReadableFile("/d/f"));
  CHECK(Value(reader->Size()) == 12);
  char buf[16] = {};
  CHECK(Value(reader->ReadAt(6, buf, 16)) == 6);  // Short only at the end.
  CHECK(std::string(buf, 6) == "world\n");
  CHECK(Value(reader->ReadAt(12, buf, 16)) == 0);
  const std::string_view view = Value(reader->Map(5));
  CHECK(view == "hello");
  CHECK(reader->Map(13).status().code() == StatusCode::kOutOfRange);
  REQUIRE_OK(writer->Append(std::string(1 << 16, 'x')));
  REQUIRE_OK(writer->Truncate(1));
  CHECK(view == "hello");  // A copy, which later writes leave alone.
}

TEST_CASE("fault: missing paths are NotFound, present ones AlreadyExists") {
  Fixture f;
  absl::Status status = f.fs.CreateFile("/nowhere/f").status();
  CHECK(status.code() == StatusCode::kNotFound);
  CHECK_THAT(std::string(status.message()), Catch::Contains("/nowhere/f"));
  CHECK(f.fs.WriteRaw("/nowhere/f", "x").code() == StatusCode::kNotFound);
  CHECK(f.fs.OpenLock("/nowhere/L").status().code() == StatusCode::kNotFound);
  CHECK(f.fs.ListDir("/e").status().code() == StatusCode::kNotFound);
  CHECK(f.fs.SyncDir("/e").code() == StatusCode::kNotFound);
  CHECK(f.fs.OpenReadableFile("/d/x").status().code() == StatusCode::kNotFound);
  CHECK(f.fs.OpenAppendFile("/d/x").status().code() == StatusCode::kNotFound);
  CHECK(f.fs.Rename("/d/x", "/d/y").code() == StatusCode::kNotFound);
  CHECK(f.fs.Remove("/d/x").code() == StatusCode::kNotFound);
  CHECK(f.fs.ReadAll("/d/x").status().code() == StatusCode::kNotFound);
  f.Write("/d/f", "data");
  CHECK(f.fs.CreateFile("/d/f").status().code() == StatusCode::kAlreadyExists);
  CHECK(f.fs.CreateFile("/d").status().code() == StatusCode::kAlreadyExists);
  CHECK(f.Contents("/d/f") == "data");
}

TEST_CASE("fault: CreateDir is durable at once; ListDir names files, dirs") {
  Fixture f;
  REQUIRE_OK(f.fs.CreateDir("/d/sub/deeper/"));
  f.Write("/d/b", "x");
  Value(f.fs.CreateFile("/d//a"));  // An unsynced entry.
  CHECK(Value(f.fs.ListDir("/d/")) == Names{"a", "b", "sub"});
  CHECK(Value(f.fs.Exists("/d/sub/deeper")));
  CHECK_FALSE(Value(f.fs.Exists("/d/c")));
  CHECK(f.fs.CreateDir("/d/b").code() == StatusCode::kFailedPrecondition);
  CHECK_FALSE(f.fs.CreateDir("/d/b/sub").ok());
  f.fs.Recover(CrashMode::kDropUnsynced, 0);
  CHECK(Value(f.fs.ListDir("/d")) == Names{"b", "sub"});
  CHECK(Value(f.fs.ListDir("/d/sub")) == Names{"deeper"});
}

TEST_CASE("fault: mutation points are numbered in call order and described") {
  Fixture f;
  CHECK(f.fs.mutation_count() == 0);  // CreateDir is not a mutation point.
  auto file = Value(f.fs.CreateFile("/d/f"));
  REQUIRE_OK(file->Append("12345"));
  REQUIRE_OK(file->Sync());
  REQUIRE_OK(file->Truncate(2));
  REQUIRE_OK(f.fs.SyncDir("/d"));
  REQUIRE_OK(f.fs.Rename("/d/f", "/d/g"));
  CHECK_FALSE(f.fs.Remove("/d/f").ok());  // A failed call is a point too.
  Value(f.fs.OpenReadableFile("/d/g"));   // Reads and helpers are not.
  Value(f.fs.ListDir("/d"));
  Value(f.fs.ReadAll("/d/g"));
  CHECK(f.fs.mutation_count() == 7);
  CHECK(f.fs.DescribePoint(1) == "create /d/f");
  CHECK(f.fs.DescribePoint(2) == "append 5 bytes to /d/f");
  CHECK(f.fs.DescribePoint(3) == "sync /d/f (5 bytes)");
  CHECK(f.fs.DescribePoint(4) == "truncate /d/f to 2 bytes");
  CHECK(f.fs.DescribePoint(5) == "sync dir /d");
  CHECK(f.fs.DescribePoint(6) == "rename /d/f to /d/g");
  CHECK(f.fs.DescribePoint(7) == "remove /d/f");
  CHECK_THAT(f.fs.DescribePoint(8), Catch::Contains("not reached"));
}

TEST_CASE("fault: a crash keeps only synced bytes under synced entries") {
  Fixture f;
  f.Write("/d/both", "synced\n", "unsynced\n");
  CHECK(f.fs.synced_size("/d/both") == 7);
  auto listed = Value(f.fs.CreateFile("/d/listed"));
  REQUIRE_OK(f.fs.SyncDir("/d"));  // The entry, but not the bytes.
  REQUIRE_OK(listed->Append("data"));
  auto unlisted = Value(f.fs.CreateFile("/d/unlisted"));
  REQUIRE_OK(unlisted->Append("data"));
  REQUIRE_OK(unlisted->Sync());  // The bytes, but not the entry.
  f.fs.Recover(CrashMode::kDropUnsynced, 1);
  CHECK(Value(f.fs.ListDir("/d")) == Names{"both", "listed"});
  CHECK(f.Contents("/d/both") == "synced\n");
  CHECK(f.Contents("/d/listed").empty());
}

TEST_CASE("fault: a file renamed without SyncDir is back under its old name") {
  Fixture f;
  f.Write("/d/MANIFEST", "old");
  f.Write("/d/MANIFEST.tmp", "new");
  REQUIRE_OK(f.fs.Rename("/d/MANIFEST.tmp", "/d/MANIFEST"));
  CHECK(f.Contents("/d/MANIFEST") == "new");
  SECTION("after a crash") {
    f.fs.Recover(CrashMode::kDropUnsynced, 1);
    CHECK(f.Contents("/d/MANIFEST") == "old");
    CHECK(f.Contents("/d/MANIFEST.tmp") == "new");
  }
  SECTION("unless a SyncDir follows") {
    REQUIRE_OK(f.fs.SyncDir("/d"));
    f.fs.Recover(CrashMode::kDropUnsynced, 1);
    CHECK(f.Contents("/d/MANIFEST") == "new");
    CHECK_FALSE(Value(f.fs.Exists("/d/MANIFEST.tmp")));
  }
}

TEST_CASE("fault: a file removed without SyncDir comes back after a crash") {
  Fixture f;
  f.Write("/d/old", "segment");
  REQUIRE_OK(f.fs.Remove("/d/old"));
  REQUIRE_OK(f.fs.SyncDir("/d"));  // This removal is durable...
  f.Write("/d/other", "x");
  REQUIRE_OK(f.fs.Remove("/d/other"));  // ...and this one is not.
  CHECK_FALSE(Value(f.fs.Exists("/d/other")));
  f.fs.Recover(CrashMode::kDropUnsynced, 1);
  CHECK(Value(f.fs.ListDir("/d")) == Names{"other"});
  CHECK(f.Contents("/d/other") == "x");
}

TEST_CASE("fault: a truncation is undone by a crash unless a Sync follows") {
  Fixture f;
  f.Write("/d/f", "good|torn");
  auto file = Value(f.fs.OpenAppendFile("/d/f"));
  REQUIRE_OK(file->Truncate(4));
  CHECK(f.Contents("/d/f") == "good");
  const bool synced = GENERATE(false, true);
  if (synced) REQUIRE_OK(file->Sync());
  f.fs.Recover(CrashMode::kKeepUnsyncedPrefix, 7);
  CHECK(f.Contents("/d/f") == (synced ? "good" : "good|torn"));
}

TEST_CASE("fault: kKeepUnsyncedPrefix keeps a seed-chosen prefix of the tail") {
  const std::string synced = "synced\n";
  const std::string tail = "0123456789abcdef";
  std::set<size_t> kept;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    Fixture f;
    f.Write("/d/f", synced, tail);
    f.fs.Recover(CrashMode::kKeepUnsyncedPrefix, seed);
    const std::string after = f.Contents("/d/f");
    INFO("seed " << seed << ": " << after);
    REQUIRE(after.size() >= synced.size());
    REQUIRE(after == (synced + tail).substr(0, after.size()));
    CHECK(f.fs.synced_size("/d/f") == after.size());  // Now durable.
    kept.insert(after.size() - synced.size());
  }
  CHECK(kept.size() > 4);  // The seed matters...
  Fixture a, b;            // ...and alone decides.
  a.Write("/d/f", synced, tail);
  b.Write("/d/f", synced, tail);
  a.fs.Recover(CrashMode::kKeepUnsyncedPrefix, 99);
  b.fs.Recover(CrashMode::kKeepUnsyncedPrefix, 99);
  CHECK(a.Contents("/d/f") == b.Contents("/d/f"));
}

TEST_CASE("fault: kGarbageUnsyncedTail puts zeros or noise after the synced") {
  const std::string synced = "synced\n";
  bool saw_zeros = false;
  bool saw_noise = false;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    Fixture f;
    f.Write("/d/f", synced, std::string(16, '\n'));
    f.fs.Recover(CrashMode::kGarbageUnsyncedTail, seed);
    const std::string after = f.Contents("/d/f");
    INFO("seed " << seed);
    REQUIRE(after.compare(0, synced.size(), synced) == 0);
    const std::string garbage = after.substr(synced.size());
    REQUIRE(!garbage.empty());
    REQUIRE(garbage.size() <= 16);
    REQUIRE(garbage != std::string(garbage.size(), '\n'));  // Not the tail.
    const bool zeros = garbage == std::string(garbage.size(), '\0');
    (zeros ? saw_zeros : saw_noise) = true;
  }
  CHECK(saw_zeros);
  CHECK(saw_noise);
}

TEST_CASE("fault: no crash mode changes a file without unsynced growth") {
  const CrashMode mode =
      GENERATE(CrashMode::kDropUnsynced, CrashMode::kKeepUnsyncedPrefix,
               CrashMode::kGarbageUnsyncedTail);
  Fixture f;
  f.Write("/d/synced", "all synced\n");
  f.Write("/d/rewritten", "abc");
  auto file = Value(f.fs.OpenAppendFile("/d/rewritten"));
  REQUIRE_OK(file->Truncate(1));  // Cut, then longer than the synced bytes.
  REQUIRE_OK(file->Append("XYZW"));
  f.fs.Recover(mode, 5);
  CHECK(f.Contents("/d/synced") == "all synced\n");
  CHECK(f.Contents("/d/rewritten") == "abc");
}

TEST_CASE("fault: CrashAtPoint stops that mutation and every later one") {
  Fixture f;
  auto file = Value(f.fs.CreateFile("/d/f"));  // Point 1.
  REQUIRE_OK(file->Append("a"));               // Point 2.
  f.fs.CrashAtPoint(3);
  CHECK_FALSE(f.fs.crashed());
  absl::Status crash = file->Append("b");  // Point 3: power is lost.
  CHECK(crash.code() == StatusCode::kUnavailable);
  CHECK_THAT(std::string(crash.message()),
             Catch::Contains("simulated crash at point 3") &&
                 Catch::Contains("append 1 bytes to /d/f"));
  CHECK(f.fs.crashed());
  CHECK(f.Contents("/d/f") == "a");
  CHECK(file->Sync().code() == StatusCode::kUnavailable);
  CHECK(f.fs.SyncDir("/d").code() == StatusCode::kUnavailable);
  CHECK(f.fs.CreateFile("/d/g").status().code() == StatusCode::kUnavailable);
  CHECK(f.fs.synced_size("/d/f") == 0);
  CHECK(f.fs.mutation_count() == 3);
  CHECK(f.fs.DescribePoint(3) == "append 1 bytes to /d/f");
  auto reader = Value(f.fs.OpenReadableFile("/d/f"));  // Reads still work.
  CHECK(Value(reader->Map(1)) == "a");
  CHECK(Value(f.fs.ListDir("/d")) == Names{"f"});
}

TEST_CASE("fault: Recover clears the crash, pending faults and numbering") {
  Fixture f;
  f.Write("/d/f", "x");  // Points 1-4.
  f.fs.CrashAtPoint(5);
  f.fs.FailAtPoint(2, absl::InternalError("EIO"));
  CHECK_FALSE(f.fs.Remove("/d/f").ok());
  REQUIRE(f.fs.crashed());
  f.fs.Recover(CrashMode::kDropUnsynced, 0);
  CHECK_FALSE(f.fs.crashed());
  CHECK(f.fs.mutation_count() == 0);
  auto file = Value(f.fs.CreateFile("/d/g"));
  REQUIRE_OK(file->Append("fine"));  // Point 2: the old fault is gone.
  for (int i = 0; i < 3; ++i) REQUIRE_OK(file->Sync());  // Past point 5.
  CHECK(f.fs.DescribePoint(1) == "create /d/g");
  CHECK(f.Contents("/d/f") == "x");
}

TEST_CASE("fault: FailAtPoint fails one point, an Append after a prefix") {
  Fixture f;
  f.Write("/d/a", "one\n", "two\n");  // Points 1-5.
  auto file = Value(f.fs.CreateFile("/d/b"));
  f.fs.FailAtPoint(7, absl::ResourceExhaustedError("no space"), 3);
  f.fs.FailAtPoint(8, absl::DataLossError("EIO"));
  f.fs.FailAtPoint(9, absl::InternalError("EIO"));
  absl::Status status = file->Append("abcdef");
  CHECK(status.code() == StatusCode::kResourceExhausted);
  CHECK_THAT(std::string(status.message()),
             Catch::Contains("no space") && Catch::Contains("/d/b"));
  CHECK(f.Contents("/d/b") == "abc");  // A short write.
  CHECK(file->Sync().code() == StatusCode::kDataLoss);
  CHECK(f.fs.synced_size("/d/b") == 0);
  CHECK(f.fs.Rename("/d/a", "/d/b").code() == StatusCode::kInternal);
  CHECK(f.Contents("/d/a") == "one\ntwo\n");
  CHECK_FALSE(f.fs.crashed());
  REQUIRE_OK(file->Truncate(0));  // The caller cuts the prefix off.
  REQUIRE_OK(file->Append("abcdef"));
  CHECK(f.Contents("/d/b") == "abcdef");
}

TEST_CASE("fault: an open file stays usable after a rename or remove") {
  Fixture f;
  auto writer = Value(f.fs.CreateFile("/d/f"));
  auto reader = Value(f.fs.OpenReadableFile("/d/f"));
  REQUIRE_OK(f.fs.Rename("/d/f", "/d/g"));
  REQUIRE_OK(writer->Append("after rename"));
  CHECK(f.Contents("/d/g") == "after rename");
  REQUIRE_OK(f.fs.Remove("/d/g"));
  REQUIRE_OK(writer->Append("!"));
  CHECK(Value(reader->Map(13)) == "after rename!");
  CHECK_FALSE(Value(f.fs.Exists("/d/g")));
}

TEST_CASE("fault: WriteRaw plants or replaces a file that survives a crash") {
  Fixture f;
  REQUIRE_OK(f.fs.WriteRaw("/d/f", "{corrupt"));
  CHECK(f.fs.mutation_count() == 0);
  CHECK(f.fs.synced_size("/d/f") == 8);
  REQUIRE_OK(f.fs.WriteRaw("/d/f", "{\"k\":1}\n"));
  f.fs.Recover(CrashMode::kGarbageUnsyncedTail, 0);
  CHECK(f.Contents("/d/f") == "{\"k\":1}\n");
  CHECK(f.fs.synced_size("/d/missing") == 0);
}

TEST_CASE("fault: two FileLocks on one path exclude each other") {
  Fixture f;
  auto first = Value(f.fs.OpenLock("/d/LOCK"));
  auto second = Value(f.fs.OpenLock("/d/LOCK"));
  REQUIRE_OK(first->Lock(milliseconds(0)));
  REQUIRE_OK(first->Lock(milliseconds(0)));  // Relocking is harmless.
  absl::Status timed_out = second->Lock(milliseconds(10));
  CHECK(timed_out.code() == StatusCode::kDeadlineExceeded);
  CHECK_THAT(std::string(timed_out.message()),
             Catch::Contains("/d/LOCK") && Catch::Contains("10 ms"));
  second->Unlock();  // Not the holder: changes nothing.
  CHECK_FALSE(Value(f.fs.OpenLock("/d/LOCK"))->Lock(milliseconds(0)).ok());
  first->Unlock();
  REQUIRE_OK(second->Lock(milliseconds(0)));
  CHECK(Value(f.fs.ListDir("/d")) == Names{"LOCK"});  // Like a POSIX file.
}

TEST_CASE("fault: a lock is released by Unlock, its holder's end, Recover") {
  Fixture f;
  auto holder = Value(f.fs.OpenLock("/d/LOCK"));
  auto waiter = Value(f.fs.OpenLock("/d/LOCK"));
  REQUIRE_OK(holder->Lock(milliseconds(0)));
  absl::Status waited;
  std::thread thread([&] { waited = waiter->Lock(milliseconds(60000)); });
  holder->Unlock();  // Before or during the wait: either way it succeeds.
  thread.join();
  CHECK_OK(waited);
  CHECK(holder->Lock(milliseconds(0)).code() == StatusCode::kDeadlineExceeded);
  waiter.reset();
  REQUIRE_OK(holder->Lock(milliseconds(0)));
  f.fs.Recover(CrashMode::kDropUnsynced, 0);
  REQUIRE_OK(Value(f.fs.OpenLock("/d/LOCK"))->Lock(milliseconds(0)));
}

TEST_CASE("fault: a shared region is zeroed, aligned and seen by all maps") {
  Fixture f;
  auto a = Value(f.fs.MapShared("/d/shm", 100));
  auto b = Value(f.fs.MapShared("/d/shm", 100));
  CHECK(a->size() == 100);
  CHECK(reinterpret_cast<uintptr_t>(a->data()) % 8 == 0);
  const auto* bytes = static_cast<const unsigned char*>(a->data());
  CHECK(
      std::all_of(bytes, bytes + 100, [](unsigned char c) { return c == 0; }));
  static_cast<uint64_t*>(a->data())[2] = 77;
  CHECK(static_cast<uint64_t*>(b->data())[2] == 77);
  CHECK(f.fs.MapShared("/d/shm", 200).status().code() ==
        StatusCode::kFailedPrecondition);
  f.fs.Recover(CrashMode::kDropUnsynced, 0);
  CHECK(static_cast<uint64_t*>(b->data())[2] == 0);  // Zeroed by the reboot.
}

TEST_CASE("fault: several threads may use the file system at once") {
  Fixture f;
  constexpr int kThreads = 4;
  constexpr int kAppends = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&f, t] {
      absl::StatusOr<std::unique_ptr<AppendFile>> file =
          f.fs.CreateFile(absl::StrCat("/d/f", t));
      for (int i = 0; file.ok() && i < kAppends; ++i) {
        if (!(*file)->Append("x\n").ok()) return;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(f.fs.mutation_count() == kThreads * (1 + kAppends));
  for (int t = 0; t < kThreads; ++t) {
    CHECK(f.Contents(absl::StrCat("/d/f", t)).size() == 2 * kAppends);
  }
}

// The pattern crash tests follow: crash at every point of a workload in turn.
TEST_CASE("fault: a replace by rename is durable only after its SyncDir") {
  // Writes MANIFEST.tmp, makes it durable, renames it over MANIFEST.
  const auto workload = [](FaultFileSystem& fs) -> absl::Status {
    auto file = fs.CreateFile("/d/MANIFEST.tmp");
    if (!file.ok()) return file.status();
    absl::Status s = (*file)->Append("new");
    if (s.ok()) s = (*file)->Sync();
    if (s.ok()) s = fs.SyncDir("/d");
    if (s.ok()) s = fs.Rename("/d/MANIFEST.tmp", "/d/MANIFEST");
    if (s.ok()) s = fs.SyncDir("/d");
    return s;
  };
  Fixture dry_run;
  REQUIRE_OK(dry_run.fs.WriteRaw("/d/MANIFEST", "old"));
  REQUIRE_OK(workload(dry_run.fs));
  const uint64_t points = dry_run.fs.mutation_count();
  CHECK(points == 6);
  dry_run.fs.Recover(CrashMode::kDropUnsynced, 0);
  CHECK(dry_run.Contents("/d/MANIFEST") == "new");
  for (uint64_t point = 1; point <= points; ++point) {
    Fixture f;
    REQUIRE_OK(f.fs.WriteRaw("/d/MANIFEST", "old"));
    f.fs.CrashAtPoint(point);
    CHECK(workload(f.fs).code() == StatusCode::kUnavailable);
    INFO("crash at " << f.fs.DescribePoint(point));
    f.fs.Recover(CrashMode::kKeepUnsyncedPrefix, point);
    CHECK(f.Contents("/d/MANIFEST") == "old");
    // Once the temporary file's entry is durable (point 4), it is whole.
    if (point > 4) CHECK(f.Contents("/d/MANIFEST.tmp") == "new");
  }
}

}  // namespace
}  // namespace dotlog::testing
