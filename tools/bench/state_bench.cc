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
#include "wallpaper_store.h"

namespace dotlog::bench {
namespace {

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
  CheckOrExit(state.status(), "open " + store_dir);
  std::vector<Entry> keys;
  for (size_t i = 0; i < walls.size(); ++i)
    keys.push_back({absl::StrCat(i), ""});
  std::vector<uint32_t> order(walls.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(1));

  // What a check cannot avoid: stat the file and both directories.
  FileSystem* fs = DefaultFileSystem();
  GetFigures floor;
  CheckOrExit(
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
  CheckOrExit(TimeGets(
            keys, order,
            [&](const std::string& key, std::string*) -> absl::Status {
              return fs->RealPath(Named(walls, key).path).status();
            },
            true, &resolve),
        "realpath");
  GetFigures check;
  CheckOrExit(TimeGets(
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
  const std::string work = MakeWorkDir("state_bench");
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
