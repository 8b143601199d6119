// Importing the JSON-file design: every file mapped with its rows' times,
// one batch, idempotence, and rows that cannot be mapped.
#include "dotlog/state/import.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "dotlog/state/state_manager.h"
#include "format/timestamp.h"
#include "support/fake_clock.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::FakeClock;
using testing::Value;
using testing::WriteFileBytes;

std::chrono::system_clock::time_point At(const char* rfc3339) {
  return FromUnixMillis(Value(ParseTimestamp(rfc3339)));
}

// A store and an older state directory, with a wallpaper file.
struct Fixture {
  Fixture() {
    std::filesystem::create_directories(tmp.Join("old"));
    std::filesystem::create_directories(tmp.Join("effects"));
    WriteFileBytes(wallpaper, "not really a png");
    options.clock = &clock;
    import.state.clock = &clock;
    store = testing::OpenOrDie(tmp.Join("store"), options);
  }
  void Write(const std::string& name, const std::string& text) {
    WriteFileBytes(tmp.Join("old/" + name), text);
  }
  // Every file of the design, with one row each (two events).
  void WriteAllGood() {
    Write("wallpaper_cache.json",
          "{\"" + wallpaper +
              "\":{\"cached_at\":\"2025-12-20T10:00:00.000Z\","
              "\"effects_dir\":\"" +
              tmp.Join("effects") +
              "\",\"backend\":\"wal\",\"effect_count\":3,"
              "\"colorscheme_formats\":[\"css\"]}}");
    Write("system_state.json",
          "{\"current_wallpapers\":{\"DP-1\":\"" + wallpaper +
              "\"},\"last_backup\":{\"at\":\"2025-12-30T03:00:00.000Z\","
              "\"location\":\"/mnt/b\"},\"active_colorscheme\":\"nord\"}");
    Write("component_state.json",
          "{\"waybar\":{\"version\":\"0.10.4\","
          "\"installed_at\":\"2025-11-01T00:00:00.000Z\","
          "\"config\":{\"position\":\"top\"}}}");
    Write("event_log.jsonl",
          "{\"timestamp\":\"2025-12-21T08:00:00.000Z\",\"event_type\":"
          "\"command\",\"component\":\"waybar\",\"details\":{\"cmd\":\"x\"}}\n"
          "{\"timestamp\":\"2025-12-22T08:00:00.000Z\",\"event_type\":"
          "\"error\",\"details\":{}}\n");
  }
  absl::StatusOr<ImportReport> Import() {
    return ImportJsonState(*store, tmp.Join("old"), import);
  }
  std::unique_ptr<StateManager> State() {
    StateOptions state;
    state.clock = &clock;
    return Value(StateManager::ForStore(store.get(), state));
  }

  testing::TempDir tmp;
  const std::string wallpaper = tmp.Join("sea.png");
  FakeClock clock;
  Options options;
  ImportOptions import;
  std::unique_ptr<Store> store;
};

// Checks the state that WriteAllGood's rows (or the same rows in SQLite)
// map to.
void CheckAllGood(Fixture& f) {
  auto state = f.State();

  std::vector<CacheCheck> cache = Value(state->ListWallpapers());
  REQUIRE(cache.size() == 1);
  CHECK(cache[0].cached());
  CHECK(cache[0].entry->cached_at == At("2025-12-20T10:00:00Z"));
  CHECK(cache[0].entry->backend == "wal");
  CHECK(cache[0].entry->effect_count == 3);
  CHECK(Value(state->GetMonitorWallpaper("DP-1")).path == f.wallpaper);
  BackupRecord backup = Value(state->LastBackup());
  CHECK(backup.location == "/mnt/b");
  CHECK(backup.at == At("2025-12-30T03:00:00Z"));
  CHECK(Value(state->GetColorScheme()).name == "nord");
  Component waybar = Value(state->GetComponent("waybar"));
  CHECK(waybar.version == "0.10.4");
  CHECK(waybar.config == "{\"position\":\"top\"}");
  CHECK(waybar.installed_at == At("2025-11-01T00:00:00Z"));
  std::vector<Event> events = Value(state->QueryEvents({}));
  REQUIRE(events.size() == 2);
  CHECK(events[0].event_type == "error");
  CHECK(events[1].time == At("2025-12-21T08:00:00Z"));
  CHECK(events[1].component == "waybar");
  CHECK(events[1].details == "{\"cmd\":\"x\"}");
}

TEST_CASE(
    "every file of the JSON design maps into the state layout with "
    "its rows' times",
    "[import]") {
  Fixture f;
  f.WriteAllGood();
  ImportReport r = Value(f.Import());
  CHECK(r.rows == 7);
  CHECK(r.mapped == 7);
  CHECK(r.problems.empty());
  CheckAllGood(f);
}

TEST_CASE("importing twice writes nothing the second time", "[import]") {
  Fixture f;
  f.WriteAllGood();
  CHECK(Value(f.Import()).written > 0);
  const std::string before = testing::JsonlDump(*f.store);
  const uint64_t seq = Value(f.store->GetStats()).last_seq;
  ImportReport again = Value(f.Import());
  CHECK(again.mapped == 7);
  CHECK(again.written == 0);
  CHECK(Value(f.store->GetStats()).last_seq == seq);
  CHECK(testing::JsonlDump(*f.store) == before);
}

TEST_CASE(
    "rows that cannot be mapped are listed by table and row, and "
    "nothing is written unless skip_bad",
    "[import]") {
  Fixture f;
  f.WriteAllGood();
  f.Write("component_state.json",
          "{\"waybar\":{\"version\":5},\"rofi\":{\"version\":\"1.7\"}}");
  f.Write("event_log.jsonl",
          "{\"timestamp\":\"2025-12-21T08:00:00.000Z\",\"event_type\":\"a\"}\n"
          "{\"timestamp\":\"2025-12-21T08:00:00.000Z\"}\n");
  f.Write("wallpaper_cache.json", "{\"" + f.tmp.Join("gone.png") + "\":{}}");

  auto r = f.Import();
  REQUIRE(r.status().code() == absl::StatusCode::kInvalidArgument);
  const std::string message(r.status().message());
  INFO(message);
  CHECK(message.find("3 rows cannot be imported") != std::string::npos);
  CHECK(message.find("component_state.json \"waybar\": \"version\"") !=
        std::string::npos);
  CHECK(message.find("event_log.jsonl line 2: \"event_type\" is missing") !=
        std::string::npos);
  CHECK(message.find("wallpaper_cache.json \"" + f.tmp.Join("gone.png")) !=
        std::string::npos);
  CHECK(Value(f.store->List("")).empty());

  f.import.skip_bad = true;
  ImportReport skipped = Value(f.Import());
  CHECK(skipped.problems.size() == 3);
  CHECK(skipped.mapped == skipped.rows - 3);
  auto state = f.State();
  CHECK(Value(state->GetComponent("rofi")).version == "1.7");
  CHECK(state->GetComponent("waybar").status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(Value(state->QueryEvents({})).size() == 1);
}

TEST_CASE("a file that is not JSON, or a missing directory, writes nothing",
          "[import]") {
  Fixture f;
  f.WriteAllGood();
  f.Write("system_state.json", "[1,2");
  auto r = f.Import();
  CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(r.status().message().find("system_state.json") != std::string::npos);
  CHECK(Value(f.store->List("")).empty());
  r = ImportJsonState(*f.store, f.tmp.Join("none"), f.import);
  CHECK(r.status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("events older than the event retention are counted, not logged",
          "[import]") {
  Fixture f;
  f.Write(
      "event_log.jsonl",
      "{\"timestamp\":\"2025-01-01T00:00:00.000Z\",\"event_type\":\"a\"}\n");
  ImportReport r = Value(f.Import());
  CHECK(r.past_retention == 1);
  CHECK(r.written == 0);
  CHECK(Value(f.State()->QueryEvents({})).empty());
}

// Runs `sql` on the SQLite database at `path`, creating it if needed.
void Sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

// The SQLite design's tables, as README describes them.
constexpr char kSchema[] =
    "CREATE TABLE wallpaper_cache (path TEXT PRIMARY KEY, cached_at TEXT, "
    "effects_dir TEXT, colorscheme_dir TEXT, backend TEXT, effect_count "
    "INTEGER, colorscheme_formats TEXT);"
    "CREATE TABLE system_state (key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE component_installed (name TEXT PRIMARY KEY, version TEXT, "
    "installed_at TEXT, config TEXT);"
    "CREATE TABLE event_log (id INTEGER PRIMARY KEY, timestamp TEXT, "
    "event_type TEXT, component TEXT, details TEXT);";

// A database holding WriteAllGood's rows.
std::string WriteGoodDatabase(Fixture& f) {
  const std::string db = f.tmp.Join("state.db");
  Sql(db, std::string(kSchema) + "INSERT INTO wallpaper_cache VALUES ('" +
              f.wallpaper + "', '2025-12-20T10:00:00.000Z', '" +
              f.tmp.Join("effects") +
              "', NULL, 'wal', 3, '[\"css\"]');"
              "INSERT INTO system_state VALUES ('current_wallpapers', "
              "'{\"DP-1\":\"" +
              f.wallpaper +
              "\"}'),"
              "('last_backup', '{\"at\":\"2025-12-30T03:00:00.000Z\","
              "\"location\":\"/mnt/b\"}'),"
              "('active_colorscheme', '\"nord\"');"
              "INSERT INTO component_installed VALUES ('waybar', '0.10.4', "
              "'2025-11-01T00:00:00.000Z', '{\"position\":\"top\"}');"
              "INSERT INTO event_log VALUES (1, '2025-12-21T08:00:00.000Z', "
              "'command', 'waybar', '{\"cmd\":\"x\"}'),"
              "(2, '2025-12-22T08:00:00.000Z', 'error', NULL, '{}');");
  return db;
}

TEST_CASE(
    "every table of the SQLite design maps as the JSON design does, "
    "and a second import writes nothing",
    "[import][sqlite]") {
  Fixture f;
  const std::string db = WriteGoodDatabase(f);
  ImportReport r = Value(ImportSqliteState(*f.store, db, f.import));
  CHECK(r.rows == 7);
  CHECK(r.mapped == 7);
  CheckAllGood(f);
  const std::string before = testing::JsonlDump(*f.store);
  CHECK(Value(ImportSqliteState(*f.store, db, f.import)).written == 0);
  CHECK(testing::JsonlDump(*f.store) == before);
}

TEST_CASE(
    "SQLite rows that cannot be mapped are named by table and row, "
    "and nothing is written",
    "[import][sqlite]") {
  Fixture f;
  const std::string db = WriteGoodDatabase(f);
  Sql(db,
      "INSERT INTO component_installed VALUES ('rofi', '1.7', NULL, "
      "'not json');"
      "INSERT INTO event_log VALUES (7, '2025-12-21T08:00:00.000Z', NULL, "
      "NULL, NULL);"
      "INSERT INTO system_state VALUES ('theme', '1');");
  auto r = ImportSqliteState(*f.store, db, f.import);
  REQUIRE(r.status().code() == absl::StatusCode::kInvalidArgument);
  const std::string message(r.status().message());
  INFO(message);
  CHECK(message.find("3 rows cannot be imported") != std::string::npos);
  CHECK(message.find("component_installed row 2: ") != std::string::npos);
  CHECK(message.find("event_log row 7: \"event_type\" is missing") !=
        std::string::npos);
  CHECK(message.find("system_state row 4: unknown field") != std::string::npos);
  CHECK(Value(f.store->List("")).empty());
}

TEST_CASE(
    "a file that is not an SQLite database, a table without its "
    "columns, or a missing file, writes nothing",
    "[import][sqlite]") {
  Fixture f;
  WriteFileBytes(f.tmp.Join("not.db"), "just text, not a database at all");
  auto r = ImportSqliteState(*f.store, f.tmp.Join("not.db"), f.import);
  CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
  Sql(f.tmp.Join("odd.db"), "CREATE TABLE event_log (id INTEGER, what TEXT);");
  r = ImportSqliteState(*f.store, f.tmp.Join("odd.db"), f.import);
  CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(r.status().message().find("event_log") != std::string::npos);
  r = ImportSqliteState(*f.store, f.tmp.Join("none.db"), f.import);
  CHECK(r.status().code() == absl::StatusCode::kNotFound);
  CHECK(Value(f.store->List("")).empty());
}

}  // namespace
}  // namespace dotlog
