// Mapping rows into the state layout through StateManager (importer.h).
#include "state/importer.h"

#include <simdjson.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "dotlog/state/state_manager.h"
#include "format/timestamp.h"
#include "state/batching_store.h"
#include "state/state_json.h"
#include "util/strings.h"

namespace dotlog::state {
namespace {

using TimePoint = std::chrono::system_clock::time_point;
namespace dom = simdjson::dom;

// The time the state layer records for the row being imported.
class RowClock final : public Clock {
 public:
  TimePoint Now() override { return now_; }
  void Set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

std::string DescribeProblems(const std::vector<ImportProblem>& problems) {
  std::string text = absl::StrCat(
      problems.size(), " rows cannot be imported; nothing was written:");
  for (const ImportProblem& p : problems) {
    absl::StrAppend(&text, "\n  ", p.table, " ", p.row, ": ", p.reason);
  }
  return text;
}

// What makes two events the same for an import: time (ms), type,
// component and details.
std::string EventIdentity(TimePoint time, std::string_view type,
                          std::string_view component,
                          std::string_view details) {
  return absl::StrCat(ToUnixMillis(time), "\n", JsonString(type), "\n",
                      JsonString(component), "\n", AV(details));
}

class ImporterImpl final : public Importer {
 public:
  ImporterImpl(Store& store, const ImportOptions& options, FileSystem* fs,
               Clock* clock)
      : options_(options), fs_(fs), clock_(clock), batch_(&store, clock) {}

  absl::Status Init() {
    StateOptions state_options = options_.state;
    state_options.clock = &row_clock_;
    auto state = StateManager::ForStore(&batch_, state_options);
    if (!state.ok()) return state.status();
    state_ = *std::move(state);
    return absl::OkStatus();
  }

  FileSystem* file_system() override { return fs_; }

  void MapRows(std::string_view table, RowKind kind, TimePoint default_time,
               const std::vector<ImportRow>& rows) override {
    table_ = std::string(table);
    file_time_ = default_time;
    for (const ImportRow& row : rows) {
      ++report_.rows;
      absl::Status s;
      switch (kind) {
        case RowKind::kCache:
          s = MapCache(row.name, row.json);
          break;
        case RowKind::kSystem:
          s = MapSystem(row.name, row.json);
          break;
        case RowKind::kComponent:
          s = MapComponent(row.name, row.json);
          break;
        case RowKind::kEvent:
          s = MapEvent(row.json);
          break;
      }
      Count(row.label, s);
      if (options_.progress) options_.progress("rows mapped", report_.rows, 0);
    }
  }

  absl::StatusOr<ImportReport> Finish() override {
    if (!report_.problems.empty() && !options_.skip_bad) {
      return absl::InvalidArgumentError(DescribeProblems(report_.problems));
    }
    auto written = batch_.Commit();
    if (!written.ok()) return written.status();
    report_.written = *written;
    if (options_.progress) {
      options_.progress("keys written", *written, *written);
    }
    return report_;
  }

 private:
  static std::string Minify(dom::element e) { return state::Minified(e); }

  void Count(const std::string& row, const absl::Status& s) {
    if (s.ok()) {
      ++report_.mapped;
    } else {
      report_.problems.push_back({table_, row, std::string(s.message())});
    }
  }

  // The row's time from field `field` of `object`, else the file's.
  absl::StatusOr<TimePoint> RowTime(dom::object object, const char* field) {
    std::string_view text;
    auto value = object[field];
    if (value.error() == simdjson::NO_SUCH_FIELD) return file_time_;
    if (value.get_string().get(text)) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", field, "\" is not a time string"));
    }
    auto ms = ParseTimestamp(text);
    if (!ms.ok()) return ms.status();
    return FromUnixMillis(*ms);
  }

  // Parses `json` (a row's value) as an object, with a row-sized message.
  absl::StatusOr<dom::object> RowObject(const std::string& json) {
    dom::object object;
    if (row_parser_.parse(json).get_object().get(object)) {
      return absl::InvalidArgumentError("not a JSON object");
    }
    return object;
  }

  // wallpaper_cache.json: path -> {"cached_at", and the cache metadata}.
  absl::Status MapCache(const std::string& path, const std::string& json) {
    auto object = RowObject(json);
    if (!object.ok()) return object.status();
    auto at = RowTime(*object, "cached_at");
    if (!at.ok()) return at.status();
    state::JsonObjectWriter metadata;
    for (auto [name, value] : *object) {
      if (name != "cached_at") metadata.Raw(name, Minify(value));
    }
    row_clock_.Set(*at);
    return state_->CacheWallpaper(path, metadata.Finish()).status();
  }

  // system_state.json: current_wallpapers, last_backup, active_colorscheme.
  absl::Status MapSystem(const std::string& name, const std::string& json) {
    row_clock_.Set(file_time_);
    dom::element value;
    if (row_parser_.parse(json).get(value)) {
      return absl::InvalidArgumentError("not JSON");
    }
    if (name == "active_colorscheme") {
      std::string_view scheme;
      if (value.get_string().get(scheme)) {
        return absl::InvalidArgumentError("not a string");
      }
      return state_->SetColorScheme(std::string(scheme)).status();
    }
    if (name == "current_wallpapers") {
      dom::object monitors;
      if (value.get_object().get(monitors)) {
        return absl::InvalidArgumentError("not an object monitor -> path");
      }
      std::vector<std::pair<std::string, std::string>> pairs;
      for (auto [monitor, path] : monitors) {
        std::string_view p;
        if (path.get_string().get(p)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "the path of ", state::JsonString(monitor), " is not a string"));
        }
        pairs.emplace_back(std::string(monitor), std::string(p));
      }
      for (const auto& [monitor, path] : pairs) {
        auto set = state_->SetMonitorWallpaper(monitor, path);
        if (!set.ok()) return set.status();
      }
      return absl::OkStatus();
    }
    if (name == "last_backup") {
      dom::object backup;
      std::string_view location;
      if (value.get_object().get(backup) ||
          backup["location"].get_string().get(location)) {
        return absl::InvalidArgumentError(
            "not an object with a \"location\" string");
      }
      const std::string where(location);
      auto at = RowTime(backup, "at");
      if (!at.ok()) return at.status();
      return state_->RecordBackup(where, *at).status();
    }
    return absl::InvalidArgumentError(
        "unknown field (expected current_wallpapers, last_backup or "
        "active_colorscheme)");
  }

  // component_state.json: name -> {"version", "installed_at", "config"}.
  absl::Status MapComponent(const std::string& name, const std::string& json) {
    auto object = RowObject(json);
    if (!object.ok()) return object.status();
    std::string_view version;
    auto v = (*object)["version"];
    if (v.error() != simdjson::NO_SUCH_FIELD && v.get_string().get(version)) {
      return absl::InvalidArgumentError("\"version\" is not a string");
    }
    std::string config = "{}";
    auto c = (*object)["config"];
    if (c.error() != simdjson::NO_SUCH_FIELD) config = Minify(c.value());
    auto at = RowTime(*object, "installed_at");
    if (!at.ok()) return at.status();
    row_clock_.Set(*at);
    return state_->InstallComponent(name, std::string(version), config)
        .status();
  }

  absl::Status MapEvent(const std::string& json) {
    auto object = RowObject(json);
    if (!object.ok()) return object.status();
    std::string_view type, component;
    if ((*object)["event_type"].get_string().get(type)) {
      return absl::InvalidArgumentError("\"event_type\" is missing");
    }
    auto c = (*object)["component"];
    if (c.error() != simdjson::NO_SUCH_FIELD && !c.is_null() &&
        c.get_string().get(component)) {
      return absl::InvalidArgumentError("\"component\" is not a string");
    }
    std::string details = "{}";
    auto d = (*object)["details"];
    if (d.error() != simdjson::NO_SUCH_FIELD) details = Minify(d.value());
    if ((*object)["timestamp"].error() == simdjson::NO_SUCH_FIELD) {
      return absl::InvalidArgumentError("\"timestamp\" is missing");
    }
    auto at = RowTime(*object, "timestamp");
    if (!at.ok()) return at.status();
    const std::string event_type(type), who(component);
    if (*at + options_.state.event_max_age <= clock_->Now()) {
      ++report_.past_retention;
      return absl::OkStatus();
    }
    // An event already logged (an earlier import) is not logged again.
    if (!events_loaded_) {
      auto logged = state_->QueryEvents({});
      if (!logged.ok()) return logged.status();
      for (const Event& e : *logged) {
        logged_.insert(
            EventIdentity(e.time, e.event_type, e.component, e.details));
      }
      events_loaded_ = true;
    }
    auto minified = state::MinifiedInputObject("details", details);
    if (!minified.ok()) return minified.status();
    const std::string identity = EventIdentity(*at, event_type, who, *minified);
    if (logged_.contains(identity)) return absl::OkStatus();
    row_clock_.Set(*at);
    auto appended = state_->AppendEvent(event_type, who, *minified);
    if (!appended.ok()) return appended.status();
    logged_.insert(identity);
    return absl::OkStatus();
  }

  const ImportOptions options_;
  FileSystem* const fs_;
  Clock* const clock_;
  BatchingStore batch_;
  RowClock row_clock_;
  std::unique_ptr<StateManager> state_;
  ImportReport report_;
  std::string table_;
  TimePoint file_time_;
  dom::parser row_parser_;
  // Every event in the store and the batch, by EventIdentity; loaded at
  // the first event row.
  bool events_loaded_ = false;
  absl::flat_hash_set<std::string> logged_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Importer>> Importer::Create(
    Store& store, const ImportOptions& options) {
  FileSystem* fs = options.state.store.file_system
                       ? options.state.store.file_system
                       : DefaultFileSystem();
  Clock* clock = options.state.clock         ? options.state.clock
                 : options.state.store.clock ? options.state.store.clock
                                             : SystemClock();
  auto importer = std::make_unique<ImporterImpl>(store, options, fs, clock);
  if (absl::Status s = importer->Init(); !s.ok()) return s;
  return importer;
}

}  // namespace dotlog::state
