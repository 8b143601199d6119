// `dotlog cleanup` and the automatic cleanup of the writing verbs, through
// the built binary: what it prints, what a dry run leaves alone, pruning
// the cache roots of the settings without following a planted symlink, and
// a store of a newer layout that reads but refuses writes.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "state_cli_harness.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

namespace fs = std::filesystem;

std::string Real(const std::string& path) {
  return fs::canonical(path).string();
}

TEST_CASE("dotlog cleanup lists what a dry run would remove, then removes it") {
  StateCli cli;
  const Cached a = CacheOne(cli, "a.png");
  CacheOne(cli, "b.png");
  fs::remove(a.path);
  const std::string path = Real(cli.Path("")) + "/a.png";

  CHECK(cli.Ok({"cleanup", "--dry-run"}) ==
        "would remove cache entry of missing file " + path +
            "\ncleanup (dry run): 1 entry to remove, 0 directories to "
            "delete\n");
  CHECK(Jq(cli.Ok({"wallpaper", "ls", "--json"}), "length") == "2\n");

  CHECK(cli.Ok({"cleanup"}) ==
        "removed cache entry of missing file " + path +
            "\ncleanup: 1 entry removed, 0 directories deleted\n");
  CHECK(Jq(cli.Ok({"wallpaper", "ls", "--json"}), "length") == "1\n");
  CHECK(cli.Ok({"cleanup"}) ==
        "cleanup: 0 entries removed, 0 directories deleted\n");
}

TEST_CASE("dotlog cleanup --json prints one object with every list") {
  StateCli cli;
  const Cached a = CacheOne(cli, "a.png");
  fs::remove(a.path);
  const std::string out = cli.Ok({"cleanup", "--json"});
  CHECK(JqHolds(out,
                ".dry_run == false and (.missing_wallpapers | length) == 1 "
                "and .expired_wallpapers == [] and .old_events == [] and "
                ".pruned_dirs == [] and (.compacted | type) == \"boolean\" "
                "and (.bytes_before | type) == \"number\""));
}

TEST_CASE("dotlog cleanup --prune-files deletes unnamed cache directories "
          "in the settings' roots and does not follow a planted symlink") {
  StateCli cli;
  const std::string effects = cli.Dir("effects");
  const std::string schemes = cli.Dir("schemes");
  cli.Dir("effects/stale");
  cli.Dir("schemes/stale");
  cli.Dir("elsewhere");
  const std::string keep = cli.File("elsewhere/keep.txt", "keep");
  fs::create_directory_symlink(cli.Path("elsewhere"), effects + "/planted");
  fs::create_directory_symlink(cli.Path("elsewhere"),
                               effects + "/stale/inner");
  const std::string settings = cli.File(
      "settings.toml", "[state_management.cleanup]\neffects_cache_root = \"" +
                           effects + "\"\ncolorscheme_cache_root = \"" +
                           schemes + "\"\n");
  cli.Ok({"--settings", settings, "state", "set", "x", "1"});

  const std::string out =
      cli.Ok({"--settings", settings, "cleanup", "--prune-files"});
  CHECK(out == "deleted directory " + Real(effects) + "/stale\n" +
                   "deleted directory " + Real(schemes) + "/stale\n" +
                   "cleanup: 0 entries removed, 2 directories deleted\n");
  CHECK(!fs::exists(effects + "/stale"));
  CHECK(fs::is_symlink(effects + "/planted"));
  CHECK(ReadFileBytes(keep) == "keep");
}

TEST_CASE("A writing verb runs the automatic cleanup and records it; a "
          "reading verb writes nothing") {
  StateCli cli;
  cli.Ok({"state", "set", "x", "1"});
  const std::string record = cli.Ok({"get", "state/cleanup"});
  CHECK(JqHolds(record, ".layout == 1 and (.last_run | type) == \"string\""));
  const auto files = cli.StoreFiles();
  cli.Ok({"state", "get", "x"});
  cli.Ok({"wallpaper", "ls"});
  CHECK(cli.StoreFiles() == files);
}

TEST_CASE("With auto_cleanup_enabled false, no cleanup runs by itself") {
  StateCli cli;
  const std::string settings = cli.File(
      "settings.toml",
      "[state_management.cleanup]\nauto_cleanup_enabled = false\n");
  cli.Ok({"--settings", settings, "state", "set", "x", "1"});
  CheckNo(cli.Run({"get", "state/cleanup"}));
}

TEST_CASE("dotlog cleanup --if-due runs only when the interval has passed") {
  StateCli cli;
  const std::string settings = cli.File(
      "settings.toml",
      "[state_management.cleanup]\nauto_cleanup_enabled = false\n");
  // No cleanup recorded yet: due.
  CHECK(cli.Ok({"--settings", settings, "cleanup", "--if-due"}) ==
        "cleanup: 0 entries removed, 0 directories deleted\n");
  const std::string record = cli.Ok({"get", "state/cleanup"});
  // Just ran: not due for cleanup_interval_days, and nothing is written.
  const auto files = cli.StoreFiles();
  CHECK(cli.Ok({"--settings", settings, "cleanup", "--if-due"}) ==
        "cleanup: not due (see cleanup.cleanup_interval_days)\n");
  CHECK(cli.Ok({"--settings", settings, "cleanup", "--if-due", "--json"}) ==
        "null\n");
  CHECK(cli.StoreFiles() == files);
  // Without --if-due it runs now whatever the interval.
  CHECK(cli.Ok({"--settings", settings, "cleanup"}) ==
        "cleanup: 0 entries removed, 0 directories deleted\n");
  CHECK(cli.Ok({"get", "state/cleanup"}) != record);
}

TEST_CASE("A store of a newer layout reads, and refuses writes naming both "
          "layouts") {
  StateCli cli;
  cli.Ok({"state", "set", "x", "1"});
  cli.Ok({"set", "state/layout", "{\"layout\":7}"});
  CHECK(cli.Ok({"state", "get", "x"}) == "1\n");
  const ProcessResult r = cli.Run({"state", "set", "x", "2"});
  CheckFails(r, 3);
  CHECK(r.err.find("layout 7") != std::string::npos);
  CHECK(r.err.find("layout 1") != std::string::npos);
  CHECK(cli.Ok({"state", "get", "x"}) == "1\n");
}

}  // namespace
}  // namespace dotlog::testing
