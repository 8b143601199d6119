// The dotfiles system's state by name, kept in a dotlog store.
#ifndef DOTLOG_STATE_STATE_MANAGER_H_
#define DOTLOG_STATE_STATE_MANAGER_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/clock.h"
#include "dotlog/file_system.h"
#include "dotlog/state/components.h"
#include "dotlog/state/events.h"
#include "dotlog/state/history.h"
#include "dotlog/state/migration.h"
#include "dotlog/state/state_options.h"
#include "dotlog/state/system_state.h"
#include "dotlog/state/wallpaper_cache.h"
#include "dotlog/store.h"

namespace dotlog {

// Reads and writes the wallpaper cache, the monitors' wallpapers, the colour
// scheme, backups, health, components, favourites, the recently used list,
// the event log and free-form state, each under its own key prefix with a
// documented JSON shape (README, "State layout"). Keys the layer writes all
// start with "state/".
//
// Threads and processes: as Store. Every method may be called from several
// threads, and any number of processes may use the same store at once.
// Operations that belong together are one atomic batch; read-modify-write
// operations (recent list, favourites, components, event ids) go through
// Store::Update, so concurrent callers lose nothing.
//
// Errors: InvalidArgument for bad input, naming the field and why (nothing
// is written); NotFound where a method says so; FailedPrecondition for a
// stored value this version cannot read (a newer layout); otherwise the
// store's or the file system's error.
//
// Names (monitor, component, event type, state key) must be non-empty UTF-8
// without control characters. Paths are normalised by NormalizePath.
class StateManager {
 public:
  // Opens (creating if needed, as Store::Open) the store in `dir` and a
  // manager over it, which owns the store. Unless `options.read_only`, the
  // opening then brings the state to the layout `options.migrations` lead
  // to (MigrateStore), and cleans up if due (CleanUpIfDue, when
  // `options.auto_cleanup`); a store this process may not write is opened
  // as by a reader. FailedPrecondition, naming both versions, for a store
  // whose layout is newer than the code knows, unless `read_only`.
  static absl::StatusOr<std::unique_ptr<StateManager>> Open(
      const std::string& dir, const StateOptions& options = {});
  // A manager over `store`, which is not owned and must outlive it.
  // `options.store` is unused except for its file_system, clock and
  // lock_timeout. Migrates and cleans up as Open does.
  static absl::StatusOr<std::unique_ptr<StateManager>> ForStore(
      Store* store, const StateOptions& options = {});

  StateManager(const StateManager&) = delete;
  StateManager& operator=(const StateManager&) = delete;
  ~StateManager();

  // The store underneath. Owned by the manager when it was Open()ed.
  Store& store() { return *store_; }
  const StateOptions& options() const { return options_; }
  // OK if the state's layout (StoreLayout) is one this code may write;
  // FailedPrecondition naming both layouts otherwise. Every method that
  // writes checks this first.
  absl::Status CheckWritable();
  // The clock and file system the state layer uses (see StateOptions).
  Clock& clock() { return *clock_; }
  FileSystem& file_system() { return *file_system_; }

  // The canonical form of `path`: a leading "~" or "~/" is replaced by
  // $HOME, "~name" or "~name/" by user name's home directory, a relative path is made absolute against the working directory,
  // "." and ".." and repeated '/' are removed, and, when the file exists,
  // symlinks are resolved. InvalidArgument if `path` is empty, or is not
  // valid UTF-8, or cannot be made absolute ($HOME unset for "~", no user
  // `name` for "~name", working directory unknown).
  absl::StatusOr<std::string> NormalizePath(std::string_view path);

  // ---- Wallpaper cache (see wallpaper_cache.h) ----

  // Records the wallpaper at `path` as processed. `metadata_json` is a JSON
  // object; its fields effects_dir and colorscheme_dir (strings, normalised
  // as paths), backend (string), effect_count (non-negative integer) and
  // colorscheme_formats (array of strings) are checked, every other field is
  // kept as given. dotlog fills cached_at, last_validated, expires_at, valid
  // and the file's fingerprint; metadata naming one of those fields is
  // InvalidArgument. Replaces any entry for the same path. NotFound if the
  // file does not exist.
  absl::StatusOr<WallpaperEntry> CacheWallpaper(
      std::string_view path, std::string_view metadata_json = "{}");

  // True if `path` has a valid, unexpired entry whose file still matches
  // and whose effects_dir and colorscheme_dir (when set) still exist. Same
  // as CheckWallpaper(path)->cached(), with the same writes.
  absl::StatusOr<bool> IsWallpaperCached(std::string_view path);

  // Checks `path` against its entry and says why it missed, if it did. The
  // file matches when its size and mtime are the ones recorded or, when
  // either changed, its content hash is: the entry's fingerprint and
  // last_validated are then refreshed (one write). A changed or missing
  // file marks the entry invalid (one write), so later checks say
  // kInvalidated. A hit with an unchanged file writes nothing.
  // The entry is found under `path` made absolute (no symlink resolved)
  // when one is there, else under its NormalizePath form: a path whose
  // directories have since become symlinks is checked against the entry
  // named as it is spelled, by the file it now leads to.
  absl::StatusOr<CacheCheck> CheckWallpaper(std::string_view path);

  // Marks the entry of `path` invalid (reason "invalidated"). NotFound if
  // there is no entry.
  absl::Status InvalidateWallpaper(std::string_view path);
  // Marks every entry invalid, in one batch; returns how many were valid.
  absl::StatusOr<size_t> InvalidateAllWallpapers();
  // Every entry (expired ones too, until the store drops them), in path
  // byte order, each with the outcome its check would have now. Writes
  // nothing: a touched file shows as cached without its fingerprint being
  // refreshed.
  absl::StatusOr<std::vector<CacheCheck>> ListWallpapers();
  // Calls `fn` with each row ListWallpapers would return, in the same
  // order, one at a time: memory holds the cache's keys, never every
  // entry. Stops at, and returns, the first error `fn` returns. `fn` must
  // not call this StateManager.
  absl::Status ForEachWallpaper(
      absl::FunctionRef<absl::Status(const CacheCheck&)> fn);

  // ---- Monitors and recently used wallpapers (system_state.h, history.h)

  // Shows `path` on `monitor`: records it as the monitor's wallpaper and
  // puts it first in the recently used list (removing it further down, and
  // cutting the list at StateOptions::recent_limit), in one atomic update.
  // The file need not exist.
  absl::StatusOr<MonitorWallpaper> SetMonitorWallpaper(std::string_view monitor,
                                                       std::string_view path);
  // The wallpaper of `monitor`. NotFound if none was set.
  absl::StatusOr<MonitorWallpaper> GetMonitorWallpaper(
      std::string_view monitor);
  // Every monitor's wallpaper, by monitor name in byte order.
  absl::StatusOr<std::vector<MonitorWallpaper>> ListMonitorWallpapers();
  // The recently used wallpapers, newest first.
  absl::StatusOr<std::vector<RecentWallpaper>> RecentWallpapers();

  // ---- Colour scheme, backups, health (system_state.h) ----

  // Makes `name` the active colour scheme; `metadata_json` is a JSON object.
  absl::StatusOr<ColorScheme> SetColorScheme(
      std::string_view name, std::string_view metadata_json = "{}");
  // The active colour scheme. NotFound if none was set.
  absl::StatusOr<ColorScheme> GetColorScheme();

  // Records a successful backup to `location` (non-empty) taken at `at`
  // (now if empty).
  absl::StatusOr<BackupRecord> RecordBackup(
      std::string_view location,
      std::optional<std::chrono::system_clock::time_point> at = std::nullopt);
  // The last recorded backup. NotFound if none was.
  absl::StatusOr<BackupRecord> LastBackup();

  // Records `component`'s health, checked now.
  absl::StatusOr<Health> SetHealth(std::string_view component,
                                   HealthStatus status,
                                   std::string_view message = "");
  // The health of `component`. NotFound if never set.
  absl::StatusOr<Health> GetHealth(std::string_view component);
  // The health of every component, by name in byte order.
  absl::StatusOr<std::vector<Health>> ListHealth();

  // ---- Components (components.h) ----

  // Records `name` as installed at `version` with config overrides
  // `config_json` (a JSON object). installed_at is kept from the first
  // install; updated_at is set now.
  absl::StatusOr<Component> InstallComponent(
      std::string_view name, std::string_view version,
      std::string_view config_json = "{}");
  // Forgets component `name`. NotFound if it is not installed.
  absl::Status RemoveComponent(std::string_view name);
  // Component `name`. NotFound if it is not installed.
  absl::StatusOr<Component> GetComponent(std::string_view name);
  // Every installed component, by name in byte order.
  absl::StatusOr<std::vector<Component>> ListComponents();

  // ---- Favourites (history.h) ----

  // Adds `path` to the favourites (keeping its first added_at if it is one
  // already). The file need not exist.
  absl::StatusOr<Favourite> AddFavourite(std::string_view path);
  // Removes `path` from the favourites. NotFound if it is not one.
  absl::Status RemoveFavourite(std::string_view path);
  // True if `path` is a favourite.
  absl::StatusOr<bool> IsFavourite(std::string_view path);
  // Every favourite, by path in byte order.
  absl::StatusOr<std::vector<Favourite>> ListFavourites();

  // ---- Event log (events.h) ----

  // Appends an event of `event_type` (a name) about `component` (empty, or
  // a name) with `details_json` (a JSON object); dotlog fills its id and
  // time. In the same batch, drops the event that the count limit pushes
  // out; events older than StateOptions::event_max_age expire by themselves.
  absl::StatusOr<Event> AppendEvent(std::string_view event_type,
                                    std::string_view component,
                                    std::string_view details_json = "{}");
  // The events that `query` selects, newest first.
  absl::StatusOr<std::vector<Event>> QueryEvents(const EventQuery& query);

  // ---- Free-form state ----

  // Stores `json_value` (any JSON text) under `key`, in a prefix of its
  // own that no other state shares.
  absl::Status SetState(std::string_view key, std::string_view json_value);
  // The value stored under `key` (minified JSON text). NotFound if none.
  absl::StatusOr<std::string> GetState(std::string_view key);
  // Removes `key`. NotFound if it holds nothing.
  absl::Status DeleteState(std::string_view key);

 private:
  StateManager(std::unique_ptr<Store> owned, Store* store,
               const StateOptions& options);
  // What opening does after construction: migrations, then cleanup.
  absl::Status StartUp();
  const std::vector<Migration>& Migrations() const;

  std::unique_ptr<Store> owned_store_;  // null when over a caller's store
  Store* store_;                        // never null
  StateOptions options_;
  Clock* clock_;             // never null
  FileSystem* file_system_;  // never null
};

}  // namespace dotlog

#endif  // DOTLOG_STATE_STATE_MANAGER_H_
