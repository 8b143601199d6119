#include "state/wallpaper_entry.h"

#include <algorithm>
#include <array>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "state/wallpaper_file.h"
#include "util/strings.h"

namespace dotlog::state {
namespace {

// Fields the caller may give, checked and written by dotlog.
constexpr std::array<std::string_view, 5> kMetadataFields = {
    "effects_dir", "colorscheme_dir", "backend", "effect_count",
    "colorscheme_formats"};
// Fields only dotlog fills.
constexpr std::array<std::string_view, 10> kFilledFields = {
    "layout",     "path",          "cached_at",      "last_validated",
    "expires_at", "valid",         "invalid_reason", "size",
    "mtime_ns",   "wallpaper_hash"};

bool IsOneOf(std::string_view name, const auto& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

absl::Status WrongType(std::string_view field, std::string_view want) {
  return absl::InvalidArgumentError(
      Cat("metadata field ", field, ": must be ", want));
}

absl::StatusOr<std::string> InputDir(FileSystem& fs, const JsonObject& o,
                                     std::string_view field) {
  simdjson::dom::element element;
  if (o[field].get(element) != simdjson::SUCCESS) return std::string();
  std::string_view text;
  if (element.get(text) != simdjson::SUCCESS) {
    return WrongType(field, "a string (a directory path)");
  }
  if (text.empty()) return std::string();
  return NormalizePath(fs, Cat("metadata field ", field), text);
}

}  // namespace

absl::Status ReadMetadata(FileSystem& fs, const JsonObject& metadata,
                          WallpaperEntry* entry) {
  for (auto field : metadata) {
    if (IsOneOf(field.key, kFilledFields)) {
      return absl::InvalidArgumentError(
          Cat("metadata field ", SV(AV(field.key)),
              ": is filled by dotlog and cannot be given"));
    }
  }
  absl::StatusOr<std::string> effects = InputDir(fs, metadata, "effects_dir");
  if (!effects.ok()) return effects.status();
  entry->effects_dir = *std::move(effects);
  absl::StatusOr<std::string> schemes =
      InputDir(fs, metadata, "colorscheme_dir");
  if (!schemes.ok()) return schemes.status();
  entry->colorscheme_dir = *std::move(schemes);

  simdjson::dom::element element;
  if (metadata["backend"].get(element) == simdjson::SUCCESS) {
    std::string_view backend;
    if (element.get(backend) != simdjson::SUCCESS) {
      return WrongType("backend", "a string");
    }
    entry->backend = std::string(backend);
  }
  if (metadata["effect_count"].get(element) == simdjson::SUCCESS) {
    int64_t count = 0;
    if (element.get(count) != simdjson::SUCCESS || count < 0) {
      return WrongType("effect_count", "a non-negative integer");
    }
    entry->effect_count = count;
  }
  if (metadata["colorscheme_formats"].get(element) == simdjson::SUCCESS) {
    simdjson::dom::array formats;
    if (element.get(formats) != simdjson::SUCCESS) {
      return WrongType("colorscheme_formats", "an array of strings");
    }
    for (simdjson::dom::element format : formats) {
      std::string_view text;
      if (format.get(text) != simdjson::SUCCESS) {
        return WrongType("colorscheme_formats", "an array of strings");
      }
      entry->colorscheme_formats.emplace_back(text);
    }
  }
  return absl::OkStatus();
}

std::string EncodeEntry(const WallpaperEntry& entry, const JsonObject& extra) {
  JsonObjectWriter w;
  w.Layout();
  w.String("path", entry.path);
  w.String("effects_dir", entry.effects_dir);
  w.String("colorscheme_dir", entry.colorscheme_dir);
  w.String("backend", entry.backend);
  w.Int("effect_count", entry.effect_count);
  std::string formats = "[";
  for (const std::string& format : entry.colorscheme_formats) {
    if (formats.size() > 1) formats.push_back(',');
    AppendJsonString(&formats, format);
  }
  formats.push_back(']');
  w.Raw("colorscheme_formats", formats);
  w.Time("cached_at", entry.cached_at);
  w.Time("last_validated", entry.last_validated);
  w.Time("expires_at", entry.expires_at);
  w.Bool("valid", entry.valid);
  if (!entry.valid) w.String("invalid_reason", entry.invalid_reason);
  w.Int("size", static_cast<int64_t>(entry.size));
  w.Int("mtime_ns", entry.mtime_ns);
  w.String("wallpaper_hash",
           Cat(absl::Hex(entry.wallpaper_hash, absl::kZeroPad16)));
  for (auto field : extra) {
    const std::string_view name = SV(AV(field.key));
    if (IsOneOf(name, kFilledFields) || IsOneOf(name, kMetadataFields)) {
      continue;
    }
    w.Raw(name, Minified(field.value));
  }
  return w.Finish();
}

absl::StatusOr<WallpaperEntry> DecodeEntry(std::string_view key,
                                           std::string_view json) {
  thread_local simdjson::dom::parser parser;
  absl::StatusOr<JsonObject> o = ParseStored(parser, key, json);
  if (!o.ok()) return o.status();
  WallpaperEntry e;
  e.json = std::string(json);
  absl::Status status;
  // Reads one field into `out`, keeping the first error.
  auto read = [&](auto result, auto* out) {
    if (!result.ok()) {
      if (status.ok()) status = result.status();
      return;
    }
    *out = *std::move(result);
  };
  read(GetString(*o, key, "path"), &e.path);
  read(GetString(*o, key, "effects_dir"), &e.effects_dir);
  read(GetString(*o, key, "colorscheme_dir"), &e.colorscheme_dir);
  read(GetString(*o, key, "backend"), &e.backend);
  read(GetInt(*o, key, "effect_count"), &e.effect_count);
  read(GetTime(*o, key, "cached_at"), &e.cached_at);
  read(GetTime(*o, key, "last_validated"), &e.last_validated);
  read(GetTime(*o, key, "expires_at"), &e.expires_at);
  read(GetBool(*o, key, "valid"), &e.valid);
  if (!e.valid) read(GetString(*o, key, "invalid_reason"), &e.invalid_reason);
  int64_t size = 0;
  read(GetInt(*o, key, "size"), &size);
  e.size = static_cast<uint64_t>(size);
  read(GetInt(*o, key, "mtime_ns"), &e.mtime_ns);
  std::string hash;
  read(GetString(*o, key, "wallpaper_hash"), &hash);
  if (!status.ok()) return status;
  if (hash.size() != 16 || !absl::SimpleHexAtoi(AV(hash), &e.wallpaper_hash)) {
    return absl::FailedPreconditionError(
        Cat("state value ", key,
            ": field \"wallpaper_hash\" is not 16 hex digits"));
  }
  simdjson::dom::array formats;
  if ((*o)["colorscheme_formats"].get(formats) != simdjson::SUCCESS) {
    return absl::FailedPreconditionError(
        Cat("state value ", key,
            ": field \"colorscheme_formats\" is not an array"));
  }
  for (simdjson::dom::element format : formats) {
    std::string_view text;
    if (format.get(text) == simdjson::SUCCESS) {
      e.colorscheme_formats.emplace_back(text);
    }
  }
  return e;
}

absl::StatusOr<std::string> ReencodeEntry(std::string_view key,
                                          WallpaperEntry* entry) {
  thread_local simdjson::dom::parser parser;
  absl::StatusOr<JsonObject> stored = ParseStored(parser, key, entry->json);
  if (!stored.ok()) return stored.status();
  entry->json = EncodeEntry(*entry, *stored);
  return entry->json;
}

}  // namespace dotlog::state
