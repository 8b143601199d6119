// Importing the JSON-file design (README, "Importing older state").
#include <simdjson.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dotlog/state/import.h"
#include "io/whole_file.h"
#include "state/importer.h"
#include "state/state_json.h"
#include "util/strings.h"

namespace dotlog {
namespace {

using state::ImportRow;
using state::RowKind;

// The rows of one of the design's files: the members of its object, or the
// lines of event_log.jsonl.
absl::StatusOr<std::vector<ImportRow>> ReadRows(const std::string& path,
                                                std::string_view text,
                                                bool lines) {
  std::vector<ImportRow> rows;
  if (lines) {
    uint64_t line_number = 0;
    for (absl::string_view line : absl::StrSplit(AV(text), '\n')) {
      ++line_number;
      if (line.empty()) continue;
      rows.push_back(
          {absl::StrCat("line ", line_number), "", std::string(line)});
    }
    return rows;
  }
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (auto e =
          parser.parse(text.data(), text.size()).get_object().get(object)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is not a JSON object: ", simdjson::error_message(e)));
  }
  for (auto [name, value] : object) {
    rows.push_back(
        {state::JsonString(name), std::string(name), state::Minified(value)});
  }
  return rows;
}

}  // namespace

absl::StatusOr<ImportReport> ImportJsonState(Store& store,
                                             const std::string& dir,
                                             const ImportOptions& options) {
  auto importer = state::Importer::Create(store, options);
  if (!importer.ok()) return importer.status();
  FileSystem* fs = (*importer)->file_system();
  auto exists = fs->Exists(dir);
  if (!exists.ok()) return exists.status();
  if (!*exists) {
    return absl::NotFoundError(absl::StrCat("directory ", dir, " not found"));
  }
  const std::pair<const char*, RowKind> kTables[] = {
      {"wallpaper_cache.json", RowKind::kCache},
      {"system_state.json", RowKind::kSystem},
      {"component_state.json", RowKind::kComponent},
      {"event_log.jsonl", RowKind::kEvent},
  };
  for (const auto& [table, kind] : kTables) {
    const std::string path = dir + "/" + table;
    auto present = fs->Exists(path);
    if (!present.ok()) return present.status();
    if (!*present) continue;
    // Rows without a time of their own take the file's modification time,
    // so that importing the same file twice records the same times.
    auto info = fs->Stat(path);
    if (!info.ok()) return info.status();
    auto text = ReadWholeFile(fs, path);
    if (!text.ok()) return text.status();
    auto rows = ReadRows(path, *text, kind == RowKind::kEvent);
    if (!rows.ok()) return rows.status();
    (*importer)->MapRows(
        table, kind,
        std::chrono::system_clock::time_point(
            std::chrono::milliseconds(info->mtime_ns / 1000000)),
        *rows);
  }
  return (*importer)->Finish();
}

}  // namespace dotlog
