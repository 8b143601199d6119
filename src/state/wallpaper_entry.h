// The stored form of a wallpaper cache entry (README, "State layout").
#ifndef DOTLOG_STATE_WALLPAPER_ENTRY_H_
#define DOTLOG_STATE_WALLPAPER_ENTRY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "dotlog/file_system.h"
#include "dotlog/state/wallpaper_cache.h"
#include "state/state_json.h"

namespace dotlog::state {

// Fills the metadata fields of `entry` (effects_dir, colorscheme_dir,
// backend, effect_count, colorscheme_formats) from the caller's `metadata`
// object, normalising the two directories through `fs`. InvalidArgument
// naming the field if one has the wrong type or if `metadata` names a
// field that dotlog fills.
absl::Status ReadMetadata(FileSystem& fs, const JsonObject& metadata,
                          WallpaperEntry* entry);

// The stored JSON of `entry`: its fields, then every field of `extra` that
// is not one of them (the caller's own fields), in `extra`'s order.
std::string EncodeEntry(const WallpaperEntry& entry, const JsonObject& extra);

// Decodes the entry stored under `key`; entry.json is set to `json`.
absl::StatusOr<WallpaperEntry> DecodeEntry(std::string_view key,
                                           std::string_view json);

// `entry` rewritten with its fields as they are now (after a change to
// them), keeping the caller's own fields of entry.json; also sets
// entry->json to the result.
absl::StatusOr<std::string> ReencodeEntry(std::string_view key,
                                          WallpaperEntry* entry);

}  // namespace dotlog::state

#endif  // DOTLOG_STATE_WALLPAPER_ENTRY_H_
