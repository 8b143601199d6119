// Black-box tests of the desktop integration README shows: the command
// lines of its waybar module, eww widget and Hyprland exec-once lines are
// read from README.md and run against a real store, with the bars and
// wallpaper tools (hyprctl, swww) replaced by scripts that log their
// arguments.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "run_process.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

std::vector<std::string> ReadmeLines() {
  std::istringstream in(
      ReadFileBytes(BinPath("DOTLOG_SOURCE_ROOT") + "/README.md"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The text between `start` and `end` on the first README line holding
// `start` after line `after` (a line that starts with it, if `after` is "").
std::string ReadmeCommand(const std::string& after, const std::string& start,
                          const std::string& end) {
  const std::vector<std::string> lines = ReadmeLines();
  bool armed = after.empty();
  for (const std::string& line : lines) {
    if (!armed) {
      armed = line.find(after) != std::string::npos;
      continue;
    }
    const size_t at = line.find(start);
    if (at == std::string::npos) continue;
    const size_t from = at + start.size();
    const size_t to = line.rfind(end);
    REQUIRE(to != std::string::npos);
    REQUIRE(to >= from);
    return line.substr(from, to - from);
  }
  FAIL("README.md has no line with " << start);
  return "";
}

// A PATH whose first directory holds `dotlog` and logging stand-ins for the
// desktop's tools; each stand-in appends "NAME ARGS..." to log().
class Desktop {
 public:
  Desktop() {
    std::filesystem::create_directories(bin());
    std::filesystem::create_symlink(BinPath("DOTLOG_BIN"), bin() + "/dotlog");
    for (const char* tool : {"hyprctl", "swww"}) {
      const std::string path = bin() + "/" + tool;
      WriteFileBytes(path, std::string("#!/bin/sh\necho \"") + tool +
                               " $*\" >> \"" + log() + "\"\n");
      std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    }
  }
  std::string bin() const { return tmp_.Join("bin"); }
  std::string log() const { return tmp_.Join("log"); }
  EnvChanges Env(const std::string& store) const {
    return {{"PATH", bin() + ":/usr/bin:/bin"}, {"DOTLOG_DIR", store}};
  }

 private:
  TempDir tmp_;
};

TEST_CASE("README's waybar module and eww widget print a line per change",
          "[cli][desktop]") {
  const std::string waybar = ReadmeCommand("", "  \"exec\": \"", "\"");
  const std::string eww = ReadmeCommand("(deflisten wallpaper", "  \"", "\")");
  CHECK(eww == waybar);
  Cli cli;
  Desktop desktop;
  cli.Ok({"set", "--string", "wallpaper/current/DP-1", "/walls/sea.png"});
  ToolProcess bar({"sh", "-c", "exec " + waybar}, desktop.Env(cli.dir()));
  CheckNextLine(bar,
                "{\"text\":\"sea.png\",\"tooltip\":\"wallpaper/current/"
                "DP-1: /walls/sea.png\\n",
                "Z\",\"class\":\"put\",\"alt\":\"DP-1\"}");
  cli.Ok({"set", "--string", "wallpaper/current/DP-10", "/walls/other.png"});
  cli.Ok({"del", "wallpaper/current/DP-1"});
  CheckNextLine(bar,
                "{\"text\":\"\",\"tooltip\":\"wallpaper/current/DP-1: "
                "deleted\\n",
                "\",\"class\":\"del\",\"alt\":\"DP-1\"}");
  bar.Signal(SIGTERM);
  CHECK(bar.Wait() == 0);
}

TEST_CASE("README's Hyprland lines restore each monitor's wallpaper",
          "[cli][desktop]") {
  Cli cli;
  cli.Ok({"set", "--string", "wallpaper/current/DP-1", "/walls/a b.png"});
  cli.Ok({"set", "--string", "wallpaper/current/HDMI-A-1", "/walls/c.png"});
  cli.Ok({"set", "--string", "wallpaper/other", "/walls/no.png"});
  // Runs the exec-once line that follows the one starting `daemon`; returns
  // what the stand-ins logged.
  const auto restore = [&](const std::string& daemon) {
    Desktop desktop;
    const std::string line =
        ReadmeCommand("exec-once = " + daemon, "exec-once = ", "");
    ProcessResult r =
        RunProcess({"sh", "-c", line}, "", desktop.Env(cli.dir()));
    CHECK(r.exit_code == 0);
    return ReadFileBytes(desktop.log());
  };
  CHECK(restore("hyprpaper") ==
        "hyprctl hyprpaper preload /walls/a b.png\n"
        "hyprctl hyprpaper wallpaper DP-1,/walls/a b.png\n"
        "hyprctl hyprpaper preload /walls/c.png\n"
        "hyprctl hyprpaper wallpaper HDMI-A-1,/walls/c.png\n");
  CHECK(restore("swww-daemon") ==
        "swww img --outputs DP-1 /walls/a b.png\n"
        "swww img --outputs HDMI-A-1 /walls/c.png\n");
}

TEST_CASE("watch --template refuses unknown fields and needs --format waybar",
          "[cli][desktop]") {
  Cli cli;
  cli.Ok({"set", "k", "1"});
  ProcessResult r =
      cli.Run({"watch", "--format", "waybar", "--template", "{nope}", "k"});
  CheckBadInput(r, "dotlog: template \"{nope}\": unknown field");
  r = cli.Run({"watch", "--template", "{value}", "k"});
  CheckBadInput(r, "dotlog: --template needs --format waybar");
}

}  // namespace
}  // namespace dotlog::testing
