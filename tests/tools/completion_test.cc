// Black-box tests of the shell completion in tools/completions/: the bash
// script is loaded in a clean bash and asked to complete command lines.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "run_process.h"

namespace dotlog {
namespace {

using testing::BinPath;
using testing::Cli;
using testing::ProcessResult;
using testing::RunProcess;

// What bash completes for `words`, the last being the word under the
// cursor: one candidate per line.
std::string Complete(const std::vector<std::string>& words) {
  const std::string script =
      BinPath("DOTLOG_SOURCE_ROOT") + "/tools/completions/dotlog.bash";
  std::vector<std::string> argv = {
      "bash",
      "--norc",
      "--noprofile",
      "-c",
      "source \"$0\" || exit 9; COMP_WORDS=(\"$@\"); "
      "COMP_CWORD=$(($# - 1)); _dotlog; printf '%s\\n' \"${COMPREPLY[@]}\"",
      script};
  argv.insert(argv.end(), words.begin(), words.end());
  const std::string bin_dir =
      std::filesystem::path(BinPath("DOTLOG_BIN")).parent_path();
  ProcessResult r =
      RunProcess(argv, "", {{"PATH", bin_dir + ":/usr/bin:/bin"}});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  return r.out;
}

TEST_CASE("bash completes subcommands, options and their values",
          "[cli][completion]") {
  CHECK(Complete({"dotlog", "ge"}) == "get\n");
  CHECK(Complete({"dotlog", "--sync", "none", "hi"}) == "history\n");
  CHECK(Complete({"dotlog", "watch", "--ex"}) == "--exact\n");
  CHECK(Complete({"dotlog", "watch", "--format", ""}) == "json\nwaybar\n");
  CHECK(Complete({"dotlog", "--sync", ""}) == "always\nnone\n");
  CHECK(Complete({"dotlog-dump", "--for"}) == "--format\n");
  CHECK(Complete({"dotlog-dump", "--format", "j"}) == "json\njsonl\n");
}

TEST_CASE("bash completes the keys of the store named on the command line",
          "[cli][completion]") {
  Cli cli;
  cli.Ok({"set", "wallpaper/current/DP-1", "1"});
  cli.Ok({"set", "wallpaper/with space", "2"});
  cli.Ok({"set", "theme", "3"});
  CHECK(Complete({"dotlog", "--dir", cli.dir(), "get", "wall"}) ==
        "wallpaper/current/DP-1\nwallpaper/with\\ space\n");
  CHECK(Complete({"dotlog", "--dir", cli.dir(), "del", "t"}) == "theme\n");
  // A missing store completes nothing and prints nothing.
  CHECK(Complete({"dotlog", "--dir", cli.Join("none"), "get", ""}) == "\n");
}

}  // namespace
}  // namespace dotlog
