// Black-box tests of the `dotlog` and `dotlog-dump` binaries, whose paths
// come in $DOTLOG_BIN and $DOTLOG_DUMP_BIN (see tools/meson.build).
#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "run_process.h"
#include "support/required_tool.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

// Keys that would break naive quoting, splitting or escaping.
const std::vector<std::string> kHostileKeys = {
    "with space",    "quote\"d",        "new\nline",
    "tab\there",     "back\\slash",     "ünïcødé/日本語/🎉",
    "line\u2028sep", "{\"json\":1}",    "-looks-like-an-option",
    "'single'",      "$HOME and `cmd`", "wallpaper/current/DP-1",
};

TEST_CASE("set stores JSON and get prints it compact on one line", "[cli]") {
  Cli cli;
  cli.Ok({"set", "k", "{ \"a\" : [1, 2.50, \"x\"] ,\"b\":null }"});
  ProcessResult r = cli.Run({"get", "k"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "{\"a\":[1,2.50,\"x\"],\"b\":null}\n");
  CHECK(r.err.empty());
}

TEST_CASE("set --string stores text as a JSON string; get --raw prints it bare",
          "[cli]") {
  Cli cli;
  cli.Ok({"set", "--string", "path", "/home/me/a \"b\".png"});
  CHECK(cli.Ok({"get", "path"}) == "\"/home/me/a \\\"b\\\".png\"\n");
  CHECK(cli.Ok({"get", "--raw", "path"}) == "/home/me/a \"b\".png\n");
  cli.Ok({"set", "n", "[1,{\"x\":\"y\"}]"});
  CHECK(cli.Ok({"get", "--raw", "n"}) == "[1,{\"x\":\"y\"}]\n");
}

TEST_CASE("set VALUE - reads the value from standard input", "[cli]") {
  Cli cli;
  cli.Ok({"set", "json", "-"}, "{\n  \"big\": [1, 2, 3]\n}\n");
  CHECK(cli.Ok({"get", "json"}) == "{\"big\":[1,2,3]}\n");
  cli.Ok({"set", "--string", "text", "-"}, "dark\n");
  CHECK(cli.Ok({"get", "text"}) == "\"dark\"\n");
}

TEST_CASE("get of a missing key exits 1 and prints nothing", "[cli]") {
  Cli cli;
  cli.Ok({"set", "other", "1"});
  ProcessResult r = cli.Run({"get", "missing"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
}

TEST_CASE("bad input exits 2 with one error line and changes no byte",
          "[cli]") {
  Cli cli;
  cli.Ok({"set", "k", "\"v\""});
  cli.Ok({"set", "n", "5"});
  const auto before = cli.Files();

  SECTION("invalid JSON names the key and the reason") {
    ProcessResult r = cli.Run({"set", "k", "{not json"});
    CheckBadInput(r, "dotlog: key \"k\": value is not valid JSON: ");
  }
  SECTION("a bad --ttl") {
    ProcessResult r = cli.Run({"set", "--ttl", "5 minutes", "k", "1"});
    CheckBadInput(r, "dotlog: duration \"5 minutes\"");
  }
  SECTION("a key that is not UTF-8") {
    ProcessResult r = cli.Run({"set", "bad\xff", "1"});
    CheckBadInput(r, "dotlog: key ");
  }
  SECTION("del with one invalid key deletes none") {
    ProcessResult r = cli.Run({"del", "k", ""});
    CheckBadInput(r, "dotlog: key is empty");
  }
  SECTION("incr of a value that is not an integer") {
    ProcessResult r = cli.Run({"incr", "k"});
    CheckBadInput(r, "dotlog: value of key \"k\" is not an integer");
  }
  SECTION("incr that would overflow") {
    cli.Ok({"set", "big", "9223372036854775807"});
    const auto with_big = cli.Files();
    ProcessResult r = cli.Run({"incr", "big"});
    CHECK(r.exit_code == 2);
    CHECK(cli.Files() == with_big);
    CHECK(cli.Ok({"get", "big"}) == "9223372036854775807\n");
    return;
  }
  // `load -` of a good line and then `second`.
  const auto load_after_good = [&](const std::string& second) {
    return cli.Run({"load", "-"},
                   "{\"key\":\"a\",\"value\":1,\"expires\":null}\n" + second);
  };
  SECTION("load of a file with one bad line among good ones") {
    CheckBadInput(
        load_after_good("{\"key\":\"b\",\"value\":nope,\"expires\":null}\n"),
        "dotlog: standard input: line 2: ");
  }
  SECTION("load of a value the store refuses") {
    CheckBadInput(
        load_after_good("{\"key\":\"\",\"value\":2,\"expires\":null}\n"),
        "dotlog: ");
  }
  SECTION("a usage error") {
    ProcessResult r = cli.Run({"set", "only-a-key"});
    CheckBadInput(r, "dotlog: VALUE is required");
  }
  CHECK(cli.Files() == before);
}

TEST_CASE("usage errors exit 2; --help exits 0 and shows an example", "[cli]") {
  Cli cli;
  CHECK(cli.Run({}).exit_code == 2);
  CHECK(cli.Run({"frobnicate"}).exit_code == 2);
  CHECK(cli.Run({"get", "k", "--no-such-flag"}).exit_code == 2);
  CHECK(cli.Run({"--sync", "sometimes", "get", "k"}).exit_code == 2);
  for (const char* sub : {"set", "get", "del", "incr", "ls", "ttl", "compact",
                          "verify", "stats", "load", "watch"}) {
    ProcessResult r = cli.Run({sub, "--help"});
    INFO(sub);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Example") != std::string::npos);
    CHECK(r.out.find("Exit codes") != std::string::npos);
  }
  ProcessResult top = cli.Run({"--help"});
  CHECK(top.exit_code == 0);
  CHECK(top.out.find("3 store error") != std::string::npos);
  ProcessResult dump = RunProcess({BinPath("DOTLOG_DUMP_BIN"), "--help"});
  CHECK(dump.exit_code == 0);
  CHECK(dump.out.find("Example") != std::string::npos);
}

TEST_CASE("del removes every key given; absent keys are fine", "[cli]") {
  Cli cli;
  cli.Ok({"set", "a", "1"});
  cli.Ok({"set", "b", "2"});
  cli.Ok({"set", "c", "3"});
  cli.Ok({"del", "a", "b", "never-there"});
  CHECK(cli.Ok({"ls"}) == "c\n");
  cli.Ok({"del", "never-there"});
}

TEST_CASE("incr prints the new value and accepts a negative step", "[cli]") {
  Cli cli;
  CHECK(cli.Ok({"incr", "n"}) == "1\n");
  CHECK(cli.Ok({"incr", "n", "10"}) == "11\n");
  CHECK(cli.Ok({"incr", "n", "-20"}) == "-9\n");
  CHECK(cli.Ok({"get", "n"}) == "-9\n");
}

TEST_CASE("two processes running incr lose no update", "[cli][multi_process]") {
  Cli cli;
  constexpr int kEach = 40;
  const std::string loop =
      "i=0; while [ $i -lt " + std::to_string(kEach) +
      " ]; do \"$DOTLOG_BIN\" --dir \"$1\" incr counter >/dev/null || exit 1; "
      "i=$((i+1)); done; echo done";
  ToolProcess a({"/bin/sh", "-c", loop, "sh", cli.dir()});
  ToolProcess b({"/bin/sh", "-c", loop, "sh", cli.dir()});
  CHECK(a.ReadLine() == "done");
  CHECK(b.ReadLine() == "done");
  CHECK(a.Wait() == 0);
  CHECK(b.Wait() == 0);
  CHECK(cli.Ok({"get", "counter"}) == std::to_string(2 * kEach) + "\n");
}

TEST_CASE("ls lists live keys sorted, by prefix, or as one JSON object",
          "[cli]") {
  Cli cli;
  cli.SetEach({{"wallpaper/b", "2"},
               {"wallpaper/a", "\"x\""},
               {"theme", "{\"dark\":true}"}});
  cli.Ok({"set", "--ttl", "0s", "wallpaper/expired", "1"});
  CHECK(cli.Ok({"ls"}) == "theme\nwallpaper/a\nwallpaper/b\n");
  CHECK(cli.Ok({"ls", "wallpaper/"}) == "wallpaper/a\nwallpaper/b\n");
  CHECK(cli.Ok({"ls", "--json", "wallpaper/"}) ==
        "{\"wallpaper/a\":\"x\",\"wallpaper/b\":2}\n");
  CHECK(cli.Ok({"ls", "nothing/"}).empty());
}

TEST_CASE("ttl shows the seconds left, -1 for never, exit 1 when missing",
          "[cli]") {
  Cli cli;
  cli.Ok({"set", "forever", "1"});
  CHECK(cli.Ok({"ttl", "forever"}) == "-1\n");

  cli.Ok({"set", "--ttl", "30d", "month", "1"});
  const long month = std::stol(cli.Ok({"ttl", "month"}));
  CHECK(month > 0);
  CHECK(month <= 30 * 24 * 3600);

  // Rounded up, so a 1-second key shows 1 for as long as it lives.
  cli.Ok({"set", "--ttl", "1s", "brief", "1"});
  ProcessResult brief = cli.Run({"ttl", "brief"});
  if (brief.exit_code == 0) {
    CHECK(brief.out == "1\n");
  } else {
    CHECK(brief.exit_code == 1);  // it expired before ttl ran
  }

  cli.Ok({"set", "--ttl", "0s", "gone", "1"});
  ProcessResult gone = cli.Run({"ttl", "gone"});
  CHECK(gone.exit_code == 1);
  CHECK(gone.out.empty());
  CHECK(cli.Run({"get", "gone"}).exit_code == 1);
  CHECK(cli.Run({"ttl", "never-set"}).exit_code == 1);
}

TEST_CASE("hostile keys survive set, get, ls and dump", "[cli]") {
  Cli cli;
  for (size_t i = 0; i < kHostileKeys.size(); ++i) {
    INFO(kHostileKeys[i]);
    cli.Ok({"set", "--", kHostileKeys[i], std::to_string(i)});
  }
  std::string keys_json = "{";
  std::vector<std::string> sorted = kHostileKeys;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < kHostileKeys.size(); ++i) {
    INFO(kHostileKeys[i]);
    CHECK(cli.Ok({"get", "--", kHostileKeys[i]}) == std::to_string(i) + "\n");
  }
  std::string ls;
  for (const std::string& key : sorted) ls += key + "\n";
  CHECK(cli.Ok({"ls"}) == ls);
  RequireTool("jq");
  // jq reads the keys back exactly, from both ls --json and the dump.
  const std::string json = cli.Ok({"ls", "--json"});
  ProcessResult dump = cli.Dump();
  REQUIRE(dump.exit_code == 0);
  for (size_t i = 0; i < kHostileKeys.size(); ++i) {
    INFO(kHostileKeys[i]);
    const std::vector<std::string> jq = {
        "jq", "-c", "--arg", "k", kHostileKeys[i], ".[$k]"};
    CHECK(RunProcess(jq, json).out == std::to_string(i) + "\n");
    CHECK(RunProcess(jq, dump.out).out == std::to_string(i) + "\n");
  }
}

TEST_CASE("dotlog-dump | jq finds a key's value as get prints it", "[cli]") {
  RequireTool("jq");
  Cli cli;
  cli.Ok({"set", "wallpaper/current/DP-1",
          "{\"path\":\"/w/a.png\",\"mode\":\"fill\",\"n\":[1,2.0,{}]}"});
  cli.Ok({"set", "other", "[]"});
  ProcessResult dump = cli.Dump();
  REQUIRE(dump.exit_code == 0);
  CHECK(dump.out.find("\n  \"other\": []") != std::string::npos);  // 2 spaces
  ProcessResult jq =
      RunProcess({"jq", "-c", ".[\"wallpaper/current/DP-1\"]"}, dump.out);
  REQUIRE(jq.exit_code == 0);
  // jq re-prints numbers its own way; compare with jq's view of get.
  ProcessResult got =
      RunProcess({"jq", "-c", "."}, cli.Ok({"get", "wallpaper/current/DP-1"}));
  CHECK(jq.out == got.out);
}

TEST_CASE("dump then load gives an identical store", "[cli]") {
  Cli source;
  for (size_t i = 0; i < kHostileKeys.size(); ++i) {
    source.Ok(
        {"set", "--", kHostileKeys[i], "{\"i\":" + std::to_string(i) + "}"});
  }
  source.Ok({"set", "--ttl", "30d", "expiring", "1.50"});
  source.Ok({"set", "deleted", "1"});
  source.Ok({"del", "deleted"});
  const std::string jsonl = source.Dump({"--format", "jsonl"}).out;
  const std::string json = source.Dump({"--format", "json"}).out;
  REQUIRE(!jsonl.empty());

  for (const std::string& format :
       {std::string("jsonl"), std::string("json")}) {
    INFO(format);
    Cli target;
    const std::string file = target.Join("backup." + format);
    WriteFileBytes(file, format == "json" ? json : jsonl);
    ProcessResult load = target.Run({"load", file});
    INFO(load.err);
    REQUIRE(load.exit_code == 0);
    CHECK(target.Dump({"--format", "json"}).out == json);
    // Only jsonl carries expiry times.
    if (format == "jsonl")
      CHECK(target.Dump({"--format", "jsonl"}).out == jsonl);
  }
  // From standard input too, and into a store that has other keys.
  Cli target;
  target.Ok({"set", "kept", "true"});
  target.Ok({"load", "-"}, jsonl);
  CHECK(target.Ok({"get", "kept"}) == "true\n");
  CHECK(target.Ok({"get", "expiring"}) == "1.50\n");
}

TEST_CASE("dotlog-dump --format history lists every change in log order",
          "[cli]") {
  Cli cli;
  cli.Ok({"set", "a", "1"});
  cli.Ok({"set", "a", "2"});
  cli.Ok({"del", "a", "b"});  // only "a" is present: one delete
  cli.Ok({"set", "b", "\"x\""});
  ProcessResult r = cli.Dump({"--format", "history"});
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> lines;
  for (size_t start = 0, nl;
       (nl = r.out.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(r.out.substr(start, nl - start));
  }
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].rfind("{\"seq\":1,\"ts\":\"", 0) == 0);
  CHECK(lines[0].ends_with("\"op\":\"put\",\"key\":\"a\",\"value\":1}"));
  CHECK(lines[1].ends_with("\"op\":\"put\",\"key\":\"a\",\"value\":2}"));
  CHECK(lines[2].ends_with("\"op\":\"del\",\"key\":\"a\"}"));
  CHECK(lines[3].ends_with("\"op\":\"put\",\"key\":\"b\",\"value\":\"x\"}"));
  CHECK(cli.Dump({"--format", "history", "--prefix", "b"}).out ==
        lines[3] + "\n");
}

TEST_CASE("dotlog-dump of a missing store exits 3 and creates nothing",
          "[cli]") {
  Cli cli;
  const std::string missing = cli.Join("nowhere");
  for (const char* format : {"json", "jsonl", "history"}) {
    ProcessResult r = cli.Dump({"--format", format}, missing);
    CHECK(r.exit_code == 3);
    CheckOneErrorLine(r, "dotlog-dump: ");
  }
  CHECK_FALSE(std::filesystem::exists(missing));
  CHECK(cli.Dump({"--format", "yaml"}).exit_code == 2);
}

TEST_CASE("watch prints changes made by another process", "[cli][watch]") {
  Cli cli;
  cli.Ok({"set", "wallpaper/a", "1"});
  cli.Ok({"set", "theme", "\"dark\""});
  ToolProcess watch({BinPath("DOTLOG_BIN"), "--dir", cli.dir(), "watch",
                      "--initial", "wallpaper/"});
  // The initial line proves the watch is set up: later changes reach it.
  CheckNextLine(
      watch, "{\"op\":\"put\",\"key\":\"wallpaper/a\",\"value\":1,\"ts\":\"");

  cli.Ok({"set", "theme", "\"light\""});  // outside the prefix: not shown
  cli.Ok({"set", "wallpaper/b", "{\"path\":\"/x.png\"}"});
  CheckNextLine(watch,
                "{\"op\":\"put\",\"key\":\"wallpaper/"
                "b\",\"value\":{\"path\":\"/x.png\"},\"ts\":\"",
                "Z\"}");

  cli.Ok({"del", "wallpaper/a"});
  CheckNextLine(watch, "{\"op\":\"del\",\"key\":\"wallpaper/a\",\"ts\":\"");

  watch.Signal(SIGTERM);
  CHECK(watch.ReadLine() == std::nullopt);
  CHECK(watch.Wait() == 0);
}

TEST_CASE("watch ends with exit 0 on SIGINT", "[cli][watch]") {
  Cli cli;
  cli.Ok({"set", "k", "1"});
  ToolProcess watch(
      {BinPath("DOTLOG_BIN"), "--dir", cli.dir(), "watch", "--initial"});
  REQUIRE(watch.ReadLine());
  watch.Signal(SIGINT);
  CHECK(watch.Wait() == 0);
}

TEST_CASE("verify exits 0 on a clean store and 3 listing damage", "[cli]") {
  Cli cli;
  cli.Ok({"set", "a", "1"});
  cli.Ok({"set", "b", "2"});
  cli.Ok({"set", "c", "3"});
  ProcessResult clean = cli.Run({"verify"});
  CHECK(clean.exit_code == 0);
  CHECK(clean.err.empty());

  const std::string segment = cli.dir() + "/segment-000001.jsonl";
  std::string bytes = ReadFileBytes(segment);
  SECTION("a flipped byte in a middle record") {
    const size_t line2 = bytes.find('\n') + 1;
    const size_t value = bytes.find("\"value\":1", line2);
    REQUIRE(value != std::string::npos);
    bytes[value + 8] = '7';
    WriteFileBytes(segment, bytes);
    ProcessResult r = cli.Run({"verify"});
    CHECK(r.exit_code == 3);
    CHECK(r.err.rfind(segment + ":2: checksum mismatch", 0) == 0);
  }
  SECTION("a torn tail is only a warning") {
    WriteFileBytes(segment, bytes + "{\"seq\":4,\"ts\"");
    ProcessResult r = cli.Run({"verify"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.rfind(segment + ":5: warning: torn tail", 0) == 0);
  }
}

TEST_CASE("stats prints counters, as text or JSON", "[cli]") {
  Cli cli;
  cli.Ok({"set", "a", "1"});
  cli.Ok({"set", "a", "2"});
  const std::string text = cli.Ok({"stats"});
  CHECK(text.find("live_keys: 1\n") != std::string::npos);
  CHECK(text.find("records: 2\n") != std::string::npos);
  const std::string json = cli.Ok({"stats", "--json"});
  CHECK(json.rfind("{\"live_keys\":1,\"records\":2,", 0) == 0);
}

TEST_CASE("compact keeps every live value", "[cli]") {
  Cli cli;
  for (int i = 0; i < 20; ++i) cli.Ok({"set", "k", std::to_string(i)});
  cli.Ok({"set", "other", "\"x\""});
  const std::string before = cli.Dump({"--format", "jsonl"}).out;
  ProcessResult r = cli.Run({"compact"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(cli.Dump({"--format", "jsonl"}).out == before);
  CHECK(cli.Run({"verify"}).exit_code == 0);
}

TEST_CASE("the store directory comes from --dir, DOTLOG_DIR or XDG", "[cli]") {
  TempDir tmp;
  const std::string dotlog = BinPath("DOTLOG_BIN");
  const EnvChanges none = {{"DOTLOG_DIR", std::nullopt}};

  EnvChanges env = {{"DOTLOG_DIR", tmp.Join("from-env")}};
  CHECK(RunProcess({dotlog, "set", "k", "1"}, "", env).exit_code == 0);
  CHECK(std::filesystem::exists(tmp.Join("from-env/segment-000001.jsonl")));

  env = {{"DOTLOG_DIR", std::nullopt}, {"XDG_DATA_HOME", tmp.Join("xdg")}};
  CHECK(RunProcess({dotlog, "set", "k", "2"}, "", env).exit_code == 0);
  CHECK(std::filesystem::exists(
      tmp.Join("xdg/dotfiles/state/segment-000001.jsonl")));

  env = {{"DOTLOG_DIR", std::nullopt},
         {"XDG_DATA_HOME", std::nullopt},
         {"HOME", tmp.Join("home")}};
  CHECK(RunProcess({dotlog, "set", "k", "3"}, "", env).exit_code == 0);
  CHECK(std::filesystem::exists(
      tmp.Join("home/.local/share/dotfiles/state/segment-000001.jsonl")));
  ProcessResult got = RunProcess({dotlog, "get", "k"}, "", env);
  CHECK(got.out == "3\n");
  // --dir wins over the environment.
  got =
      RunProcess({dotlog, "--dir", tmp.Join("from-env"), "get", "k"}, "", env);
  CHECK(got.out == "1\n");
}

TEST_CASE("--sync none writes that other processes read", "[cli]") {
  Cli cli;
  cli.Ok({"--sync", "none", "set", "k", "1"});
  CHECK(cli.Ok({"get", "k"}) == "1\n");
}

TEST_CASE("backup prints the file it wrote; restore rebuilds the store from "
          "it and refuses a store with keys unless forced",
          "[cli][backup]") {
  Cli cli;
  cli.Ok({"set", "theme/mode", "\"dark\""});
  cli.Ok({"set", "--ttl", "1h", "cache/x", "[1]"});
  const std::string before = cli.Dump({"--format", "jsonl"}).out;
  const std::string file = cli.Ok({"backup", "--keep", "3", cli.Join("b")});
  REQUIRE(file.starts_with(cli.Join("b") + "/dotlog-backup-"));
  const std::string path = file.substr(0, file.size() - 1);
  CHECK(ReadFileBytes(path) == before);

  ProcessResult r = cli.RunIn(cli.Join("new"), {"restore", path});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "restored 2 keys\n");
  CHECK(cli.Dump({"--format", "jsonl"}, cli.Join("new")).out == before);

  r = cli.Run({"restore", path});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("holds") != std::string::npos);
  cli.Ok({"set", "extra", "1"});
  r = cli.Run({"restore", "--force", "--backup-dir", cli.Join("prev"), path});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("the previous state is in " + cli.Join("prev")) !=
        std::string::npos);
  CHECK(cli.Run({"get", "extra"}).exit_code == 1);
  CHECK(cli.Ok({"get", "theme/mode"}) == "\"dark\"\n");
}

TEST_CASE("restore of a file that is not a backup exits 2 and writes nothing",
          "[cli][backup]") {
  Cli cli;
  WriteFileBytes(cli.Join("bad.jsonl"), "{\"key\":\"a\"}\n");
  ProcessResult r = cli.Run({"restore", cli.Join("bad.jsonl")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("bad.jsonl") != std::string::npos);
  CHECK(!std::filesystem::exists(cli.dir()));
  r = cli.Run({"restore", cli.Join("missing.jsonl")});
  CHECK(r.exit_code == 2);
  CHECK(!std::filesystem::exists(cli.dir()));
}

TEST_CASE("import json maps the older files once, and lists rows it cannot "
          "map without writing",
          "[cli][import]") {
  Cli cli;
  std::filesystem::create_directories(cli.Join("old"));
  WriteFileBytes(
      cli.Join("old/component_state.json"),
      "{\"waybar\":{\"version\":\"0.10.4\"},\"rofi\":{\"version\":1}}");
  ProcessResult r = cli.Run({"import", "json", cli.Join("old")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("component_state.json \"rofi\"") != std::string::npos);
  CHECK(cli.Ok({"ls"}).empty());
  r = cli.Run({"import", "json", "--skip-bad", cli.Join("old")});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "imported 1 of 2 rows, 1 keys written\n");
  r = cli.Run({"import", "json", "--skip-bad", cli.Join("old")});
  CHECK(r.out == "imported 1 of 2 rows, 0 keys written\n");
  CHECK(cli.Ok({"ls"}) == "state/component/waybar\n");
  CHECK(cli.Run({"import", "sqlite", cli.Join("none.db")}).exit_code == 2);
}

TEST_CASE("a store whose sequence numbers are used up refuses a write with exit "
          "3, and the copy its message names takes writes again",
          "[cli]") {
  Cli cli;
  std::filesystem::create_directories(cli.dir());
  std::filesystem::permissions(cli.dir(), std::filesystem::perms::owner_all);
  const std::string bytes =
      testing::OnePutSegment(std::numeric_limits<uint64_t>::max(), "k", "\"old\"");
  testing::WriteFileBytes(cli.dir() + "/segment-000001.jsonl", bytes);
  ProcessResult r = cli.Run({"set", "k", "\"new\""});
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 3);
  CHECK(testing::Contains(r.err, "used up"));
  // The way out, as the message spells it.
  const std::string dump = "dotlog-dump --format jsonl > all.jsonl && "
                           "dotlog --dir NEW_DIR load --format jsonl all.jsonl";
  REQUIRE(testing::Contains(r.err, dump));
  const ProcessResult all = cli.Dump({"--format", "jsonl"});
  REQUIRE(all.exit_code == 0);
  const std::string copy = cli.Join("copy");
  REQUIRE(cli.RunIn(copy, {"load", "--format", "jsonl", "-"}, all.out).exit_code == 0);
  CHECK(cli.RunIn(copy, {"set", "k", "\"new\""}).exit_code == 0);
  CHECK(cli.RunIn(copy, {"get", "k"}).out == "\"new\"\n");
}

}  // namespace
}  // namespace dotlog::testing
