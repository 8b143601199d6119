// Importing the SQLite design (README, "Importing older state"): each row
// becomes the JSON-file design's object for it, then is mapped alike.
#include <simdjson.h>
#include <sqlite3.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "dotlog/file_system.h"
#include "dotlog/state/import.h"
#include "state/importer.h"
#include "state/state_json.h"

namespace dotlog {
namespace {

using state::ImportRow;
using state::RowKind;

// A table of the design: its columns (after rowid) and which hold JSON.
struct Table {
  const char* name;
  RowKind kind;
  std::vector<std::string> columns;
  std::vector<std::string> json_columns;
  const char* name_column;  // the row's name for the mapping, or ""
};

const Table kTables[] = {
    {"wallpaper_cache",
     RowKind::kCache,
     {"path", "cached_at", "effects_dir", "colorscheme_dir", "backend",
      "effect_count", "colorscheme_formats"},
     {"colorscheme_formats"},
     "path"},
    {"system_state", RowKind::kSystem, {"key", "value"}, {"value"}, "key"},
    {"component_installed",
     RowKind::kComponent,
     {"name", "version", "installed_at", "config"},
     {"config"},
     "name"},
    {"event_log",
     RowKind::kEvent,
     {"timestamp", "event_type", "component", "details"},
     {"details"},
     ""},
};

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct Finalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;
using Statement = std::unique_ptr<sqlite3_stmt, Finalize>;

bool IsJson(std::string_view text) {
  simdjson::dom::parser parser;
  return parser.parse(text.data(), text.size()).error() == simdjson::SUCCESS;
}

std::string_view Text(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string_view(p, sqlite3_column_bytes(s, i))
           : std::string_view();
}

// Column `i` of the current row as a JSON value: NULL is left out (false),
// integers and reals as numbers, text as a string, or as is for a JSON
// column holding valid JSON.
bool ColumnJson(sqlite3_stmt* s, int i, bool json_column, std::string* out) {
  switch (sqlite3_column_type(s, i)) {
    case SQLITE_NULL:
      return false;
    case SQLITE_INTEGER:
      *out = absl::StrCat(sqlite3_column_int64(s, i));
      return true;
    case SQLITE_FLOAT:
      *out = absl::StrCat(sqlite3_column_double(s, i));
      return true;
    default: {
      std::string_view text = Text(s, i);
      *out = json_column && IsJson(text) ? std::string(text)
                                         : state::JsonString(text);
      return true;
    }
  }
}

// The rows of `table` in `db`; none if the table does not exist.
absl::StatusOr<std::vector<ImportRow>> ReadTable(sqlite3* db,
                                                 const Table& table) {
  std::vector<ImportRow> rows;
  std::string sql = "SELECT rowid";
  for (const std::string& c : table.columns) absl::StrAppend(&sql, ", ", c);
  absl::StrAppend(&sql, " FROM ", table.name, " ORDER BY rowid");
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    const std::string error = sqlite3_errmsg(db);
    if (error.starts_with("no such table")) return rows;
    return absl::InvalidArgumentError(
        absl::StrCat("table ", table.name, ": ", error));
  }
  Statement statement(raw);
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    ImportRow row;
    row.label = absl::StrCat("row ", sqlite3_column_int64(raw, 0));
    std::string object = "{";
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const std::string& column = table.columns[i];
      const int index = static_cast<int>(i) + 1;
      if (column == table.name_column) {
        row.name = std::string(Text(raw, index));
        continue;
      }
      const bool json =
          std::find(table.json_columns.begin(), table.json_columns.end(),
                    column) != table.json_columns.end();
      std::string value;
      if (!ColumnJson(raw, index, json, &value)) continue;
      if (table.kind == RowKind::kSystem) {
        object = value;  // the row is its value
        continue;
      }
      if (object.size() > 1) object.push_back(',');
      absl::StrAppend(&object, state::JsonString(column), ":", value);
    }
    if (table.kind != RowKind::kSystem) object.push_back('}');
    row.json = std::move(object);
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    return absl::InvalidArgumentError(
        absl::StrCat("table ", table.name, ": ", sqlite3_errmsg(db)));
  }
  return rows;
}

}  // namespace

absl::StatusOr<ImportReport> ImportSqliteState(Store& store,
                                               const std::string& path,
                                               const ImportOptions& options) {
  auto importer = state::Importer::Create(store, options);
  if (!importer.ok()) return importer.status();
  FileSystem* fs = (*importer)->file_system();
  auto info = fs->Stat(path);
  if (!info.ok()) return info.status();
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": ", raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  // Rows without a time of their own take the database's modification
  // time, so that importing the same file twice records the same times.
  const auto file_time = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(info->mtime_ns / 1000000));
  for (const Table& table : kTables) {
    auto rows = ReadTable(db.get(), table);
    if (!rows.ok()) {
      return absl::Status(rows.status().code(),
                          absl::StrCat(path, ": ", rows.status().message()));
    }
    (*importer)->MapRows(table.name, table.kind, file_time, *rows);
  }
  return (*importer)->Finish();
}

}  // namespace dotlog
