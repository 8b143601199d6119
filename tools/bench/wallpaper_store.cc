#include "wallpaper_store.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "dotlog/state/state_manager.h"
#include "state/state_keys.h"

namespace dotlog::bench {

void CheckOrExit(const absl::Status& s, const std::string& what) {
  if (!s.ok()) {
    std::fprintf(stderr, "bench: %s: %s\n", what.c_str(),
                 s.ToString().c_str());
    std::exit(1);
  }
}

std::string MakeWorkDir(const std::string& bench) {
  const char* tmp = std::getenv("TMPDIR");
  std::string work = absl::StrCat(tmp != nullptr ? tmp : "/var/tmp",
                                  "/dotlog_", bench, ".XXXXXX");
  if (mkdtemp(work.data()) == nullptr) {
    CheckOrExit(absl::InternalError("mkdtemp failed"), work);
  }
  return work;
}

std::vector<Wallpaper> MakeWallpapers(const std::string& dir, int count) {
  std::vector<Wallpaper> walls;
  for (const char* sub : {"walls", "effects", "schemes"}) {
    std::filesystem::create_directories(absl::StrCat(dir, "/", sub));
  }
  for (int i = 0; i < count; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "img%05d", i);
    Wallpaper w{absl::StrCat(dir, "/walls/", name, ".png"),
                absl::StrCat(dir, "/effects/", name),
                absl::StrCat(dir, "/schemes/", name)};
    std::filesystem::create_directory(w.effects_dir);
    std::filesystem::create_directory(w.colorscheme_dir);
    // 1 KiB of content that differs from file to file.
    std::string content(1024, static_cast<char>('a' + i % 26));
    std::snprintf(content.data(), content.size(), "wallpaper %d", i);
    std::FILE* f = std::fopen(w.path.c_str(), "wb");
    if (f == nullptr ||
        std::fwrite(content.data(), 1, content.size(), f) != content.size()) {
      CheckOrExit(absl::InternalError("cannot write"), w.path);
    }
    std::fclose(f);
    walls.push_back(std::move(w));
  }
  return walls;
}

std::vector<std::pair<std::string, std::string>> CacheAll(
    const std::string& store_dir, const std::vector<Wallpaper>& walls) {
  StateOptions options;
  options.store.sync = SyncMode::kNone;
  auto state = StateManager::Open(store_dir, options);
  CheckOrExit(state.status(), "open " + store_dir);
  std::vector<std::pair<std::string, std::string>> entries;
  for (const Wallpaper& w : walls) {
    const std::string metadata =
        absl::StrCat("{\"effects_dir\":\"", w.effects_dir,
                     "\",\"colorscheme_dir\":\"", w.colorscheme_dir,
                     "\",\"backend\":\"wal\",\"effect_count\":6,"
                     "\"colorscheme_formats\":[\"css\",\"json\",\"sh\"]}");
    auto entry = (*state)->CacheWallpaper(w.path, metadata);
    CheckOrExit(entry.status(), "cache " + w.path);
    entries.emplace_back(state::WallpaperCacheKey(entry->path), entry->json);
  }
  CheckOrExit((*state)->store().Compact(), "compact");
  return entries;
}

}  // namespace dotlog::bench
