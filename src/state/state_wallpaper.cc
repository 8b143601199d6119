// StateManager: the wallpaper cache.
#include <utility>

#include "absl/strings/str_cat.h"
#include "dotlog/state/state_manager.h"
#include "state/state_keys.h"
#include "state/wallpaper_check.h"
#include "state/wallpaper_entry.h"
#include "state/wallpaper_file.h"
#include "util/enum_names.h"
#include "util/strings.h"

namespace dotlog {

using state::TimePoint;

namespace {

// Every cache miss with its name.
constexpr EnumNames<CacheMiss, 7> kCacheMissNames = {
    {CacheMiss::kNotCached, "not_cached"},
    {CacheMiss::kExpired, "expired"},
    {CacheMiss::kInvalidated, "invalidated"},
    {CacheMiss::kFileChanged, "file_changed"},
    {CacheMiss::kFileMissing, "file_missing"},
    {CacheMiss::kEffectsDirMissing, "effects_dir_missing"},
    {CacheMiss::kColorschemeDirMissing, "colorscheme_dir_missing"},
};

}  // namespace

std::string_view CacheMissName(CacheMiss miss) {
  return NameOf(kCacheMissNames, miss);
}

namespace {

// The store keeps an entry for one more TTL after it expires, so that a
// check can say "expired" before the entry is gone.
PutOptions EntryExpiry(const WallpaperEntry& entry,
                       std::chrono::milliseconds ttl) {
  PutOptions options;
  options.expires_at = entry.expires_at + ttl;
  return options;
}

}  // namespace

absl::StatusOr<WallpaperEntry> StateManager::CacheWallpaper(
    std::string_view path, std::string_view metadata_json) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  thread_local simdjson::dom::parser parser;
  absl::StatusOr<state::JsonObject> metadata =
      state::ParseInputObject(parser, "metadata", metadata_json);
  if (!metadata.ok()) return metadata.status();
  WallpaperEntry entry;
  if (absl::Status s = state::ReadMetadata(*file_system_, *metadata, &entry);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> normal = NormalizePath(path);
  if (!normal.ok()) return normal.status();
  entry.path = *std::move(normal);
  absl::StatusOr<FileInfo> info = file_system_->StatFollowingLinks(entry.path);
  if (!info.ok()) return info.status();
  if (info->type == FileInfo::Type::kDirectory) {
    return absl::InvalidArgumentError(
        state::Cat("path ", entry.path, ": is a directory, not a file"));
  }
  absl::StatusOr<uint64_t> hash = state::HashFile(*file_system_, entry.path);
  if (!hash.ok()) return hash.status();
  const TimePoint now = state::ToMillis(clock_->Now());
  entry.cached_at = now;
  entry.last_validated = now;
  entry.expires_at = now + options_.cache_ttl;
  entry.size = info->size;
  entry.mtime_ns = info->mtime_ns;
  entry.wallpaper_hash = *hash;
  entry.json = state::EncodeEntry(entry, *metadata);
  absl::Status status =
      store_->Put(state::WallpaperCacheKey(entry.path), entry.json,
                  EntryExpiry(entry, options_.cache_ttl));
  if (!status.ok()) return status;
  return entry;
}

absl::StatusOr<bool> StateManager::IsWallpaperCached(std::string_view path) {
  absl::StatusOr<CacheCheck> check = CheckWallpaper(path);
  if (!check.ok()) return check.status();
  return check->cached();
}

absl::StatusOr<CacheCheck> StateManager::CheckWallpaper(std::string_view path) {
  // Entries are keyed by the resolved path, so a path that names an entry
  // as it is spelled needs no resolving: only a name that finds nothing is
  // resolved (symlinks followed) and looked up again. This keeps the
  // common check, a cached wallpaper by its usual name, to one lookup and
  // the stats of Evaluate.
  absl::StatusOr<std::string> lexical = state::LexicalPath("path", path);
  if (!lexical.ok()) return lexical.status();
  std::string key = state::WallpaperCacheKey(*lexical);
  CacheCheck check;
  absl::StatusOr<Item> item = store_->Lookup(key);
  if (absl::IsNotFound(item.status())) {
    absl::StatusOr<std::string> real = file_system_->RealPath(*lexical);
    if (real.ok() && *real != *lexical) {
      key = state::WallpaperCacheKey(*real);
      item = store_->Lookup(key);
    }
  }
  if (absl::IsNotFound(item.status())) {
    check.miss = CacheMiss::kNotCached;
    return check;
  }
  if (!item.ok()) return item.status();
  absl::StatusOr<WallpaperEntry> entry = state::DecodeEntry(key, item->value);
  if (!entry.ok()) return entry.status();
  absl::StatusOr<state::Evaluation> found =
      state::Evaluate(*file_system_, *entry, clock_->Now());
  if (!found.ok()) return found.status();
  check.miss = found->miss;
  const bool invalidate = found->miss == CacheMiss::kFileChanged ||
                          found->miss == CacheMiss::kFileMissing;
  // A reader of a newer layout checks without writing.
  if ((found->refresh || invalidate) && CheckWritable().ok()) {
    if (invalidate) {
      entry->valid = false;
      entry->invalid_reason = std::string(CacheMissName(*found->miss));
    } else {
      entry->size = found->info.size;
      entry->mtime_ns = found->info.mtime_ns;
      entry->last_validated = state::ToMillis(clock_->Now());
    }
    absl::StatusOr<std::string> json = state::ReencodeEntry(key, &*entry);
    if (!json.ok()) return json.status();
    // Only over the entry that was checked: if another process re-cached
    // the wallpaper meanwhile, its newer entry stands (Aborted is fine).
    absl::Status status = store_->CompareAndSet(
        key, item->seq, *json, EntryExpiry(*entry, options_.cache_ttl));
    if (!status.ok() && !absl::IsAborted(status)) return status;
  }
  check.entry = *std::move(entry);
  return check;
}

absl::Status StateManager::InvalidateWallpaper(std::string_view path) {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  absl::StatusOr<std::string> normal = NormalizePath(path);
  if (!normal.ok()) return normal.status();
  const std::string key = state::WallpaperCacheKey(*normal);
  // Read, mark, and write back only over what was read; another process's
  // write in between makes the loop read again.
  for (;;) {
    absl::StatusOr<Item> item = store_->Lookup(key);
    if (absl::IsNotFound(item.status())) {
      return absl::NotFoundError(
          state::Cat("wallpaper ", *normal, ": not in the cache"));
    }
    if (!item.ok()) return item.status();
    absl::StatusOr<WallpaperEntry> entry = state::DecodeEntry(key, item->value);
    if (!entry.ok()) return entry.status();
    entry->valid = false;
    entry->invalid_reason = std::string(CacheMissName(CacheMiss::kInvalidated));
    absl::StatusOr<std::string> json = state::ReencodeEntry(key, &*entry);
    if (!json.ok()) return json.status();
    absl::Status status = store_->CompareAndSet(
        key, item->seq, *json, EntryExpiry(*entry, options_.cache_ttl));
    if (!absl::IsAborted(status)) return status;
  }
}

absl::StatusOr<size_t> StateManager::InvalidateAllWallpapers() {
  if (absl::Status w = CheckWritable(); !w.ok()) return w;
  absl::StatusOr<std::vector<Item>> items =
      store_->List(state::kWallpaperCachePrefix);
  if (!items.ok()) return items.status();
  WriteBatch batch;
  size_t count = 0;
  for (const Item& item : *items) {
    absl::StatusOr<WallpaperEntry> entry =
        state::DecodeEntry(item.key, item.value);
    if (!entry.ok()) return entry.status();
    if (!entry->valid) continue;
    entry->valid = false;
    entry->invalid_reason = std::string(CacheMissName(CacheMiss::kInvalidated));
    absl::StatusOr<std::string> json = state::ReencodeEntry(item.key, &*entry);
    if (!json.ok()) return json.status();
    batch.Put(item.key, *json, EntryExpiry(*entry, options_.cache_ttl));
    ++count;
  }
  if (batch.empty()) return count;
  absl::Status status = store_->Write(batch);
  if (!status.ok()) return status;
  return count;
}

absl::StatusOr<std::vector<CacheCheck>> StateManager::ListWallpapers() {
  std::vector<CacheCheck> checks;
  absl::Status s = ForEachWallpaper([&](const CacheCheck& check) {
    checks.push_back(check);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return checks;
}

absl::Status StateManager::ForEachWallpaper(
    absl::FunctionRef<absl::Status(const CacheCheck&)> fn) {
  const TimePoint now = clock_->Now();
  // One entry at a time: the stored JSON of all of them is never held.
  return store_->ForEach(
      state::kWallpaperCachePrefix, [&](const Item& item) -> absl::Status {
        absl::StatusOr<WallpaperEntry> entry =
            state::DecodeEntry(item.key, item.value);
        if (!entry.ok()) return entry.status();
        absl::StatusOr<state::Evaluation> found =
            state::Evaluate(*file_system_, *entry, now);
        if (!found.ok()) return found.status();
        CacheCheck check;
        check.miss = found->miss;
        check.entry = *std::move(entry);
        return fn(check);
      });
}

}  // namespace dotlog
