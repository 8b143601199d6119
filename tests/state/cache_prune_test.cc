// Cleanup with prune_files: only unnamed directories inside the cache roots
// go; a symbolic link is never followed out of a root; nothing else is
// touched. Real files.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "dotlog/state/cleanup.h"
#include "dotlog/state/state_manager.h"
#include "support/state_helpers.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

namespace fs = std::filesystem;
using testing::Value;
using testing::WriteFileBytes;

// Cache roots effects/ and schemes/ in a temporary directory, a wallpaper
// whose entry names effects/sea and schemes/sea, and unnamed directories
// effects/old (with a file and a subdirectory) and schemes/old.
struct Fixture : testing::StateFixture {
  std::string effects = tmp.Join("cache/effects");
  std::string schemes = tmp.Join("cache/schemes");

  Fixture() {
    for (const char* dir : {"cache/effects/sea", "cache/schemes/sea",
                            "cache/effects/old/blur", "cache/schemes/old",
                            "walls"}) {
      fs::create_directories(tmp.Join(dir));
    }
    WriteFileBytes(tmp.Join("cache/effects/old/blur/1.png"), "x");
    WriteFileBytes(tmp.Join("cache/effects/old/notes.txt"), "x");
    WriteFileBytes(tmp.Join("walls/sea.png"), "sea");
    REQUIRE_OK(state
                   ->CacheWallpaper(tmp.Join("walls/sea.png"),
                                    "{\"effects_dir\":\"" + effects +
                                        "/sea\",\"colorscheme_dir\":\"" +
                                        schemes + "/sea\"}")
                   .status());
  }
  CleanupOptions Prune(bool dry_run = false) const {
    CleanupOptions options;
    options.prune_files = true;
    options.dry_run = dry_run;
    options.cache_roots = {effects, schemes};
    return options;
  }
  std::string Real(const std::string& path) {
    return Value(state->NormalizePath(path));
  }
};

TEST_CASE("Pruning deletes the cache directories no entry names") {
  Fixture f;
  const std::vector<std::string> expected = {f.Real(f.effects + "/old"),
                                             f.Real(f.schemes + "/old")};
  const CleanupReport report = Value(CleanUp(*f.state, f.Prune()));
  CHECK(report.pruned_dirs == expected);
  CHECK_FALSE(fs::exists(f.effects + "/old"));
  CHECK_FALSE(fs::exists(f.schemes + "/old"));
  CHECK(fs::is_directory(f.effects + "/sea"));
  CHECK(fs::is_directory(f.schemes + "/sea"));
}

TEST_CASE("A dry run of pruning lists the directories and deletes none") {
  Fixture f;
  const CleanupReport report = Value(CleanUp(*f.state, f.Prune(true)));
  CHECK(report.pruned_dirs.size() == 2);
  CHECK(fs::exists(f.effects + "/old/blur/1.png"));
  CHECK(fs::is_directory(f.schemes + "/old"));
}

TEST_CASE("Without prune_files no directory is deleted") {
  Fixture f;
  CleanupOptions options = f.Prune();
  options.prune_files = false;
  const CleanupReport report = Value(CleanUp(*f.state, options));
  CHECK(report.pruned_dirs.empty());
  CHECK(fs::is_directory(f.effects + "/old"));
}

TEST_CASE("The directories of an entry that the cleanup removes are pruned") {
  Fixture f;
  fs::remove(f.tmp.Join("walls/sea.png"));  // its entry goes
  const CleanupReport report = Value(CleanUp(*f.state, f.Prune()));
  CHECK(report.pruned_dirs.size() == 4);
  CHECK(fs::is_empty(f.effects));
  CHECK(fs::is_empty(f.schemes));
}

TEST_CASE("A symlink planted in a cache root is not followed") {
  Fixture f;
  // Elsewhere: a directory the user cares about, outside the roots.
  fs::create_directories(f.tmp.Join("precious/sub"));
  WriteFileBytes(f.tmp.Join("precious/sub/keep.txt"), "keep");
  fs::create_directory_symlink(f.tmp.Join("precious"), f.effects + "/link");
  // And a link inside an unnamed directory that is pruned.
  fs::create_directory_symlink(f.tmp.Join("precious"),
                               f.effects + "/old/link");

  const CleanupReport report = Value(CleanUp(*f.state, f.Prune()));
  CHECK(report.pruned_dirs.size() == 2);
  CHECK(testing::ReadFileBytes(f.tmp.Join("precious/sub/keep.txt")) == "keep");
  // The link planted in the root is no directory of the cache: it stays.
  CHECK(fs::is_symlink(f.effects + "/link"));
  CHECK_FALSE(fs::exists(f.effects + "/old"));
}

TEST_CASE("Pruning touches nothing outside the roots and files in them") {
  Fixture f;
  WriteFileBytes(f.effects + "/stray.txt", "x");
  fs::create_directories(f.tmp.Join("cache/other/old"));
  const CleanupReport report = Value(CleanUp(*f.state, f.Prune()));
  CHECK(report.pruned_dirs.size() == 2);
  CHECK(fs::exists(f.effects + "/stray.txt"));
  CHECK(fs::is_directory(f.tmp.Join("cache/other/old")));
}

TEST_CASE("A missing cache root is skipped") {
  Fixture f;
  CleanupOptions options = f.Prune();
  options.cache_roots.push_back(f.tmp.Join("no/such/root"));
  const CleanupReport report = Value(CleanUp(*f.state, options));
  CHECK(report.pruned_dirs.size() == 2);
}

}  // namespace
}  // namespace dotlog
