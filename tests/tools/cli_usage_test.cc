// Black-box tests of what a person meets first with `dotlog`: reading
// commands that never create a store, messages for mistyped commands and
// arguments, warnings about damage, read-only stores, and the small
// conveniences (expire, --if-absent, cas, ls -l, get --default, --version).
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "run_process.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

TEST_CASE("reading commands on a missing store exit 3 and create nothing",
          "[cli][usage]") {
  Cli cli;
  const std::string typo = cli.Join("typo");
  const std::vector<std::vector<std::string>> reads = {
      {"get", "x"},     {"ls"},
      {"ls", "-l"},     {"ttl", "x"},
      {"history", "x"}, {"stats"},
      {"watch", "x/"},  {"get", "--default", "1", "x"},
  };
  for (const auto& args : reads) {
    INFO(args[0]);
    ProcessResult r = cli.RunIn(typo, args);
    CHECK(r.exit_code == 3);
    CheckOneErrorLine(r, "dotlog: no store at " + typo + " ");
    CHECK_FALSE(std::filesystem::exists(typo));
  }
  // A writing command creates it.
  CHECK(cli.RunIn(typo, {"set", "x", "1"}).exit_code == 0);
  CHECK(cli.RunIn(typo, {"get", "x"}).out == "1\n");
}

TEST_CASE("a mistyped command is named, with the closest one suggested",
          "[cli][usage]") {
  Cli cli;
  ProcessResult r = cli.Run({"gte", "foo"});
  CheckBadInput(r, "dotlog: unknown command \"gte\" (did you mean \"get\"?)");

  // Global options and their values before it are skipped.
  r = cli.Run({"--sync", "none", "lss", "wallpaper/"});
  CheckBadInput(r, "dotlog: unknown command \"lss\" (did you mean \"ls\"?)");

  r = cli.Run({"frobnicate"});
  CheckBadInput(r, "dotlog: unknown command \"frobnicate\"; see dotlog");
  CHECK_FALSE(std::filesystem::exists(cli.dir()));
}

TEST_CASE("each bad duration exits 2 saying what is wrong and leaves expiry",
          "[cli][usage]") {
  Cli cli;
  cli.Ok({"set", "--ttl", "1h", "k", "1"});
  const auto files = cli.Files();
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "empty"},
      {"1.5h", "not a whole number"},
      {"-5s", "negative"},
      {"5", "missing unit"},
      {"10mn", "unknown unit \"mn\""},
      {"h", "missing number"},
  };
  for (const auto& [ttl, why] : bad) {
    INFO("--ttl '" << ttl << "'");
    ProcessResult r = cli.Run({"set", "--ttl", ttl, "k", "2"});
    CheckBadInput(r, "dotlog: duration \"" + ttl + "\": " + why);
    CHECK(Contains(r.err, "90s, 15m, 12h, 30d"));
  }
  CHECK(cli.Files() == files);
  CHECK(cli.Ok({"get", "k"}) == "1\n");
  CHECK(cli.Ok({"ttl", "k"}) != "-1\n");
}

TEST_CASE("a plain string given as VALUE gets the --string hint",
          "[cli][usage]") {
  Cli cli;
  ProcessResult r =
      cli.Run({"set", "wallpaper/current/DP-1", "/home/me/walls/x.png"});
  CheckBadInput(r,
                "dotlog: key \"wallpaper/current/DP-1\": value is not "
                "valid JSON: ");
  CHECK(Contains(r.err, "a plain string needs --string"));
  CHECK_FALSE(std::filesystem::exists(cli.dir()));
  // A broken object is not a plain string: no hint.
  r = cli.Run({"set", "k", "{\"a\":"});
  CHECK(r.exit_code == 2);
  CHECK_FALSE(Contains(r.err, "--string"));
}

TEST_CASE("out-of-range numbers are usage errors naming the argument",
          "[cli][usage]") {
  Cli cli;
  cli.SetEach({{"k", "1"}, {"k", "2"}, {"n", "5"}});
  for (const char* n : {"-1", "0", "x"}) {
    INFO("-n " << n);
    ProcessResult r = cli.Run({"history", "-n", n, "k"});
    CheckBadInput(r, std::string("dotlog: -n \"") + n +
                         "\": expected a whole number from 1 to ");
  }
  ProcessResult r = cli.Run({"incr", "n", "99999999999999999999"});
  CheckBadInput(r,
                "dotlog: BY \"99999999999999999999\": expected a whole "
                "number from -9223372036854775808 to "
                "9223372036854775807");
  CHECK(cli.Ok({"get", "n"}) == "5\n");
  CHECK(cli.Ok({"incr", "n", "-7"}) == "-2\n");
}

TEST_CASE("get and dump warn once on stderr when they serve an older version",
          "[cli][usage]") {
  Cli cli;
  cli.Ok({"set", "k", "\"old\""});
  cli.Ok({"set", "k", "\"new\""});
  cli.Ok({"set", "other", "1"});  // so line 3 is no torn tail
  const std::string segment = cli.dir() + "/segment-000001.jsonl";
  std::string bytes = ReadFileBytes(segment);
  const size_t value = bytes.rfind("\"new\"");
  REQUIRE(value != std::string::npos);
  bytes[value + 1] = 'N';  // line 3: the newest record of k
  WriteFileBytes(segment, bytes);

  ProcessResult get = cli.Run({"get", "k"});
  CHECK(get.exit_code == 0);
  CHECK(get.out == "\"old\"\n");
  INFO("stderr: " << get.err);
  CHECK(get.err.rfind("dotlog: warning: " + segment + ":3: ", 0) == 0);
  CHECK(get.err.find('\n') == get.err.size() - 1);

  ProcessResult dump = cli.Dump();
  CHECK(dump.exit_code == 0);
  CHECK(Contains(dump.out, "\"old\""));
  CHECK(dump.err.rfind("dotlog-dump: warning: " + segment + ":3: ", 0) == 0);
  CHECK(dump.err.find('\n') == dump.err.size() - 1);
}

TEST_CASE("a store the user may read but not write is readable",
          "[cli][usage]") {
  Cli cli;
  cli.Ok({"set", "--string", "wallpaper/current/DP-1", "/walls/sea.png"});
  const auto files = cli.Files();
  // The files as another user's: readable by all, writable by none but
  // their owner. Root writes anything, so as root the tools run as nobody.
  namespace fs = std::filesystem;
  const auto read_only =
      fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read;
  const auto exec =
      fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
  fs::permissions(fs::path(cli.dir()).parent_path(), read_only | exec);
  for (const auto& entry : fs::directory_iterator(cli.dir())) {
    fs::permissions(entry.path(), read_only);
  }
  fs::permissions(cli.dir(), read_only | exec);
  const auto run = [&](const std::string& bin,
                       const std::vector<std::string>& args) {
    std::vector<std::string> argv;
    if (geteuid() == 0) {
      argv = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
    }
    argv.push_back(BinPath(bin.c_str()));
    argv.insert(argv.end(), {"--dir", cli.dir()});
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  };
  ProcessResult get =
      run("DOTLOG_BIN", {"get", "--raw", "wallpaper/current/DP-1"});
  INFO("stderr: " << get.err);
  CHECK(get.exit_code == 0);
  CHECK(get.out == "/walls/sea.png\n");
  CHECK(run("DOTLOG_BIN", {"ls"}).out == "wallpaper/current/DP-1\n");
  CHECK(Contains(run("DOTLOG_DUMP_BIN", {}).out, "/walls/sea.png"));

  ProcessResult set = run("DOTLOG_BIN", {"set", "k", "1"});
  CHECK(set.exit_code == 3);
  CheckOneErrorLine(
      set, "dotlog: store " + cli.dir() + " can be read but not written");
  fs::permissions(fs::path(cli.dir()).parent_path(), fs::perms::owner_all);
  fs::permissions(cli.dir(), fs::perms::owner_all);
  CHECK(cli.Files() == files);
}

TEST_CASE("watch --exact follows one key, not every key it prefixes",
          "[cli][usage][watch]") {
  Cli cli;
  cli.Ok({"set", "--string", "wallpaper/current/DP-1", "/a.png"});
  cli.Ok({"set", "--string", "wallpaper/current/DP-10", "/b.png"});
  ToolProcess watch({BinPath("DOTLOG_BIN"), "--dir", cli.dir(), "watch",
                      "--initial", "--exact", "wallpaper/current/DP-1"});
  auto initial = watch.ReadLine();
  REQUIRE(initial);
  CHECK(Contains(*initial,
                 "\"key\":\"wallpaper/current/DP-1\",\"value\":"
                 "\"/a.png\""));
  cli.Ok({"set", "--string", "wallpaper/current/DP-10", "/c.png"});
  cli.Ok({"set", "--string", "wallpaper/current/DP-1", "/d.png"});
  // Had DP-10 matched, its change (the earlier one) would come first.
  auto next = watch.ReadLine();
  REQUIRE(next);
  CHECK(Contains(*next,
                 "\"key\":\"wallpaper/current/DP-1\",\"value\":"
                 "\"/d.png\""));
  watch.Signal(SIGTERM);
  CHECK(watch.Wait() == 0);
}

TEST_CASE("--version names the program and the library's release",
          "[cli][usage]") {
  for (const char* bin : {"DOTLOG_BIN", "DOTLOG_DUMP_BIN"}) {
    ProcessResult r = RunProcess({BinPath(bin), "--version"});
    CHECK(r.exit_code == 0);
    const std::string name =
        bin == std::string("DOTLOG_BIN") ? "dotlog " : "dotlog-dump ";
    CHECK(r.out.rfind(name, 0) == 0);
    CHECK(r.out.substr(name.size()) ==
          std::string(std::getenv("DOTLOG_RELEASE")) + "\n");
  }
}

TEST_CASE("counts in messages agree in number", "[cli][usage]") {
  Cli cli;
  cli.Ok({"set", "a", "1"});
  CHECK(cli.Ok({"verify"}) == "1 segment, 1 record: clean\n");
  cli.Ok({"set", "b", "2"});
  CHECK(
      cli.Ok({"load", "--format", "jsonl", "-"},
             "{\"key\":\"c\",\"value\":3,\"expires\":null}\n") ==
      "loaded 1 key in 1 batch\n");
  CHECK(cli.Ok({"verify"}) == "1 segment, 3 records: clean\n");
}

TEST_CASE("expire sets a key's expiry anew and keeps its value",
          "[cli][usage]") {
  Cli cli;
  cli.Ok({"set", "--ttl", "1m", "k", "{\"a\":1}"});
  cli.Ok({"expire", "k", "2h"});
  const int64_t left = std::stoll(cli.Ok({"ttl", "k"}));
  CHECK(left > 3600);
  CHECK(left <= 7200);
  CHECK(cli.Ok({"get", "k"}) == "{\"a\":1}\n");
  cli.Ok({"expire", "k", "never"});
  CHECK(cli.Ok({"ttl", "k"}) == "-1\n");
  ProcessResult missing = cli.Run({"expire", "nokey", "1h"});
  CHECK(missing.exit_code == 1);
  CHECK(cli.Run({"get", "nokey"}).exit_code == 1);
  CHECK(cli.Run({"expire", "k", "1.5h"}).exit_code == 2);
}

TEST_CASE("set --if-absent and cas write only when their condition holds",
          "[cli][usage]") {
  Cli cli;
  cli.Ok({"set", "--if-absent", "k", "1"});
  ProcessResult again = cli.Run({"set", "--if-absent", "k", "2"});
  CHECK(again.exit_code == 1);
  CheckOneErrorLine(again, "dotlog: key \"k\" exists; nothing written");
  CHECK(cli.Ok({"get", "k"}) == "1\n");

  ProcessResult stale = cli.Run({"cas", "k", "2", "3"});
  CHECK(stale.exit_code == 1);
  CheckOneErrorLine(stale, "dotlog: key \"k\" does not hold OLD");
  CHECK(cli.Ok({"get", "k"}) == "1\n");
  cli.Ok({"cas", "k", " 1 ", "{\"x\": [1, 2]}"});
  CHECK(cli.Ok({"get", "k"}) == "{\"x\":[1,2]}\n");
  cli.Ok({"cas", "k", "{ \"x\":[1,2] }", "4"});
  CHECK(cli.Ok({"get", "k"}) == "4\n");

  cli.Ok({"set", "--string", "w", "/a.png"});
  cli.Ok({"cas", "--string", "w", "/a.png", "/b.png"});
  CHECK(cli.Ok({"get", "--raw", "w"}) == "/b.png\n");
  CHECK(cli.Run({"cas", "absent", "1", "2"}).exit_code == 1);
  CHECK(cli.Run({"get", "absent"}).exit_code == 1);
}

TEST_CASE("ls -l shows each key's expiry; get --default stands in for a miss",
          "[cli][usage]") {
  Cli cli;
  cli.Ok({"set", "--ttl", "1h", "cache/a", "1"});
  cli.Ok({"set", "cache/b", "2"});
  const std::string listing = cli.Ok({"ls", "-l", "cache/"});
  INFO(listing);
  const size_t newline = listing.find('\n');
  REQUIRE(newline != std::string::npos);
  const std::string first = listing.substr(0, newline);
  CHECK(first.size() == 24 + 2 + 7);
  CHECK(first.ends_with("Z  cache/a"));
  CHECK(listing.substr(newline + 1) == "never                     cache/b\n");
  CHECK(cli.Run({"ls", "-l", "--json"}).exit_code == 2);

  CHECK(cli.Ok({"get", "--default", "none", "cache/zzz"}) == "none\n");
  CHECK(cli.Ok({"get", "--default", "none", "cache/b"}) == "2\n");
}

}  // namespace
}  // namespace dotlog::testing
