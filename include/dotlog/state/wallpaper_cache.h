// The wallpaper cache: what StateManager records about a processed
// wallpaper, and why a cache check can miss.
#ifndef DOTLOG_STATE_WALLPAPER_CACHE_H_
#define DOTLOG_STATE_WALLPAPER_CACHE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dotlog {

// Why a wallpaper is not cached. Each has a stable snake_case name
// (CacheMissName) used in the stored entries, the tools' output and README.
enum class CacheMiss {
  kNotCached,             // "not_cached": no entry for the path
  kExpired,               // "expired": the entry is older than the cache TTL
  kInvalidated,           // "invalidated": the entry was marked invalid
  kFileChanged,           // "file_changed": the content differs (edited,
                          //   replaced, even by a file of the same size)
  kFileMissing,           // "file_missing": the wallpaper file is gone
  kEffectsDirMissing,     // "effects_dir_missing": effects_dir is gone
  kColorschemeDirMissing  // "colorscheme_dir_missing": colorscheme_dir is
                          //   gone
};

// The stable name of `miss`, e.g. "file_changed".
std::string_view CacheMissName(CacheMiss miss);

// One cached wallpaper, as StateManager returns it. The stored form is a
// JSON object (see README, "State layout"); `json` holds it whole.
struct WallpaperEntry {
  std::string path;  // the normalised path (see StateManager::NormalizePath)

  // The metadata the caller gave; empty or 0 where it gave none.
  std::string effects_dir;      // normalised, like `path`
  std::string colorscheme_dir;  // normalised, like `path`
  std::string backend;
  int64_t effect_count = 0;
  std::vector<std::string> colorscheme_formats;

  // Filled by dotlog.
  std::chrono::system_clock::time_point cached_at;
  // The last time the file's content was found to match (by caching it or
  // by hashing it again after its size or mtime changed).
  std::chrono::system_clock::time_point last_validated;
  std::chrono::system_clock::time_point expires_at;  // cached_at + TTL
  bool valid = true;
  // Why the entry was marked invalid (a CacheMissName); empty while valid.
  std::string invalid_reason;

  // The file's fingerprint when last validated.
  uint64_t size = 0;
  int64_t mtime_ns = 0;         // modification time, ns since the epoch
  uint64_t wallpaper_hash = 0;  // XXH3-64 (seed 0) of the whole content

  // The entry as stored: a minified JSON object holding the fields above
  // and every other field of the caller's metadata.
  std::string json;
};

// The outcome of a cache check, or one row of a listing.
struct CacheCheck {
  // Empty if the wallpaper is cached; otherwise why not.
  std::optional<CacheMiss> miss;
  // The entry as it stands after the check; empty when there is none
  // (miss kNotCached).
  std::optional<WallpaperEntry> entry;

  bool cached() const { return !miss.has_value(); }
};

}  // namespace dotlog

#endif  // DOTLOG_STATE_WALLPAPER_CACHE_H_
