// The state layer's wallpaper cache check on a store of N cached wallpapers
// whose files exist: StateManager::IsWallpaperCached, median and p99, beside
// the file-system calls it cannot avoid (a stat of the file and of its two
// directories) timed the same way in the same run, and the realpath that a
// check of a path spelled otherwise than its entry adds;
// then, as whole processes under hyperfine, `dotlog wallpaper check` beside
// `dotlog get` of the entry's key and the sqlite3 command line reading the
// same entry (state_bench_process.cc). Prints figures; asserts none.
//
// Usage: state_bench [--count N] [--dotlog PATH] [--runs R] [--smoke]
//   --count   cached wallpapers (default 10000)
//   --dotlog  the dotlog binary (default: ../dotlog beside this program)
//   --runs    hyperfine runs per command (default 300)
//   --smoke   200 wallpapers, no processes: shows that it runs
// The files live in a fresh directory under $TMPDIR (else /var/tmp),
// removed at the end.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dotlog/file_system.h"
#include "dotlog/state/state_manager.h"
#include "measure.h"
#include "state/state_keys.h"
#include "state_bench_process.h"

namespace dotlog::bench {
namespace {

void Check(const absl::Status& s, const std::string& what) {
  if (!s.ok()) {
    std::fprintf(stderr, "state_bench: %s: %s\n", what.c_str(),
                 s.ToString().c_str());
    std::exit(1);
  }
}

// One wallpaper file and the directories its entry names.
struct Wallpaper {
  std::string path, effects_dir, colorscheme_dir;
};

// Creates `count` small wallpaper files, each with its own effects and
// colour-scheme directory, under `dir`.
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
      Check(absl::InternalError("cannot write"), w.path);
    }
    std::fclose(f);
    walls.push_back(std::move(w));
  }
  return walls;
}

// Caches every wallpaper (without syncing each write: the figures are of
// reads) and compacts, leaving the index snapshot a long-lived store has.
// Returns each entry's key and JSON value, by wallpaper.
std::vector<std::pair<std::string, std::string>> CacheAll(
    const std::string& store_dir, const std::vector<Wallpaper>& walls) {
  StateOptions options;
  options.store.sync = SyncMode::kNone;
  auto state = StateManager::Open(store_dir, options);
  Check(state.status(), "open " + store_dir);
  std::vector<std::pair<std::string, std::string>> entries;
  for (const Wallpaper& w : walls) {
    const std::string metadata =
        absl::StrCat("{\"effects_dir\":\"", w.effects_dir,
                     "\",\"colorscheme_dir\":\"", w.colorscheme_dir,
                     "\",\"backend\":\"wal\",\"effect_count\":6,"
                     "\"colorscheme_formats\":[\"css\",\"json\",\"sh\"]}");
    auto entry = (*state)->CacheWallpaper(w.path, metadata);
    Check(entry.status(), "cache " + w.path);
    entries.emplace_back(state::WallpaperCacheKey(entry->path), entry->json);
  }
  Check((*state)->store().Compact(), "compact");
  return entries;
}

void PrintRow(const char* label, const GetFigures& f, const GetFigures& base) {
  std::printf("  %-46s median %8.2f us  p99 %8.2f us", label, f.median_ns / 1e3,
              f.p99_ns / 1e3);
  if (&f != &base) {
    std::printf("  x%.2f / x%.2f", f.median_ns / base.median_ns,
                f.p99_ns / base.p99_ns);
  }
  std::printf("\n");
}

// The wallpaper a timed key names: keys are indices into `walls`, so that
// the check and its floor find their wallpaper the same, cheap way.
const Wallpaper& Named(const std::vector<Wallpaper>& walls,
                       const std::string& key) {
  size_t i = 0;
  std::from_chars(key.data(), key.data() + key.size(), i);
  return walls[i];
}

// The in-process figures: the check and its file-system calls, over every
// wallpaper in a shuffled order.
void MeasureChecks(const std::string& store_dir,
                   const std::vector<Wallpaper>& walls) {
  auto state = StateManager::Open(store_dir);
  Check(state.status(), "open " + store_dir);
  std::vector<Entry> keys;
  for (size_t i = 0; i < walls.size(); ++i)
    keys.push_back({absl::StrCat(i), ""});
  std::vector<uint32_t> order(walls.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(1));

  // What a check cannot avoid: stat the file and both directories.
  FileSystem* fs = DefaultFileSystem();
  GetFigures floor;
  Check(
      TimeGets(
          keys, order,
          [&](const std::string& key, std::string*) -> absl::Status {
            const Wallpaper& w = Named(walls, key);
            for (const std::string* p :
                 {&w.path, &w.effects_dir, &w.colorscheme_dir}) {
              auto info = fs->StatFollowingLinks(*p);
              if (!info.ok()) return info.status();
            }
            return absl::OkStatus();
          },
          true, &floor),
      "file-system calls");
  // What a path spelled otherwise (a symlink, "..") adds: resolving it.
  GetFigures resolve;
  Check(TimeGets(
            keys, order,
            [&](const std::string& key, std::string*) -> absl::Status {
              return fs->RealPath(Named(walls, key).path).status();
            },
            true, &resolve),
        "realpath");
  GetFigures check;
  Check(TimeGets(
            keys, order,
            [&](const std::string& key, std::string*) -> absl::Status {
              const Wallpaper& w = Named(walls, key);
              auto cached = (*state)->IsWallpaperCached(w.path);
              if (!cached.ok()) return cached.status();
              if (!*cached) return absl::InternalError("not cached: " + w.path);
              return absl::OkStatus();
            },
            true, &check),
        "check");
  std::printf("In process, %zu cached wallpapers, shuffled order:\n",
              walls.size());
  PrintRow("file-system calls (3 stats)", floor, floor);
  PrintRow("IsWallpaperCached (x its calls)", check, floor);
  PrintRow("realpath, not in a check by the entry's name", resolve, floor);
  std::printf("  the check beyond its file-system calls: %.2f us median\n\n",
              (check.median_ns - floor.median_ns) / 1e3);
}

}  // namespace
}  // namespace dotlog::bench

int main(int argc, char** argv) {
  using namespace dotlog::bench;
  int count = 10000;
  int runs = 300;
  bool smoke = false;
  std::string dotlog =
      std::filesystem::path(argv[0]).parent_path().string() + "/../dotlog";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--smoke") {
      smoke = true;
      count = 200;
    } else if (arg == "--count" && i + 1 < argc) {
      count = std::atoi(argv[++i]);
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (arg == "--dotlog" && i + 1 < argc) {
      dotlog = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: state_bench [--count N] [--dotlog PATH] "
                   "[--runs R] [--smoke]\n");
      return 2;
    }
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string work = absl::StrCat(tmp != nullptr ? tmp : "/var/tmp",
                                  "/dotlog_state_bench.XXXXXX");
  if (mkdtemp(work.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  PrintMachineFacts(work);
  const std::string store_dir = work + "/store";
  const std::vector<Wallpaper> walls = MakeWallpapers(work, count);
  const auto entries = CacheAll(store_dir, walls);
  MeasureChecks(store_dir, walls);
  int status = 0;
  if (!smoke) {
    status = CompareProcesses(dotlog, work, store_dir, entries,
                              entries.size() / 2, runs);
  }
  std::filesystem::remove_all(work);
  return status;
}
