// The store's files replaced, linked, cut short or made into something else
// by other programs while it is open or closed: refused or reloaded, never
// followed, never a crash, never a lost acknowledged write.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "dotlog/store.h"
#include "dotlog/verify.h"
#include "support/fake_clock.h"
#include "support/fault_file_system.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::OpenOrDie;
using testing::ReadFileBytes;
using testing::TempDir;
using testing::Value;
using testing::WriteFileBytes;

constexpr char kSegment1[] = "segment-000001.jsonl";

Options Quiet() {
  Options options;
  options.sync = SyncMode::kNone;
  options.auto_compact = false;
  options.lock_timeout = std::chrono::milliseconds(200);
  return options;
}

// A store in its own subdirectory holding key "a", closed, and a file
// outside it that no store operation may touch.
struct StoreWithVictim {
  StoreWithVictim() : dir(tmp.Join("store")), victim(tmp.Join("victim")) {
    Options options = Quiet();
    options.create_if_missing = true;
    auto store = OpenOrDie(dir, options);
    REQUIRE_OK(store->Put("a", "1"));
    REQUIRE_OK(store->Close());
    WriteFileBytes(victim, "precious\n");
  }
  // Replaces the store's file `name` with a symbolic link to the victim.
  void LinkToVictim(const std::string& name) {
    const std::string path = dir + "/" + name;
    std::remove(path.c_str());
    REQUIRE(symlink(victim.c_str(), path.c_str()) == 0);
  }
  TempDir tmp;
  const std::string dir;
  const std::string victim;
};

TEST_CASE("a segment or LOCK replaced by a symbolic link is refused and its target left alone",
          "[regression]") {
  for (const std::string name : {kSegment1, "LOCK"}) {
    INFO(name);
    StoreWithVictim s;
    s.LinkToVictim(name);
    auto store = Store::Open(s.dir, Quiet());
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().message().find("symbolic link") != std::string::npos);
    CHECK(ReadFileBytes(s.victim) == "precious\n");
  }
}

TEST_CASE("a store directory others can write to is refused with the chmod that fixes it",
          "[regression]") {
  TempDir tmp;
  REQUIRE(chmod(tmp.path().c_str(), 0777) == 0);
  auto store = Store::Open(tmp.path(), Quiet());
  REQUIRE(absl::IsPermissionDenied(store.status()));
  CHECK(store.status().message().find("chmod go-w") != std::string::npos);
  REQUIRE(chmod(tmp.path().c_str(), 0750) == 0);
  CHECK(Value(Store::Open(tmp.path(), Quiet())) != nullptr);
  REQUIRE(chmod(tmp.path().c_str(), 0770) == 0);
  CHECK(absl::IsPermissionDenied(Store::Open(tmp.path(), Quiet()).status()));
}

TEST_CASE("a store directory owned by another user reads but refuses writes "
          "with the chown that fixes it",
          "[regression]") {
  testing::FaultFileSystem fs;
  REQUIRE_OK(fs.CreateDir("/s"));
  REQUIRE_OK(fs.SetDirOwner("/s", 1001, 0700));
  Options options = Quiet();
  options.file_system = &fs;
  fs.set_current_user(1001);
  {
    auto owner = OpenOrDie("/s", options);
    REQUIRE_OK(owner->Put("k", "1"));
  }
  fs.set_current_user(1000);
  auto store = OpenOrDie("/s", options);
  CHECK(Value(store->Get("k")) == "1");
  const absl::Status put = store->Put("k", "2");
  REQUIRE(absl::IsPermissionDenied(put));
  CHECK(put.message().find("chown 1000") != std::string::npos);
  CHECK(Value(store->Get("k")) == "1");
}

// Run as root, the directory is given to another user first, so the store
// must hand its new files over; run as anyone else, the files are simply
// theirs. Either way no file in the store belongs to someone the directory's
// owner is not.
TEST_CASE("files the store creates belong to the directory's owner even when root writes",
          "[regression]") {
  TempDir tmp;
  const bool root = geteuid() == 0;
  const uid_t owner = root ? 4242 : geteuid();
  const gid_t group = root ? 4242 : getegid();
  if (root) REQUIRE(chown(tmp.path().c_str(), owner, group) == 0);
  Options options = Quiet();
  options.segment_bytes = 4096;  // several segments
  auto store = OpenOrDie(tmp.path(), options);
  for (int i = 0; i < 100; ++i) {
    REQUIRE_OK(store->Put("k" + std::to_string(i), "\"" + std::string(100, 'x') + "\""));
  }
  REQUIRE_OK(store->Compact());
  REQUIRE_OK(store->Close());
  for (const char* name : {"LOCK", kSegment1, "segment-000002.jsonl"}) {
    struct stat st;
    const std::string path = tmp.Join(name);
    if (stat(path.c_str(), &st) != 0) continue;  // removed by the compaction
    INFO(name);
    CHECK(st.st_uid == owner);
  }
  struct stat lock;
  REQUIRE(stat(tmp.Join("LOCK").c_str(), &lock) == 0);
  CHECK(lock.st_uid == owner);
}

TEST_CASE("a writer whose LOCK was removed and recreated refuses to write",
          "[regression]") {
  TempDir tmp;
  auto first = OpenOrDie(tmp.path(), Quiet());
  REQUIRE_OK(first->Put("a", "1"));
  REQUIRE(unlink(tmp.Join("LOCK").c_str()) == 0);
  auto second = OpenOrDie(tmp.path(), Quiet());  // makes a new LOCK
  REQUIRE_OK(second->Put("b", "2"));
  const absl::Status refused = first->Put("c", "3");
  REQUIRE(absl::IsFailedPrecondition(refused));
  CHECK(refused.message().find("LOCK was replaced") != std::string::npos);
  // Refused for good: its lock protects nothing any more.
  CHECK(absl::IsFailedPrecondition(first->Put("d", "4")));
  REQUIRE_OK(second->Put("e", "5"));
  auto fresh = OpenOrDie(tmp.path(), Quiet());
  CHECK(testing::Contents(*fresh) ==
        std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}, {"e", "5"}});
}

TEST_CASE("a writer whose LOCK was removed refuses to write", "[regression]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), Quiet());
  REQUIRE(unlink(tmp.Join("LOCK").c_str()) == 0);
  const absl::Status refused = store->Put("a", "1");
  REQUIRE(absl::IsFailedPrecondition(refused));
  CHECK(refused.message().find("LOCK was removed") != std::string::npos);
}

TEST_CASE("a writer whose LOCK was cut short refuses to write instead of crashing",
          "[regression]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), Quiet());
  REQUIRE_OK(store->Put("a", "1"));
  REQUIRE(truncate(tmp.Join("LOCK").c_str(), 0) == 0);
  const absl::Status refused = store->Put("b", "2");
  REQUIRE(absl::IsFailedPrecondition(refused));
  CHECK(refused.message().find("cut to 0 bytes") != std::string::npos);
  REQUIRE_OK(store->Close());
  auto reopened = OpenOrDie(tmp.path(), Quiet());  // grows LOCK back
  REQUIRE_OK(reopened->Put("c", "3"));
  CHECK(testing::Contents(*reopened) ==
        std::map<std::string, std::string>{{"a", "1"}, {"c", "3"}});
}

// What `sed -i` or an editor's save does to `path`: write a copy, rename
// it over.
void ReplaceLikeAnEditor(const std::string& path) {
  const std::string copy = path + ".copy";
  WriteFileBytes(copy, ReadFileBytes(path));
  REQUIRE(rename(copy.c_str(), path.c_str()) == 0);
}

TEST_CASE("a newest segment replaced under an open writer is reloaded and later writes land in it",
          "[regression]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), Quiet());
  REQUIRE_OK(store->Put("a", "1"));
  REQUIRE_OK(store->Put("b", "2"));
  ReplaceLikeAnEditor(tmp.Join(kSegment1));
  REQUIRE_OK(store->Put("c", "3"));
  REQUIRE_OK(store->Close());
  auto reopened = OpenOrDie(tmp.path(), Quiet());
  CHECK(testing::Contents(*reopened) ==
        std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}, {"c", "3"}});
}

TEST_CASE("a newest segment removed under an open writer is noticed and later writes survive",
          "[regression]") {
  TempDir tmp;
  Options options = Quiet();
  options.segment_bytes = 4096;
  auto store = OpenOrDie(tmp.path(), options);
  // Fill segment 1 so that the removed newest one is segment 2.
  int i = 0;
  while (!ReadFileBytes(tmp.Join("segment-000002.jsonl")).size()) {
    REQUIRE_OK(store->Put("k" + std::to_string(i++), "\"" + std::string(200, 'x') + "\""));
  }
  REQUIRE(unlink(tmp.Join("segment-000002.jsonl").c_str()) == 0);
  REQUIRE_OK(store->Put("after", "1"));
  CHECK(Value(store->Get("after")) == "1");
  REQUIRE_OK(store->Close());
  auto reopened = OpenOrDie(tmp.path(), options);
  CHECK(Value(reopened->Get("after")) == "1");
}

TEST_CASE("a reader notices a newest segment replaced under it and reads the new one",
          "[regression]") {
  TempDir tmp;
  auto writer = OpenOrDie(tmp.path(), Quiet());
  auto reader = OpenOrDie(tmp.path(), Quiet());
  REQUIRE_OK(writer->Put("a", "1"));
  CHECK(Value(reader->Get("a")) == "1");
  ReplaceLikeAnEditor(tmp.Join(kSegment1));
  REQUIRE_OK(writer->Put("b", "2"));
  CHECK(Value(reader->Get("b")) == "2");
  CHECK(Value(OpenOrDie(tmp.path(), Quiet())->Get("b")) == "2");
}

// What `cat x > segment` does to a reader that mapped the segment: the
// pages past the new end vanish under the mapping.
TEST_CASE("a reader whose segment is cut short in place reloads instead of dying of SIGBUS",
          "[regression]") {
  TempDir tmp;
  auto writer = OpenOrDie(tmp.path(), Quiet());
  REQUIRE_OK(writer->Put("filler", "\"" + std::string(8000, 'x') + "\""));
  REQUIRE_OK(writer->Put("a", "1"));  // past the first page
  auto reader = OpenOrDie(tmp.path(), Quiet());
  REQUIRE(Value(reader->Get("a")) == "1");
  REQUIRE(truncate(tmp.Join(kSegment1).c_str(), 50) == 0);
  CHECK(absl::IsNotFound(reader->Get("a").status()));
}

TEST_CASE("a reader whose LOCK was removed and recreated sees later writes within "
          "a second",
          "[regression]") {
  TempDir tmp;
  REQUIRE_OK(OpenOrDie(tmp.path(), Quiet())->Put("a", "1"));
  testing::FakeClock clock;
  Options options = Quiet();
  options.clock = &clock;
  auto reader = OpenOrDie(tmp.path(), options);  // maps LOCK's counters
  CHECK(Value(reader->Get("a")) == "1");
  REQUIRE(unlink(tmp.Join("LOCK").c_str()) == 0);
  auto writer = OpenOrDie(tmp.path(), Quiet());  // makes a new LOCK
  REQUIRE_OK(writer->Put("a", "2"));
  REQUIRE_OK(writer->Put("b", "3"));
  // The counters the reader maps never move again; once a second has
  // passed it looks at the directory, and from then on reads the files.
  clock.Advance(std::chrono::milliseconds(1001));
  CHECK(Value(reader->Get("a")) == "2");
  REQUIRE_OK(writer->Put("c", "4"));
  CHECK(Value(reader->Get("c")) == "4");
  CHECK(testing::Contents(*reader) ==
        std::map<std::string, std::string>{{"a", "2"}, {"b", "3"}, {"c", "4"}});
}

TEST_CASE("a reader whose LOCK is cut short keeps working and sees later writes",
          "[regression]") {
  TempDir tmp;
  REQUIRE_OK(OpenOrDie(tmp.path(), Quiet())->Put("a", "1"));
  auto reader = OpenOrDie(tmp.path(), Quiet());  // maps LOCK
  REQUIRE(truncate(tmp.Join("LOCK").c_str(), 0) == 0);
  CHECK(Value(reader->Get("a")) == "1");
  auto writer = OpenOrDie(tmp.path(), Quiet());  // grows LOCK back
  REQUIRE_OK(writer->Put("b", "2"));
  CHECK(Value(reader->Get("b")) == "2");
}

// The text of every problem `report` lists.
std::string Problems(const VerifyReport& report) {
  std::string all;
  for (const auto& p : report.errors) all += "error: " + FormatProblem(p) + "\n";
  for (const auto& p : report.warnings) all += "warning: " + FormatProblem(p) + "\n";
  return all;
}

TEST_CASE("a FIFO named like a segment is refused at once and verify reports it",
          "[regression]") {
  StoreWithVictim s;
  REQUIRE(mkfifo((s.dir + "/segment-000002.jsonl").c_str(), 0600) == 0);
  auto store = Store::Open(s.dir, Quiet());
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message().find("is a FIFO") != std::string::npos);
  const VerifyReport report = Value(VerifyStore(s.dir));
  INFO(Problems(report));
  CHECK_FALSE(report.clean());
  CHECK(Problems(report).find("segment-000002.jsonl: is a FIFO") != std::string::npos);
}

TEST_CASE("a FIFO named index.snapshot is ignored by the store and reported by verify",
          "[regression]") {
  StoreWithVictim s;
  std::remove((s.dir + "/index.snapshot").c_str());
  REQUIRE(mkfifo((s.dir + "/index.snapshot").c_str(), 0600) == 0);
  auto store = OpenOrDie(s.dir, Quiet());
  CHECK(Value(store->Get("a")) == "1");
  const VerifyReport report = Value(VerifyStore(s.dir));
  INFO(Problems(report));
  CHECK(Problems(report).find("index.snapshot: is not a regular file") != std::string::npos);
}

TEST_CASE("a directory named index.snapshot leaves no temporary snapshot files behind",
          "[regression]") {
  TempDir tmp;
  REQUIRE(mkdir(tmp.Join("index.snapshot").c_str(), 0700) == 0);
  for (int round = 0; round < 3; ++round) {
    auto store = OpenOrDie(tmp.path(), Quiet());
    for (int i = 0; i < 100; ++i) REQUIRE_OK(store->Put("k" + std::to_string(i), "1"));
    REQUIRE_OK(store->Close());  // writes a snapshot after this many records
  }
  for (const auto& entry : std::filesystem::directory_iterator(tmp.path())) {
    const std::string name = entry.path().filename();
    INFO(name);
    CHECK(name.rfind("index.snapshot.", 0) != 0);
  }
}

TEST_CASE("a stray file named segment-7.jsonl is ignored by the store and reported by verify",
          "[regression]") {
  StoreWithVictim s;
  WriteFileBytes(s.dir + "/segment-7.jsonl", "not a segment\n");
  auto store = OpenOrDie(s.dir, Quiet());
  CHECK(Value(store->Get("a")) == "1");
  REQUIRE_OK(store->Put("b", "2"));
  const VerifyReport report = Value(VerifyStore(s.dir));
  INFO(Problems(report));
  CHECK(Problems(report).find("segment-7.jsonl: not a name the store gives") !=
        std::string::npos);
}

TEST_CASE("verify reports a store directory others can write to", "[regression]") {
  TempDir tmp;
  OpenOrDie(tmp.path(), Quiet())->Put("a", "1").IgnoreError();
  REQUIRE(chmod(tmp.path().c_str(), 0777) == 0);
  const VerifyReport report = Value(VerifyStore(tmp.path()));
  INFO(Problems(report));
  CHECK_FALSE(report.clean());
  CHECK(Problems(report).find("chmod go-w") != std::string::npos);
}

}  // namespace
}  // namespace dotlog
