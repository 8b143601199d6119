// Black-box tests of the dotfiles-state verbs of `dotlog` (wallpaper,
// colorscheme, backup, component, health, event, state), run as the built
// binary from $DOTLOG_BIN, their JSON output read back with jq.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "run_process.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::ProcessResult;
using testing::RunProcess;
using testing::TempDir;

// A store and a few wallpaper files in a fresh directory, and `dotlog`
// run against that store.
class StateCli {
 public:
  StateCli() : store_(tmp_.Join("store")) {}

  // tmp/name
  std::string Path(const std::string& name) const { return tmp_.Join(name); }

  // Writes tmp/name holding `content` and returns its path.
  std::string File(const std::string& name, const std::string& content) const {
    testing::WriteFileBytes(Path(name), content);
    return Path(name);
  }
  // Makes the directory tmp/name and returns its path.
  std::string Dir(const std::string& name) const {
    std::filesystem::create_directories(Path(name));
    return Path(name);
  }

  // dotlog --dir STORE args...
  ProcessResult Run(const std::vector<std::string>& args) const {
    const char* bin = std::getenv("DOTLOG_BIN");
    if (bin == nullptr) FAIL("$DOTLOG_BIN is not set: run through meson test");
    std::vector<std::string> argv = {bin, "--dir", store_};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }
  // Runs and requires exit code 0 and nothing on standard error.
  std::string Ok(const std::vector<std::string>& args) const {
    ProcessResult r = Run(args);
    INFO("args[0]: " << args[0] << "; stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    return r.out;
  }
  // Every file of the store directory with its bytes.
  std::map<std::string, std::string> StoreFiles() const {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(store_)) {
      files[entry.path().filename()] = testing::ReadFileBytes(entry.path());
    }
    return files;
  }

 private:
  TempDir tmp_;
  std::string store_;
};

// jq -c FILTER on `json` with --arg NAME VALUE pairs: its output, which must
// come with exit 0. jq is required, not optional.
std::string Jq(const std::string& json, const std::string& filter,
               const std::vector<std::string>& args = {}) {
  std::vector<std::string> argv = {"jq", "-c"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(filter);
  ProcessResult r = RunProcess(argv, json);
  INFO("jq " << filter << " on " << json << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// True if `filter` (with --arg pairs) holds for `json`.
bool JqHolds(const std::string& json, const std::string& filter,
             const std::vector<std::string>& args = {}) {
  return Jq(json, filter, args) == "true\n";
}

// A failed command: exit code `code`, one error line starting "dotlog: ",
// nothing on standard output.
void CheckFails(const ProcessResult& r, int code) {
  INFO("stdout: " << r.out << "; stderr: " << r.err);
  CHECK(r.exit_code == code);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("dotlog: ", 0) == 0);
  CHECK(r.err.find('\n') == r.err.size() - 1);
}

// A "no" answer: exit 1, nothing printed anywhere.
void CheckNo(const ProcessResult& r) {
  INFO("stdout: " << r.out << "; stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
}

TEST_CASE("jq is installed for these tests", "[state_cli]") {
  REQUIRE(RunProcess({"jq", "--version"}).exit_code == 0);
}

// A cached wallpaper with its effects and colour-scheme directories.
struct Cached {
  std::string path, effects, schemes;
};
Cached CacheOne(const StateCli& cli, const std::string& name) {
  Cached c{cli.File(name, "pixels of " + name), cli.Dir(name + ".effects"),
           cli.Dir(name + ".schemes")};
  cli.Ok({"wallpaper", "cache", c.path, "--set", "effects_dir=" + c.effects,
          "--set", "colorscheme_dir=" + c.schemes});
  return c;
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

TEST_CASE("colorscheme set and get, as text and JSON", "[state_cli]") {
  StateCli cli;
  CheckNo(cli.Run({"colorscheme", "get"}));
  cli.Ok({"colorscheme", "set", "gruvbox", "{\"contrast\":\"hard\"}", "--set",
          "variant=dark"});
  CHECK(cli.Ok({"colorscheme", "get"}) == "gruvbox\n");
  CHECK(JqHolds(cli.Ok({"colorscheme", "get", "--json"}),
                ".name == \"gruvbox\" and .metadata == "
                "{\"contrast\":\"hard\",\"variant\":\"dark\"} and "
                "(.set_at | type) == \"string\""));
}

TEST_CASE("backup set and get", "[state_cli]") {
  StateCli cli;
  CheckNo(cli.Run({"backup", "get"}));
  cli.Ok({"backup", "set", "/mnt/b/1.tar", "--at", "2026-11-30T10:00:00Z"});
  CHECK(cli.Ok({"backup", "get"}) ==
        "2026-11-30T10:00:00.000Z\t/mnt/b/1.tar\n");
  CHECK(JqHolds(cli.Ok({"backup", "get", "--json"}),
                ". == {\"at\":\"2026-11-30T10:00:00.000Z\","
                "\"location\":\"/mnt/b/1.tar\"}"));
  CheckFails(cli.Run({"backup", "set", "/x", "--at", "yesterday"}), 2);
}

TEST_CASE("component add, show, ls and rm", "[state_cli]") {
  StateCli cli;
  const std::string first = cli.Ok({"component", "add", "--json", "waybar",
                                    "--version", "0.9", "{\"height\":30}"});
  CHECK(JqHolds(first,
                ".name == \"waybar\" and .version == \"0.9\" and "
                ".config == {\"height\":30} and "
                ".installed_at == .updated_at"));
  cli.Ok({"component", "add", "waybar", "--version", "0.10", "--set",
          "position=top"});
  cli.Ok({"component", "add", "swww"});
  const std::string shown = cli.Ok({"component", "show", "--json", "waybar"});
  CHECK(JqHolds(shown,
                ".version == \"0.10\" and .config == {\"position\":\"top\"} "
                "and .installed_at == $first",
                {"--arg", "first", Jq(first, ".installed_at").substr(1, 24)}));
  CHECK(cli.Ok({"component", "show", "waybar"})
            .starts_with("name: waybar\nversion: 0.10\ninstalled_at: "));
  CHECK(cli.Ok({"component", "ls"}) == "swww\t\nwaybar\t0.10\n");
  CHECK(Jq(cli.Ok({"component", "ls", "--json"}), "[.[].name]") ==
        "[\"swww\",\"waybar\"]\n");
  cli.Ok({"component", "rm", "swww"});
  CHECK(cli.Run({"component", "rm", "swww"}).exit_code == 1);
  CHECK(cli.Run({"component", "show", "swww"}).exit_code == 1);
  CHECK(cli.Ok({"component", "ls"}) == "waybar\t0.10\n");
}

TEST_CASE("health ls exits 0 only while every component is ok", "[state_cli]") {
  StateCli cli;
  CHECK(cli.Ok({"health", "ls"}).empty());
  cli.Ok({"health", "set", "swww", "ok"});
  cli.Ok({"health", "set", "waybar", "ok", "all fine"});
  CHECK(cli.Ok({"health", "ls"}) ==
        "swww             ok\nwaybar           ok       all fine\n");
  cli.Ok({"health", "set", "swww", "degraded", "daemon slow"});
  ProcessResult r = cli.Run({"health", "ls", "--json"});
  CHECK(r.exit_code == 1);
  CHECK(JqHolds(r.out,
                "[.[] | [.component, .status, .message]] == "
                "[[\"swww\",\"degraded\",\"daemon slow\"],"
                "[\"waybar\",\"ok\",\"all fine\"]] and "
                "all(.[]; (.checked_at | type) == \"string\")"));
  cli.Ok({"health", "set", "swww", "failed"});
  CHECK(cli.Run({"health", "ls"}).exit_code == 1);
  cli.Ok({"health", "set", "swww", "ok"});
  CHECK(cli.Run({"health", "ls"}).exit_code == 0);
}

TEST_CASE("event log appends; ls lists newest first, tail oldest first",
          "[state_cli]") {
  StateCli cli;
  const std::string first =
      cli.Ok({"event", "log", "--json", "command", "{\"argv\":[\"x\"]}"});
  CHECK(JqHolds(first,
                ".id == 1 and .event_type == \"command\" and "
                ".component == \"\" and .details == {\"argv\":[\"x\"]} and "
                "(.time | type) == \"string\""));
  cli.Ok({"event", "log", "error", "--component", "swww", "--set",
          "message=no display"});
  cli.Ok({"event", "log", "command", "--component", "waybar"});

  const std::string all = cli.Ok({"event", "ls", "--json"});
  CHECK(Jq(all, "[.[] | [.id, .event_type, .component]]") ==
        "[[3,\"command\",\"waybar\"],[2,\"error\",\"swww\"],"
        "[1,\"command\",\"\"]]\n");
  CHECK(JqHolds(all, ".[1].details == {\"message\":\"no display\"}"));
  CHECK(Jq(cli.Ok({"event", "ls", "--json", "--type", "command"}),
           "[.[].id]") == "[3,1]\n");
  CHECK(Jq(cli.Ok({"event", "ls", "--json", "--component", "swww"}),
           "[.[].id]") == "[2]\n");
  CHECK(Jq(cli.Ok({"event", "ls", "--json", "-n", "1"}), "[.[].id]") ==
        "[3]\n");
  CHECK(Jq(cli.Ok({"event", "ls", "--json", "--since", "1h"}), "length") ==
        "3\n");
  CHECK(Jq(cli.Ok({"event", "ls", "--json", "--until", "1h"}), "length") ==
        "0\n");
  CHECK(Jq(cli.Ok({"event", "tail", "--json", "-n", "2"}), "[.[].id]") ==
        "[2,3]\n");

  const std::string text = cli.Ok({"event", "tail"});
  CHECK(text.find(" 1 command - {\"argv\":[\"x\"]}\n") != std::string::npos);
  CHECK(text.find(" 2 error swww {\"message\":\"no display\"}\n") >
        text.find(" 1 command"));
}

TEST_CASE(
    "state set, get and del keep free-form values apart from keys of "
    "the same name",
    "[state_cli]") {
  StateCli cli;
  CheckNo(cli.Run({"state", "get", "bar/mode"}));
  cli.Ok({"set", "bar/mode", "\"plain key\""});
  cli.Ok({"state", "set", "bar/mode", "\"dark\""});
  CHECK(cli.Ok({"state", "get", "bar/mode"}) == "\"dark\"\n");
  CHECK(cli.Ok({"state", "get", "--raw", "bar/mode"}) == "dark\n");
  CHECK(cli.Ok({"get", "bar/mode"}) == "\"plain key\"\n");
  cli.Ok({"state", "del", "bar/mode"});
  CheckNo(cli.Run({"state", "get", "bar/mode"}));
  CHECK(cli.Run({"state", "del", "bar/mode"}).exit_code == 1);
}

TEST_CASE(
    "bad input to any verb exits 2 with one error line and changes "
    "no byte",
    "[state_cli]") {
  StateCli cli;
  CacheOne(cli, "a.png");
  cli.Ok({"wallpaper", "set", "DP-1", cli.Path("a.png")});
  cli.Ok({"event", "log", "command"});
  const auto before = cli.StoreFiles();
  const std::vector<std::vector<std::string>> bad = {
      {"wallpaper", "set", "", "/a.png"},
      {"wallpaper", "set", "DP\x01", "/a.png"},
      {"wallpaper", "check", ""},
      {"wallpaper", "recent", "-n", "-1"},
      {"wallpaper", "frobnicate"},
      {"wallpaper"},
      {"colorscheme", "set", "x", "\"not an object\""},
      {"component", "add", "", "--version", "1"},
      {"component", "add", "waybar", "[]"},
      {"health", "set", "swww", "sick"},
      {"health", "set", "", "ok"},
      {"event", "log", ""},
      {"event", "log", "error", "{\"a\":"},
      {"event", "ls", "-n", "-2"},
      {"event", "ls", "--since", "last week"},
      {"state", "set", "k", "{not json"},
      {"state", "set", "", "1"},
  };
  for (const auto& args : bad) {
    std::string line;
    for (const std::string& arg : args) line += arg + " ";
    INFO(line);
    CheckFails(cli.Run(args), 2);
  }
  CHECK(cli.StoreFiles() == before);
}

TEST_CASE("every verb's --help exits 0 and shows an example", "[state_cli]") {
  StateCli cli;
  const std::vector<std::vector<std::string>> verbs = {
      {"wallpaper", "check"},
      {"wallpaper", "cache"},
      {"wallpaper", "invalidate"},
      {"wallpaper", "ls"},
      {"wallpaper", "set"},
      {"wallpaper", "current"},
      {"wallpaper", "recent"},
      {"wallpaper", "fav", "add"},
      {"wallpaper", "fav", "rm"},
      {"wallpaper", "fav", "has"},
      {"wallpaper", "fav", "ls"},
      {"colorscheme", "set"},
      {"colorscheme", "get"},
      {"backup", "set"},
      {"backup", "get"},
      {"component", "add"},
      {"component", "rm"},
      {"component", "show"},
      {"component", "ls"},
      {"health", "set"},
      {"health", "ls"},
      {"event", "log"},
      {"event", "ls"},
      {"event", "tail"},
      {"state", "set"},
      {"state", "get"},
      {"state", "del"},
  };
  for (std::vector<std::string> args : verbs) {
    INFO(args[0] << " " << args[1]);
    args.push_back("--help");
    ProcessResult r = cli.Run(args);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Example:\n  dotlog " + args[0]) != std::string::npos);
  }
  for (const char* group : {"wallpaper", "colorscheme", "backup", "component",
                            "health", "event", "state"}) {
    INFO(group);
    ProcessResult r = cli.Run({group, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Exit codes") != std::string::npos);
  }
  CHECK(cli.Ok({"--help"}).find("wallpaper") != std::string::npos);
}

}  // namespace
}  // namespace dotlog
