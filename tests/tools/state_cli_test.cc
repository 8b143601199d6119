// Black-box tests of the dotfiles-state verbs of `dotlog` besides
// `wallpaper` (colorscheme, component, health, event, state), of
// bad input to any of them and of their help; JSON read back with jq.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "state_cli_harness.h"

namespace dotlog::testing {
namespace {

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
  for (const char* group : {"wallpaper", "colorscheme", "component",
                            "health", "event", "state"}) {
    INFO(group);
    ProcessResult r = cli.Run({group, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Exit codes") != std::string::npos);
  }
  CHECK(cli.Ok({"--help"}).find("wallpaper") != std::string::npos);
}

}  // namespace
}  // namespace dotlog::testing
