// Black-box tests of `dotlog wallpaper`: the cache, the monitors, the
// recently used list and favourites, their JSON read back with jq.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "state_cli_harness.h"

namespace dotlog::testing {
namespace {

TEST_CASE("jq is installed for these tests", "[state_cli]") {
  REQUIRE(RunProcess({"jq", "--version"}).exit_code == 0);
}

TEST_CASE("wallpaper check exits 0 when cached and 1 when not, silently",
          "[state_cli]") {
  StateCli cli;
  Cached c = CacheOne(cli, "sea.png");
  CHECK(cli.Ok({"wallpaper", "check", c.path}).empty());
  CheckNo(cli.Run({"wallpaper", "check", cli.File("other.png", "x")}));
}

TEST_CASE("wallpaper check --why prints cached or the reason of each miss",
          "[state_cli]") {
  StateCli cli;
  auto why = [&](const std::string& path) {
    return cli.Run({"wallpaper", "check", "--why", path});
  };
  Cached c = CacheOne(cli, "sea.png");
  CHECK(cli.Ok({"wallpaper", "check", "--why", c.path}) == "cached\n");

  ProcessResult r = why(cli.File("never.png", "x"));
  CHECK(r.exit_code == 1);
  CHECK(r.out == "not_cached\n");

  SECTION("edited file: file_changed, then invalidated") {
    cli.File("sea.png", "other pixels, other size");
    r = why(c.path);
    CHECK(r.exit_code == 1);
    CHECK(r.out == "file_changed\n");
    r = why(c.path);
    CHECK(r.exit_code == 1);
    CHECK(r.out == "invalidated\n");
  }
  SECTION("deleted file") {
    std::filesystem::remove(c.path);
    CHECK(why(c.path).out == "file_missing\n");
  }
  SECTION("effects directory removed") {
    std::filesystem::remove(c.effects);
    CHECK(why(c.path).out == "effects_dir_missing\n");
  }
  SECTION("colour-scheme directory removed") {
    std::filesystem::remove(c.schemes);
    CHECK(why(c.path).out == "colorscheme_dir_missing\n");
  }
}

TEST_CASE("one wallpaper is one entry whichever way its path is written",
          "[state_cli]") {
  StateCli cli;
  Cached c = CacheOne(cli, "sea.png");
  cli.Dir("sub");
  std::filesystem::create_symlink(c.path, cli.Path("link.png"));
  for (const std::string& name :
       {cli.Path("sub/../sea.png"), cli.Path("./sea.png"),
        cli.Path("link.png")}) {
    INFO(name);
    CHECK(cli.Ok({"wallpaper", "check", "--why", name}) == "cached\n");
  }
  CHECK(cli.Ok({"wallpaper", "ls"}).find('\n') ==
        cli.Ok({"wallpaper", "ls"}).size() - 1);
}

TEST_CASE("wallpaper check --json gives path, cached, reason and the entry",
          "[state_cli]") {
  StateCli cli;
  Cached c = CacheOne(cli, "sea.png");
  const std::string hit = cli.Ok({"wallpaper", "check", "--json", c.path});
  CHECK(JqHolds(hit,
                ".path == $p and .cached == true and .reason == null and "
                ".entry.path == $p and .entry.valid == true and "
                ".entry.effects_dir == $e and .entry.colorscheme_dir == $s",
                {"--arg", "p", c.path, "--arg", "e", c.effects, "--arg", "s",
                 c.schemes}));
  const std::string miss =
      cli.Run({"wallpaper", "check", "--json", cli.File("new.png", "x")}).out;
  CHECK(JqHolds(miss,
                ".path == $p and .cached == false and "
                ".reason == \"not_cached\" and .entry == null",
                {"--arg", "p", cli.Path("new.png")}));
}

TEST_CASE(
    "wallpaper cache takes a JSON object and --set flags; dotlog adds "
    "the times, validity and fingerprint",
    "[state_cli]") {
  StateCli cli;
  const std::string path = cli.File("sea.png", "0123456789");
  const std::string entry = cli.Ok(
      {"wallpaper", "cache", "--json", path,
       "{\"backend\":\"swww\",\"theme\":{\"dark\":true},\"effect_count\":1}",
       "--set", "backend=wal", "--set", "effect_count=4", "--set",
       "colorscheme_formats=[\"css\",\"json\"]", "--set", "note=plain text"});
  CHECK(JqHolds(entry,
                ".path == $p and .backend == \"wal\" and .effect_count == 4 "
                "and .colorscheme_formats == [\"css\",\"json\"] and "
                ".note == \"plain text\" and .theme == {\"dark\":true} and "
                ".valid == true and .size == 10 and "
                "(.mtime_ns | type) == \"number\" and "
                "(.wallpaper_hash | type) == \"string\" and "
                "(.cached_at | type) == \"string\" and "
                ".last_validated == .cached_at and "
                "(.expires_at > .cached_at)",
                {"--arg", "p", path}));
  // The stored entry is the one check reports.
  CHECK(Jq(cli.Ok({"wallpaper", "check", "--json", path}), ".entry") ==
        Jq(entry, "."));
}

TEST_CASE("wallpaper cache refuses bad metadata with exit 2, writing nothing",
          "[state_cli]") {
  StateCli cli;
  Cached c = CacheOne(cli, "sea.png");
  const auto before = cli.StoreFiles();
  const std::string path = cli.File("new.png", "x");
  SECTION("metadata that is not an object") {
    CheckFails(cli.Run({"wallpaper", "cache", path, "[1,2]"}), 2);
  }
  SECTION("metadata that is not JSON") {
    CheckFails(cli.Run({"wallpaper", "cache", path, "{nope"}), 2);
  }
  SECTION("--set without '='") {
    CheckFails(cli.Run({"wallpaper", "cache", path, "--set", "backend"}), 2);
  }
  SECTION("a checked field of the wrong type") {
    CheckFails(
        cli.Run({"wallpaper", "cache", path, "--set", "effect_count=-3"}), 2);
  }
  SECTION("a field dotlog fills") {
    CheckFails(cli.Run({"wallpaper", "cache", path, "--set", "valid=false"}),
               2);
  }
  CHECK(cli.StoreFiles() == before);
}

TEST_CASE("wallpaper invalidate marks one entry or all; ls shows each state",
          "[state_cli]") {
  StateCli cli;
  Cached a = CacheOne(cli, "a.png");
  Cached b = CacheOne(cli, "b.png");
  Cached c = CacheOne(cli, "c.png");
  cli.Ok({"wallpaper", "invalidate", b.path});
  CHECK(cli.Run({"wallpaper", "check", "--why", b.path}).out ==
        "invalidated\n");
  CHECK(cli.Ok({"wallpaper", "ls"}) ==
        "cached                  " + a.path + "\n" +
            "invalidated             " + b.path + "\n" +
            "cached                  " + c.path + "\n");
  const std::string json = cli.Ok({"wallpaper", "ls", "--json"});
  CHECK(Jq(json, "[.[] | [.path, .cached, .reason]]") ==
        Jq("[[\"" + a.path + "\",true,null],[\"" + b.path +
               "\",false,\"invalidated\"],[\"" + c.path + "\",true,null]]",
           "."));
  CHECK(JqHolds(json, "all(.[]; .entry.path == .path)"));

  CHECK(cli.Ok({"wallpaper", "invalidate", "--all"}) == "2 invalidated\n");
  CheckNo(cli.Run({"wallpaper", "check", a.path}));
  CHECK(Jq(cli.Ok({"wallpaper", "invalidate", "--all", "--json"}), ".") ==
        "{\"invalidated\":0}\n");
}

TEST_CASE(
    "wallpaper ls --json prints a listing longer than its output chunk as "
    "one JSON array",
    "[state_cli]") {
  StateCli cli;
  // Four entries of about 30 KB each: the listing is printed in more than
  // one piece.
  const std::string note(30000, 'n');
  std::vector<std::string> paths;
  for (const char* name : {"a.png", "b.png", "c.png", "d.png"}) {
    paths.push_back(cli.File(name, std::string("pixels of ") + name));
    cli.Ok({"wallpaper", "cache", paths.back(), "--set", "note=" + note});
  }
  const std::string json = cli.Ok({"wallpaper", "ls", "--json"});
  CHECK(json.size() > 4 * note.size());
  CHECK(Jq(json, "[.[] | .path]") ==
        Jq("[\"" + paths[0] + "\",\"" + paths[1] + "\",\"" + paths[2] +
               "\",\"" + paths[3] + "\"]",
           "."));
  CHECK(JqHolds(json, "all(.[]; .entry.note == $n)", {"--arg", "n", note}));
  CHECK(cli.Ok({"wallpaper", "ls"}) ==
        "cached                  " + paths[0] + "\n" +
            "cached                  " + paths[1] + "\n" +
            "cached                  " + paths[2] + "\n" +
            "cached                  " + paths[3] + "\n");
}

TEST_CASE(
    "wallpaper invalidate: no entry exits 1; PATH and --all are "
    "exclusive",
    "[state_cli]") {
  StateCli cli;
  CacheOne(cli, "a.png");
  ProcessResult r =
      cli.Run({"wallpaper", "invalidate", cli.File("never.png", "x")});
  CHECK(r.exit_code == 1);
  CheckFails(cli.Run({"wallpaper", "invalidate"}), 2);
  CheckFails(cli.Run({"wallpaper", "invalidate", "--all", cli.Path("a.png")}),
             2);
}

TEST_CASE(
    "wallpaper set records each monitor's wallpaper; current and "
    "recent read them back",
    "[state_cli]") {
  StateCli cli;
  const std::string a = cli.Path("a.png"), b = cli.Path("b.png"),
                    c = cli.Path("c.png");
  cli.Ok({"wallpaper", "set", "DP-1", a});
  cli.Ok({"wallpaper", "set", "HDMI-A-1", b});
  CHECK(JqHolds(cli.Ok({"wallpaper", "set", "--json", "DP-1", c}),
                ".monitor == \"DP-1\" and .path == $c and "
                "(.set_at | type) == \"string\"",
                {"--arg", "c", c}));
  CHECK(cli.Ok({"wallpaper", "current", "DP-1"}) == c + "\n");
  CHECK(cli.Ok({"wallpaper", "current"}) ==
        "DP-1\t" + c + "\nHDMI-A-1\t" + b + "\n");
  CHECK(Jq(cli.Ok({"wallpaper", "current", "--json"}),
           "[.[] | [.monitor, .path]]") ==
        Jq("[[\"DP-1\",\"" + c + "\"],[\"HDMI-A-1\",\"" + b + "\"]]", "."));
  CheckNo(cli.Run({"wallpaper", "current", "eDP-2"}));

  CHECK(cli.Ok({"wallpaper", "recent"}) == c + "\n" + b + "\n" + a + "\n");
  cli.Ok({"wallpaper", "set", "eDP-2", a});  // moves to the front, once
  CHECK(cli.Ok({"wallpaper", "recent", "-n", "2"}) == a + "\n" + c + "\n");
  CHECK(JqHolds(cli.Ok({"wallpaper", "recent", "--json"}),
                "[.[].path] == [$a, $c, $b] and "
                "all(.[]; (.used_at | type) == \"string\")",
                {"--arg", "a", a, "--arg", "b", b, "--arg", "c", c}));
}

TEST_CASE("wallpaper fav add, has, rm and ls", "[state_cli]") {
  StateCli cli;
  const std::string a = cli.Path("a.png"), b = cli.Path("b.png");
  CHECK(JqHolds(cli.Ok({"wallpaper", "fav", "add", "--json", b}),
                ".path == $b and (.added_at | type) == \"string\"",
                {"--arg", "b", b}));
  cli.Ok({"wallpaper", "fav", "add", a});
  cli.Ok({"wallpaper", "fav", "has", a});
  CHECK(cli.Ok({"wallpaper", "fav", "ls"}) == a + "\n" + b + "\n");
  CHECK(JqHolds(cli.Ok({"wallpaper", "fav", "ls", "--json"}),
                "[.[].path] == [$a, $b]", {"--arg", "a", a, "--arg", "b", b}));
  cli.Ok({"wallpaper", "fav", "rm", a});
  CheckNo(cli.Run({"wallpaper", "fav", "has", a}));
  CHECK(cli.Run({"wallpaper", "fav", "rm", a}).exit_code == 1);
  CHECK(cli.Ok({"wallpaper", "fav", "ls"}) == b + "\n");
}

}  // namespace
}  // namespace dotlog::testing
