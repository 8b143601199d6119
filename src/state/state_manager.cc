// Opening a StateManager, its options, and path normalisation.
#include "dotlog/state/state_manager.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "dotlog/state/cleanup.h"
#include "dotlog/state/migration.h"
#include "state/wallpaper_file.h"

namespace dotlog {
namespace {

absl::Status CheckOptions(const StateOptions& options) {
  if (options.cache_ttl.count() <= 0) {
    return absl::InvalidArgumentError("cache_ttl: must be positive");
  }
  if (options.recent_limit == 0) {
    return absl::InvalidArgumentError("recent_limit: must be at least 1");
  }
  if (options.event_max_count == 0) {
    return absl::InvalidArgumentError("event_max_count: must be at least 1");
  }
  if (options.event_max_age.count() <= 0) {
    return absl::InvalidArgumentError("event_max_age: must be positive");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<StateManager>> StateManager::Open(
    const std::string& dir, const StateOptions& options) {
  if (absl::Status status = CheckOptions(options); !status.ok()) {
    return status;
  }
  if (options.cleanup_interval.count() <= 0) {
    return absl::InvalidArgumentError("cleanup_interval: must be positive");
  }
  Options store_options = options.store;
  if (store_options.clock == nullptr) store_options.clock = options.clock;
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::Open(dir, store_options);
  if (!store.ok()) return store.status();
  Store* raw = store->get();
  std::unique_ptr<StateManager> state(
      new StateManager(*std::move(store), raw, options));
  if (absl::Status s = state->StartUp(); !s.ok()) return s;
  return state;
}

absl::StatusOr<std::unique_ptr<StateManager>> StateManager::ForStore(
    Store* store, const StateOptions& options) {
  if (store == nullptr) {
    return absl::InvalidArgumentError("store: must not be null");
  }
  if (absl::Status status = CheckOptions(options); !status.ok()) {
    return status;
  }
  std::unique_ptr<StateManager> state(
      new StateManager(nullptr, store, options));
  if (absl::Status s = state->StartUp(); !s.ok()) return s;
  return state;
}

StateManager::StateManager(std::unique_ptr<Store> owned, Store* store,
                           const StateOptions& options)
    : owned_store_(std::move(owned)),
      store_(store),
      options_(options),
      clock_(options.clock != nullptr         ? options.clock
             : options.store.clock != nullptr ? options.store.clock
                                              : SystemClock()),
      file_system_(options.store.file_system != nullptr
                       ? options.store.file_system
                       : DefaultFileSystem()) {}

StateManager::~StateManager() = default;

const std::vector<Migration>& StateManager::Migrations() const {
  return options_.migrations != nullptr ? *options_.migrations
                                        : BuiltInMigrations();
}

absl::Status StateManager::StartUp() {
  if (options_.read_only) return absl::OkStatus();
  absl::StatusOr<int64_t> layout =
      MigrateStore(*store_, Migrations(), *clock_, options_.store.lock_timeout);
  // A store this process may not write: opened as by a reader.
  if (absl::IsPermissionDenied(layout.status())) return absl::OkStatus();
  if (!layout.ok()) return layout.status();
  if (!options_.auto_cleanup) return absl::OkStatus();
  absl::StatusOr<std::optional<CleanupReport>> cleaned =
      CleanUpIfDue(*this, options_.cleanup_interval);
  if (absl::IsPermissionDenied(cleaned.status())) return absl::OkStatus();
  return cleaned.status();
}

absl::Status StateManager::CheckWritable() {
  absl::StatusOr<int64_t> layout = StoreLayout(*store_);
  if (!layout.ok()) return layout.status();
  return CheckWritableLayout(*layout, TargetLayout(Migrations()));
}

absl::StatusOr<std::string> StateManager::NormalizePath(std::string_view path) {
  return state::NormalizePath(*file_system_, "path", path);
}

}  // namespace dotlog
