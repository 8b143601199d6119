// A store of cached wallpapers for the state benchmarks: the wallpaper
// files, each with its own effects and colour-scheme directory, and a store
// in which every one is cached.
#ifndef DOTLOG_TOOLS_BENCH_WALLPAPER_STORE_H_
#define DOTLOG_TOOLS_BENCH_WALLPAPER_STORE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace dotlog::bench {

// One wallpaper file and the directories its entry names.
struct Wallpaper {
  std::string path, effects_dir, colorscheme_dir;
};

// Prints "<what>: <status>" and exits with 1 unless `s` is OK.
void CheckOrExit(const absl::Status& s, const std::string& what);

// A fresh directory for a benchmark's files, named after `bench`, under
// $TMPDIR (else /var/tmp); exits with 1 if it cannot be made.
std::string MakeWorkDir(const std::string& bench);

// Creates `count` small wallpaper files, each with its own effects and
// colour-scheme directory, under `dir`.
std::vector<Wallpaper> MakeWallpapers(const std::string& dir, int count);

// Caches every wallpaper in the store at `store_dir` (without syncing each
// write) and compacts. Returns each entry's key and JSON value, by
// wallpaper.
std::vector<std::pair<std::string, std::string>> CacheAll(
    const std::string& store_dir, const std::vector<Wallpaper>& walls);

}  // namespace dotlog::bench

#endif  // DOTLOG_TOOLS_BENCH_WALLPAPER_STORE_H_
