// Mapping the rows of the older state designs into the state layout: the
// part shared by the JSON-file and the SQLite importers.
#ifndef DOTLOG_STATE_IMPORTER_H_
#define DOTLOG_STATE_IMPORTER_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/state/import.h"
#include "dotlog/store.h"

namespace dotlog::state {

// What a row describes, in the JSON-file design's shapes (README,
// "Importing older state").
enum class RowKind {
  kCache,      // name: the path; json: the cache entry's object
  kSystem,     // name: current_wallpapers, last_backup or active_colorscheme
  kComponent,  // name: the component; json: its object
  kEvent,      // json: the event's object
};

struct ImportRow {
  std::string label;  // how a problem names the row: a key, "line 3"
  std::string name;
  std::string json;
};

// One import into one store: rows are mapped through a StateManager whose
// writes collect in one batch, each with its own time; Finish writes them.
class Importer {
 public:
  static absl::StatusOr<std::unique_ptr<Importer>> Create(
      Store& store, const ImportOptions& options);
  virtual ~Importer() = default;

  virtual FileSystem* file_system() = 0;
  // Maps `rows` of `table`; rows without a time of their own get
  // `default_time`. A row that fails is recorded as a problem.
  virtual void MapRows(std::string_view table, RowKind kind,
                       std::chrono::system_clock::time_point default_time,
                       const std::vector<ImportRow>& rows) = 0;
  // InvalidArgument listing the problems unless there are none or
  // skip_bad; otherwise writes the batch and returns the report.
  virtual absl::StatusOr<ImportReport> Finish() = 0;
};

}  // namespace dotlog::state

#endif  // DOTLOG_STATE_IMPORTER_H_
