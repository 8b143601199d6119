// The keys the state layer writes (README, "State layout"). Every one
// starts with kStatePrefix.
#ifndef DOTLOG_STATE_STATE_KEYS_H_
#define DOTLOG_STATE_STATE_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "state/state_json.h"

namespace dotlog::state {

inline constexpr std::string_view kStatePrefix = "state/";

// Followed by the normalised path without its leading '/'.
inline constexpr std::string_view kWallpaperCachePrefix =
    "state/wallpaper/cache/";
inline constexpr std::string_view kFavouritePrefix =
    "state/wallpaper/favourite/";
// The wallpaper of each monitor and the recently used list, in one value
// so that both change in one atomic update.
inline constexpr std::string_view kCurrentWallpapersKey =
    "state/wallpaper/current";

inline constexpr std::string_view kColorSchemeKey = "state/colorscheme";
inline constexpr std::string_view kBackupKey = "state/backup";
inline constexpr std::string_view kHealthPrefix = "state/health/";
inline constexpr std::string_view kComponentPrefix = "state/component/";

// Events: the prefix and the id as 20 decimal digits, so keys sort as ids.
inline constexpr std::string_view kEventPrefix = "state/event/";
// The last event id handed out.
inline constexpr std::string_view kEventCounterKey = "state/event-counter";

inline constexpr std::string_view kUserPrefix = "state/user/";

// The layout the state is at (absent: 1), and the lease of the process
// migrating it (migration.h).
inline constexpr std::string_view kLayoutKey = "state/layout";
inline constexpr std::string_view kLayoutLeaseKey = "state/layout-migration";
// When cleanup last ran, and what it removed (cleanup.h).
inline constexpr std::string_view kCleanupKey = "state/cleanup";

// REQUIRES: `path` is normalised (starts with '/').
inline std::string WallpaperCacheKey(std::string_view path) {
  return Cat(kWallpaperCachePrefix, path.substr(1));
}
inline std::string FavouriteKey(std::string_view path) {
  return Cat(kFavouritePrefix, path.substr(1));
}
inline std::string EventKey(uint64_t id) {
  return Cat(kEventPrefix, absl::Dec(id, absl::kZeroPad20));
}

}  // namespace dotlog::state

#endif  // DOTLOG_STATE_STATE_KEYS_H_
