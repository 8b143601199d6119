// Backups: the file written, keeping the newest, recording them in the
// state, and what a crash or a kill -9 in the middle leaves.
#include "dotlog/backup.h"

#include <signal.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "dotlog/dump.h"
#include "dotlog/state/state_manager.h"
#include "dotlog/write_batch.h"
#include "support/child_process.h"
#include "support/fault_file_system.h"
#include "support/memory_env.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::FaultFileSystem;
using testing::Value;

// A store in /s on an in-memory file system, and backup options to match.
struct Fixture : testing::MemoryEnv {
  Fixture() {
    options.auto_compact = false;
    store = Value(Store::Open("/s", options));
    backup.file_system = &fs;
    backup.clock = &clock;
  }

  BackupOptions backup;
  std::unique_ptr<Store> store;
};

TEST_CASE("a backup is the jsonl dump in a file named by its UTC time",
          "[backup]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("theme", "\"dark\""));
  PutOptions ttl;
  ttl.expires_at = f.clock.Now() + 1h;
  REQUIRE_OK(f.store->Put("cache/x", "{\"a\":1}", ttl));
  const std::string expected = testing::JsonlDump(*f.store);
  f.backup.record_in_state = false;

  BackupResult r = Value(WriteBackup(*f.store, "/b", f.backup));

  CHECK(r.path == "/b/dotlog-backup-20260101T000000.000Z.jsonl");
  CHECK(r.keys == 2);
  CHECK(r.bytes == expected.size());
  CHECK(Value(f.fs.ReadAll(r.path)) == expected);
  CHECK(Value(ListBackups("/b", &f.fs)) == std::vector<std::string>{r.path});
}

TEST_CASE("a backup is recorded as the state's last backup", "[backup]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("k", "1"));
  BackupResult r = Value(WriteBackup(*f.store, "/b", f.backup));
  auto state = Value(StateManager::ForStore(f.store.get()));
  BackupRecord last = Value(state->LastBackup());
  CHECK(last.location == r.path);
  CHECK(last.at == f.clock.Now());
}

TEST_CASE("only the newest keep backups stay, and names never collide",
          "[backup]") {
  Fixture f;
  f.backup.keep = 2;
  std::vector<std::string> paths;
  for (int i = 0; i < 4; ++i) {
    REQUIRE_OK(f.store->Put("n", std::to_string(i)));
    // Two backups in the same millisecond get the next free one.
    if (i % 2 == 1) f.clock.Advance(1s);
    paths.push_back(Value(WriteBackup(*f.store, "/b", f.backup)).path);
  }
  CHECK(paths[0] == "/b/dotlog-backup-20260101T000000.000Z.jsonl");
  CHECK(paths[1] == "/b/dotlog-backup-20260101T000001.000Z.jsonl");
  CHECK(paths[2] == "/b/dotlog-backup-20260101T000001.001Z.jsonl");
  CHECK(Value(ListBackups("/b", &f.fs)) ==
        std::vector<std::string>{paths[2], paths[3]});
  CHECK(Value(f.fs.ReadAll(paths[3])).find("\"value\":3") != std::string::npos);
}

TEST_CASE(
    "a crash at every write and sync point of a backup leaves the "
    "earlier backups whole and no partial file under a backup's name",
    "[backup][crash]") {
  for (uint64_t n = 1;; ++n) {
    Fixture f;
    for (int i = 0; i < 50; ++i) {
      REQUIRE_OK(f.store->Put("key" + std::to_string(i), std::to_string(i)));
    }
    f.backup.keep = 1;
    f.backup.record_in_state = false;  // every backup holds the same data
    const std::string earlier =
        Value(WriteBackup(*f.store, "/b", f.backup)).path;
    const std::string content = Value(f.fs.ReadAll(earlier));
    f.clock.Advance(1s);
    f.fs.CrashAtPoint(f.fs.mutation_count() + n);
    auto r = WriteBackup(*f.store, "/b", f.backup);
    const bool crashed = f.fs.crashed();
    f.store.reset();
    f.fs.Recover(FaultFileSystem::CrashMode::kKeepUnsyncedPrefix, n);
    INFO("crash at point " << n);
    std::vector<std::string> backups = Value(ListBackups("/b", &f.fs));
    REQUIRE(!backups.empty());
    for (const std::string& path : backups) {
      // Every file under a backup's name holds the whole dump: the earlier
      // backup, or the new one, whose data is the same.
      CHECK(Value(f.fs.ReadAll(path)) == content);
    }
    if (!crashed) {
      REQUIRE_OK(r.status());
      break;
    }
  }
}

// How many temporary backup files `dir` holds.
int TempFileCount(const std::string& dir) {
  int count = 0;
  for (const std::string& name : Value(DefaultFileSystem()->ListDir(dir))) {
    count += name.ends_with(".tmp");
  }
  return count;
}

// Returns once a temporary backup file in `dir` holds more than `bytes`
// bytes. Polls: the file is the only sign of the other process's progress.
void WaitForTempFile(const std::string& dir, uint64_t bytes) {
  for (;;) {
    for (const std::string& name : Value(DefaultFileSystem()->ListDir(dir))) {
      if (!name.ends_with(".tmp")) continue;
      auto info = DefaultFileSystem()->Stat(dir + "/" + name);
      if (info.ok() && info->size > bytes) return;
    }
    std::this_thread::yield();
  }
}

TEST_CASE(
    "a backup killed at any moment leaves every earlier backup intact "
    "and no partial file under a backup's name",
    "[backup][process]") {
  testing::TempDir tmp;
  const std::string dir = tmp.Join("store"), backups = tmp.Join("backups");
  {
    auto store = testing::OpenOrDie(dir);
    WriteBatch batch;
    for (int i = 0; i < 5000; ++i) {
      batch.Put("wallpaper/" + std::to_string(i),
                "\"" + std::string(200, 'a' + i % 26) + "\"");
    }
    REQUIRE_OK(store->Write(batch));
  }
  const std::map<std::string, std::string> expected = [&] {
    auto store = testing::OpenOrDie(dir);
    return testing::Contents(*store);
  }();
  std::mt19937_64 rng(Catch::rngSeed());
  std::vector<std::string> finished;
  int killed_mid_write = 0;
  for (int round = 0; round < 6; ++round) {
    testing::Pipe done;
    ChildProcess child = ChildProcess::Start([&] {
      done.CloseRead();
      auto store = Store::Open(dir, Options{});
      if (!store.ok()) return 1;
      BackupOptions options;
      options.keep = 0;
      options.record_in_state = false;
      for (;;) {
        auto r = WriteBackup(**store, backups, options);
        if (!r.ok() || !testing::WriteAll(done.write_fd(), r->path + "\n")) {
          return 2;
        }
      }
    });
    done.CloseWrite();
    testing::LineReader lines(done.read_fd());
    // After a random number of finished backups, kill the child: in odd
    // rounds at once (as it starts the next one), in even rounds once the
    // next one's temporary file has grown past a random size.
    const int wait_for = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < wait_for; ++i) {
      auto line = lines.Next();
      REQUIRE(line.has_value());
      finished.push_back(*line);
    }
    const bool mid_write = round % 2 == 0;
    if (mid_write) WaitForTempFile(backups, rng() % (800 << 10));
    child.Kill();
    while (auto line = lines.Next()) finished.push_back(*line);
    if (mid_write) {
      killed_mid_write += TempFileCount(backups);
    }

    const std::vector<std::string> present = Value(ListBackups(backups));
    for (const std::string& path : finished) {
      CHECK(std::find(present.begin(), present.end(), path) != present.end());
    }
    for (const std::string& path : present) {
      INFO(path);
      std::vector<Item> items =
          Value(ParseDump(testing::ReadFileBytes(path), DumpFormat::kJsonl));
      std::map<std::string, std::string> got;
      for (const Item& item : items) got[item.key] = item.value;
      CHECK(got == expected);
    }
  }
  // The even rounds killed a backup that had written part of its file...
  CHECK(killed_mid_write == 3);
  // ...and the next backup removes what they left under temporary names.
  auto store = testing::OpenOrDie(dir);
  BackupOptions options;
  options.keep = 0;
  REQUIRE_OK(WriteBackup(*store, backups, options).status());
  for (const std::string& name : Value(DefaultFileSystem()->ListDir(backups))) {
    CHECK(!name.ends_with(".tmp"));
  }
}

}  // namespace
}  // namespace dotlog
