// Black-box tests of the settings as the tools read them: `dotlog config`,
// --settings files in layers, the environment, and bad files.
#include <filesystem>
#include <string>

#include "cli_fixture.h"

namespace dotlog::testing {
namespace {

std::string WriteSettings(const Cli& cli, const std::string& name,
                          const std::string& text) {
  const std::string path = cli.Join(name);
  WriteFileBytes(path, text);
  return path;
}

ProcessResult RunWith(const Cli& cli, const std::vector<std::string>& args,
                      const EnvChanges& env = {}) {
  std::vector<std::string> argv = {BinPath("DOTLOG_BIN"), "--dir", cli.dir()};
  argv.insert(argv.end(), args.begin(), args.end());
  EnvChanges all = {{"DOTFILES_SETTINGS", std::nullopt},
                    {"DOTLOG_SYNC", std::nullopt},
                    {"XDG_CONFIG_HOME", cli.Join("no-config")}};
  all.insert(all.end(), env.begin(), env.end());
  return RunProcess(argv, "", all);
}

TEST_CASE("dotlog config names where each setting came from", "[cli][config]") {
  Cli cli;
  const std::string defaults = WriteSettings(
      cli, "defaults.toml",
      "[state_management]\nrecent_limit = 10\nevent_max_count = 500\n");
  const std::string user = WriteSettings(
      cli, "user.toml", "[state_management]\nrecent_limit = 20\n");
  ProcessResult r = RunWith(
      cli, {"--settings", defaults, "--settings", user, "config"},
      {{"DOTLOG_SYNC", "none"}});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, user + ":2:16\tstate_management.recent_limit=20\n"));
  CHECK(Contains(r.out,
                 defaults + ":3:19\tstate_management.event_max_count=500\n"));
  CHECK(Contains(r.out, "env DOTLOG_SYNC\tstate_management.sync=\"none\"\n"));
  CHECK(Contains(r.out, "command line\tstate_management.state_dir=\"" +
                            cli.dir() + "\"\n"));
  CHECK(Contains(r.out, "default\tstate_management.event_max_age_days=90\n"));

  ProcessResult json = RunWith(
      cli, {"--settings", defaults, "--settings", user, "config", "--json"});
  REQUIRE(json.exit_code == 0);
  ProcessResult jq = RunProcess(
      {"jq", "-c", ".\"state_management.recent_limit\""}, json.out);
  REQUIRE(jq.exit_code == 0);
  CHECK(jq.out == "{\"value\":20,\"origin\":\"" + user + ":2:16\"}\n");
  CHECK_FALSE(std::filesystem::exists(cli.dir()));
}

TEST_CASE("a bad settings file is one error line naming FILE:LINE:COLUMN, "
          "exit 2, and nothing written",
          "[cli][config]") {
  Cli cli;
  const std::string bad = WriteSettings(
      cli, "bad.toml", "[state_management]\nrecent_limit = \"many\"\n");
  ProcessResult r = RunWith(cli, {"--settings", bad, "set", "k", "1"});
  CheckBadInput(r, "dotlog: " + bad +
                       ":2:16: state_management.recent_limit: "
                       "expected an integer from 1 to 100000, got a string");
  CHECK_FALSE(std::filesystem::exists(cli.dir()));

  ProcessResult missing =
      RunWith(cli, {"--settings", cli.Join("none.toml"), "get", "k"});
  CheckBadInput(missing, "dotlog: settings file " + cli.Join("none.toml"));
}

TEST_CASE("an unknown setting is a warning with the closest name, not an "
          "error",
          "[cli][config]") {
  Cli cli;
  const std::string typo = WriteSettings(
      cli, "typo.toml", "[state_management]\nrecent_limt = 3\n");
  ProcessResult r = RunWith(cli, {"--settings", typo, "set", "k", "1"});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "dotlog: warning: " + typo +
                     ":2:15: unknown setting state_management.recent_limt, "
                     "ignored (did you mean state_management.recent_limit?)\n");
}

TEST_CASE("the state verbs follow the settings: recent_limit caps the "
          "recently used list",
          "[cli][config]") {
  Cli cli;
  const std::string two = WriteSettings(
      cli, "two.toml", "[state_management]\nrecent_limit = 2\n");
  for (const char* wall : {"/w/a.png", "/w/b.png", "/w/c.png"}) {
    REQUIRE(RunWith(cli, {"--settings", two, "wallpaper", "set", "DP-1", wall})
                .exit_code == 0);
  }
  ProcessResult recent =
      RunWith(cli, {"--settings", two, "wallpaper", "recent", "--json"});
  REQUIRE(recent.exit_code == 0);
  ProcessResult paths =
      RunProcess({"jq", "-c", "[.[].path]"}, recent.out);
  CHECK(paths.out == "[\"/w/c.png\",\"/w/b.png\"]\n");
}

}  // namespace
}  // namespace dotlog::testing
