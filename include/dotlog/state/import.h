// Importing the state kept by the dotfiles system's older designs (JSON
// files, an SQLite database) into the state layout, as one atomic batch.
#ifndef DOTLOG_STATE_IMPORT_H_
#define DOTLOG_STATE_IMPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/progress.h"
#include "dotlog/state/state_options.h"
#include "dotlog/store.h"

namespace dotlog {

// A row that could not be mapped.
struct ImportProblem {
  std::string table;   // the file, e.g. "component_state.json"
  std::string row;     // e.g. "line 3" or "\"waybar\""
  std::string reason;  // why
};

// What an import did or, with problems and without skip_bad, would do.
struct ImportReport {
  uint64_t rows = 0;            // rows read from every file
  uint64_t mapped = 0;          // rows mapped into the state layout
  uint64_t past_retention = 0;  // events older than the event retention
  uint64_t written = 0;         // keys written (0 when nothing was new)
  std::vector<ImportProblem> problems;
};

struct ImportOptions {
  // Write the rows that map even when others do not.
  bool skip_bad = false;
  // The state layer's options (limits, clock, file system for wallpapers).
  StateOptions state;
  // Told the rows mapped so far ("rows mapped", total unknown), then the
  // one batch written ("keys written").
  ProgressFn progress;
};

// Reads the JSON-file design in directory `dir` (README, "Importing older
// state"): wallpaper_cache.json, system_state.json, component_state.json
// and event_log.jsonl, each optional, and maps every row into the state
// layout of `store` through StateManager, keeping the rows' own times.
// Everything is written in one atomic batch, and only what differs from
// the store, so importing twice writes nothing the second time.
// Errors: NotFound if `dir` does not exist; InvalidArgument if a file is
// not JSON of the expected shape, or if any row cannot be mapped and
// `options.skip_bad` is false, listing each problem as
// "table row: reason" (nothing is written); otherwise the store's.
absl::StatusOr<ImportReport> ImportJsonState(Store& store,
                                             const std::string& dir,
                                             const ImportOptions& options);

// Reads the SQLite design in the database file `path` (README, "Importing
// older state"): the tables wallpaper_cache, system_state,
// component_installed and event_log, each optional, and maps every row as
// ImportJsonState does (rows are named "TABLE row ROWID"). The database is
// opened read-only with SQLite's own I/O, not `options.state.store`'s file
// system. Errors: NotFound if `path` does not exist; InvalidArgument if it
// is not an SQLite database or a table lacks a column; the rest as for
// ImportJsonState.
absl::StatusOr<ImportReport> ImportSqliteState(Store& store,
                                               const std::string& path,
                                               const ImportOptions& options);

}  // namespace dotlog

#endif  // DOTLOG_STATE_IMPORT_H_
