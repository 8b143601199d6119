// Black-box tests of what a newcomer runs and reads first: tools/
// quickstart.sh (run against the already configured build tree, whose
// dependencies are installed, so apt is never called) and the files that
// document the project. $DOTLOG_SOURCE_ROOT and $DOTLOG_BUILD_ROOT come
// from tools/meson.build.
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "run_process.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::BinPath;
using testing::Contains;
using testing::ProcessResult;
using testing::RunProcess;
using testing::TempDir;

// The commands quickstart.sh echoed, without their "$ " prompt.
std::vector<std::string> EchoedCommands(const std::string& out) {
  std::vector<std::string> commands;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("$ ", 0) == 0) commands.push_back(line.substr(2));
  }
  return commands;
}

TEST_CASE("quickstart installs the tools and echoes commands that run as shown",
          "[cli][quickstart]") {
  TempDir home;
  const std::string source = BinPath("DOTLOG_SOURCE_ROOT");
  const std::string bin_dir = home.Join(".local/bin");
  const std::string path = std::string("/usr/bin:/bin");
  testing::EnvChanges env = {
      {"HOME", home.path()},
      {"XDG_DATA_HOME", std::nullopt},
      {"DOTLOG_DIR", std::nullopt},
      {"DOTLOG_BIN_DIR", std::nullopt},
      {"DOTLOG_BUILD_DIR", BinPath("DOTLOG_BUILD_ROOT")},
      {"PATH", path},
  };
  ProcessResult first =
      RunProcess({"bash", source + "/tools/quickstart.sh"}, "", env);
  INFO("stdout: " << first.out << "\nstderr: " << first.err);
  REQUIRE(first.exit_code == 0);
  // It says what it does while it builds, and where the tools went.
  CHECK(Contains(first.out, "quickstart: building dotlog"));
  CHECK(Contains(first.out, "into " + bin_dir));
  CHECK(Contains(first.out, "export PATH=\"" + bin_dir + ":$PATH\""));
  CHECK(std::filesystem::exists(bin_dir + "/dotlog"));
  CHECK(std::filesystem::exists(bin_dir + "/dotlog-dump"));

  // Each echoed command, pasted into a shell, runs: the quoting holds.
  const std::vector<std::string> commands = EchoedCommands(first.out);
  CHECK(commands.size() >= 8);
  for (const std::string& command : commands) {
    INFO(command);
    CHECK(RunProcess({"sh", "-c", command}, "", env).exit_code == 0);
  }

  // With the directory on PATH the commands name the tools bare.
  env.back() = {"PATH", bin_dir + ":" + path};
  ProcessResult again =
      RunProcess({"bash", source + "/tools/quickstart.sh"}, "", env);
  REQUIRE(again.exit_code == 0);
  CHECK(Contains(again.out,
                 "\n$ dotlog get --raw demo/wallpaper/current/DP-1\n"));
  CHECK(RunProcess({"dotlog", "get", "--raw", "demo/wallpaper/current/DP-1"},
                   "", env)
            .out == home.Join("walls/dune.png") + "\n");
}

TEST_CASE("README names every public header and the license file exists",
          "[cli][docs]") {
  const std::string source = BinPath("DOTLOG_SOURCE_ROOT");
  const std::string readme = testing::ReadFileBytes(source + "/README.md");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           source + "/include/dotlog")) {
    if (entry.is_directory()) continue;
    const std::string name = entry.path().filename();
    INFO(name);
    CHECK(Contains(readme, "| `" + name + "` |"));
  }
  CHECK(Contains(readme, "C++20"));
  const std::string license = testing::ReadFileBytes(source + "/LICENSE");
  CHECK(license.rfind("MIT License", 0) == 0);
  CHECK(Contains(license, "the dotlog authors"));
}

}  // namespace
}  // namespace dotlog
