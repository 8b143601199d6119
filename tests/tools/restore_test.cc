// Restoring backups: the round trip, into an empty store or by force, bad
// input, and a crash at every write and sync point.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "dotlog/backup.h"
#include "dotlog/dump.h"
#include "dotlog/state/state_manager.h"
#include "support/fault_file_system.h"
#include "support/memory_env.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"

namespace dotlog::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kBackup[] = "/b/dotlog-backup-20260101T000000.000Z.jsonl";

// Stores on an in-memory file system: /s holds "a", "b" and an expiring
// "cache/x" and is backed up to kBackup; /t holds "old".
struct Fixture : MemoryEnv {
  Fixture() {
    options.auto_compact = false;
    restore.store = options;
    restore.previous_backup_dir = "/prev";
    auto s = Value(Store::Open("/s", options));
    REQUIRE_OK(s->Put("a", "[1,2]"));
    REQUIRE_OK(s->Put("b", "\"bee\""));
    PutOptions ttl;
    ttl.expires_at = clock.Now() + 1h;
    REQUIRE_OK(s->Put("cache/x", "{\"t\":21.5}", ttl));
    source_dump = JsonlDump(*s);
    BackupOptions backup;
    backup.file_system = &fs;
    backup.clock = &clock;
    backup.record_in_state = false;
    REQUIRE(Value(WriteBackup(*s, "/b", backup)).path == kBackup);
    auto t = Value(Store::Open("/t", options));
    REQUIRE_OK(t->Put("old", "true"));
  }
  std::map<std::string, std::string> Contents(const std::string& dir) {
    auto s = Value(Store::Open(dir, options));
    return testing::Contents(*s);
  }

  RestoreOptions restore;
  std::string source_dump;
};

TEST_CASE("a restored store dumps exactly as the store backed up",
          "[restore]") {
  Fixture f;
  RestoreResult r = Value(RestoreBackup(kBackup, "/r", f.restore));
  CHECK(r.restored == 3);
  CHECK(r.removed == 0);
  CHECK(r.previous_backup.empty());
  auto restored = Value(Store::Open("/r", f.options));
  CHECK(JsonlDump(*restored) == f.source_dump);
  CHECK(Value(restored->Lookup("cache/x")).expires_at == f.clock.Now() + 1h);
}

TEST_CASE("keys whose expiry passed since the backup are not restored",
          "[restore]") {
  Fixture f;
  f.clock.Advance(2h);
  RestoreResult r = Value(RestoreBackup(kBackup, "/r", f.restore));
  CHECK(r.restored == 2);
  CHECK(r.skipped_expired == 1);
  CHECK(f.Contents("/r") ==
        std::map<std::string, std::string>{{"a", "[1,2]"}, {"b", "\"bee\""}});
}

TEST_CASE(
    "restoring over live keys without force is refused and changes "
    "nothing",
    "[restore]") {
  Fixture f;
  auto r = RestoreBackup(kBackup, "/t", f.restore);
  CHECK(r.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(f.Contents("/t") ==
        std::map<std::string, std::string>{{"old", "true"}});
  CHECK(Value(ListBackups("/prev", &f.fs)).empty());
}

TEST_CASE("a forced restore backs up the current state, then replaces it",
          "[restore]") {
  Fixture f;
  f.restore.force = true;
  f.clock.Advance(1s);
  RestoreResult r = Value(RestoreBackup(kBackup, "/t", f.restore));
  CHECK(r.removed == 1);
  CHECK(r.previous_backup == "/prev/dotlog-backup-20260101T000001.000Z.jsonl");
  CHECK(Value(f.fs.ReadAll(r.previous_backup)) ==
        "{\"key\":\"old\",\"value\":true,\"expires\":null}\n");
  auto t = Value(Store::Open("/t", f.options));
  auto state = Value(StateManager::ForStore(t.get()));
  CHECK(Value(state->LastBackup()).location == r.previous_backup);
  auto contents = Contents(*t);
  CHECK(contents.count("old") == 0);
  CHECK(contents.at("a") == "[1,2]");
}

TEST_CASE("a forced restore needs a directory for the current state",
          "[restore]") {
  Fixture f;
  f.restore.force = true;
  f.restore.previous_backup_dir.clear();
  auto r = RestoreBackup(kBackup, "/t", f.restore);
  CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(f.Contents("/t") ==
        std::map<std::string, std::string>{{"old", "true"}});
}

TEST_CASE("a file that is not a whole backup changes nothing, even with force",
          "[restore]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bad JSON", "{\"key\":\"a\",\"value\":1,\"expires\":null}\n{oops\n"},
      {"missing field", "{\"key\":\"a\",\"value\":1}\n"},
      {"key twice",
       "{\"key\":\"a\",\"value\":1,\"expires\":null}\n"
       "{\"key\":\"a\",\"value\":2,\"expires\":null}\n"},
      {"empty key", "{\"key\":\"\",\"value\":1,\"expires\":null}\n"},
      {"bad time", "{\"key\":\"a\",\"value\":1,\"expires\":\"soon\"}\n"},
      {"a json dump", "{\"a\": 1}\n"},
  };
  for (const auto& [name, text] : cases) {
    Fixture f;
    f.restore.force = true;
    REQUIRE_OK(f.fs.WriteRaw("/b/bad.jsonl", text));
    const uint64_t before = f.fs.mutation_count();
    auto r = RestoreBackup("/b/bad.jsonl", "/t", f.restore);
    INFO(name << ": " << r.status());
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(r.status().message().find("/b/bad.jsonl") != std::string::npos);
    CHECK(f.fs.mutation_count() == before);
    CHECK(!Value(f.fs.Exists("/prev")));
    r = RestoreBackup("/b/bad.jsonl", "/new", f.restore);
    CHECK(!Value(f.fs.Exists("/new")));
  }
}

TEST_CASE("a missing backup file is NotFound and creates no store",
          "[restore]") {
  Fixture f;
  auto r = RestoreBackup("/b/none.jsonl", "/new", f.restore);
  CHECK(r.status().code() == absl::StatusCode::kNotFound);
  CHECK(!Value(f.fs.Exists("/new")));
}

TEST_CASE(
    "a crash at every write and sync point of a forced restore leaves "
    "the old state or the restored one, and the old one backed up "
    "whole or not at all",
    "[restore][crash]") {
  const std::map<std::string, std::string> old_state = {{"old", "true"}};
  std::map<std::string, std::string> new_state;
  uint64_t saw_old = 0, saw_new = 0;
  for (uint64_t n = 1;; ++n) {
    Fixture f;
    if (new_state.empty()) {
      new_state = {
          {"a", "[1,2]"}, {"b", "\"bee\""}, {"cache/x", "{\"t\":21.5}"}};
    }
    f.restore.force = true;
    f.fs.CrashAtPoint(f.fs.mutation_count() + n);
    auto r = RestoreBackup(kBackup, "/t", f.restore);
    const bool crashed = f.fs.crashed();
    f.fs.Recover(FaultFileSystem::CrashMode::kKeepUnsyncedPrefix, n);
    INFO("crash at point " << n);
    auto contents = f.Contents("/t");
    // The restored state also records its backup: compare the data keys.
    std::erase_if(contents, [](const auto& kv) {
      return kv.first.starts_with("state/");
    });
    const bool is_old = contents == old_state, is_new = contents == new_state;
    CHECK((is_old || is_new));
    saw_old += is_old;
    saw_new += is_new;
    for (const std::string& path : Value(ListBackups("/prev", &f.fs))) {
      CHECK(Value(f.fs.ReadAll(path)) ==
            "{\"key\":\"old\",\"value\":true,\"expires\":null}\n");
    }
    if (!crashed) {
      REQUIRE_OK(r.status());
      CHECK(is_new);
      break;
    }
  }
  CHECK(saw_old > 0);
  CHECK(saw_new > 0);
}

}  // namespace
}  // namespace dotlog::testing
