// Black-box tests of the shell completion in tools/completions/: each
// shell's script is loaded in a clean shell and asked to complete command
// lines.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "run_process.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::BinPath;
using testing::Cli;
using testing::ProcessResult;
using testing::RunProcess;

enum class Shell { kBash, kZsh, kFish };

// The command line that loads `shell`'s completion script from the source
// tree, reads the words to complete from its arguments and prints the
// candidates for the last one, one per line. zsh has no completion system
// outside a terminal, so its `compadd` (the one call the script makes to
// offer words) is replaced by one that prints those that start with the
// word under the cursor, as zsh's own matching would keep them.
std::vector<std::string> ShellCommand(Shell shell) {
  const std::string dir = BinPath("DOTLOG_SOURCE_ROOT") + "/tools/completions";
  switch (shell) {
    case Shell::kBash:
      return {"bash", "--norc", "--noprofile", "-c",
              "source \"$0\" || exit 9; COMP_WORDS=(\"$@\"); "
              "COMP_CWORD=$(($# - 1)); _dotlog; "
              "printf '%s\\n' \"${COMPREPLY[@]}\"",
              dir + "/dotlog.bash"};
    case Shell::kZsh:
      return {"zsh", "-f", "-c",
              "fpath=(\"$0\" $fpath); autoload -Uz _dotlog || exit 9; "
              "compadd() { local x; for x in \"${@[${@[(i)--]}+1,-1]}\"; do "
              "[[ $x == \"${words[CURRENT]}\"* ]] && print -r -- \"$x\"; "
              "done; return 0; }; "
              "words=(\"$@\"); CURRENT=$#; _dotlog",
              dir};
    case Shell::kFish:
      return {"fish", "-c",
              "source $argv[1]; or exit 9; set -l w $argv[2..-1]; "
              "set -l line (string escape -- $w | string join ' '); "
              "if test -z \"$w[-1]\"; "
              "set line (string escape -- $w[1..-2] | string join ' ')' '; "
              "end; complete -C \"$line\"",
              "--", dir + "/dotlog.fish"};
  }
  return {};
}

// What `shell` completes for `words`, the last being the word under the
// cursor: one candidate per line.
std::string Complete(Shell shell, const std::vector<std::string>& words) {
  std::vector<std::string> argv = ShellCommand(shell);
  argv.insert(argv.end(), words.begin(), words.end());
  const std::string bin_dir =
      std::filesystem::path(BinPath("DOTLOG_BIN")).parent_path();
  testing::TempDir home;
  ProcessResult r = RunProcess(
      argv, "", {{"PATH", bin_dir + ":/usr/bin:/bin"}, {"HOME", home.path()}});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  return r.out;
}

std::string Complete(const std::vector<std::string>& words) {
  return Complete(Shell::kBash, words);
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
  cli.SetEach({{"wallpaper/current/DP-1", "1"},
               {"wallpaper/with space", "2"},
               {"theme", "3"}});
  CHECK(Complete({"dotlog", "--dir", cli.dir(), "get", "wall"}) ==
        "wallpaper/current/DP-1\nwallpaper/with\\ space\n");
  CHECK(Complete({"dotlog", "--dir", cli.dir(), "del", "t"}) == "theme\n");
  // A missing store completes nothing and prints nothing.
  CHECK(Complete({"dotlog", "--dir", cli.Join("none"), "get", ""}) == "\n");
}

TEST_CASE("zsh and fish complete subcommands, options and their values",
          "[cli][completion]") {
  for (Shell shell : {Shell::kZsh, Shell::kFish}) {
    INFO((shell == Shell::kZsh ? "zsh" : "fish"));
    CHECK(Complete(shell, {"dotlog", "ge"}) == "get\n");
    CHECK(Complete(shell, {"dotlog", "--sync", "none", "hi"}) == "history\n");
    CHECK(Complete(shell, {"dotlog", "watch", "--ex"}) == "--exact\n");
    CHECK(Complete(shell, {"dotlog", "watch", "--format", ""}) ==
          "json\nwaybar\n");
    CHECK(Complete(shell, {"dotlog", "--sync", ""}) == "always\nnone\n");
    CHECK(Complete(shell, {"dotlog-dump", "--format", "j"}) ==
          "json\njsonl\n");
  }
}

TEST_CASE("zsh and fish complete the keys of the store on the command line",
          "[cli][completion]") {
  Cli cli;
  cli.Ok({"set", "wallpaper/current/DP-1", "1"});
  cli.Ok({"set", "theme", "3"});
  for (Shell shell : {Shell::kZsh, Shell::kFish}) {
    INFO((shell == Shell::kZsh ? "zsh" : "fish"));
    CHECK(Complete(shell, {"dotlog", "--dir", cli.dir(), "get", "wall"}) ==
          "wallpaper/current/DP-1\n");
    CHECK(Complete(shell, {"dotlog", "--dir", cli.dir(), "del", "t"}) ==
          "theme\n");
  }
}

}  // namespace
}  // namespace dotlog

