// Progress on standard error: `dotlog backup`, `restore`, `import`, `load`,
// `compact` and `dotlog-dump` show it when standard error is a terminal (a pty here),
// and print nothing of it when it is not. The progress line's text itself is unit-tested too.
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/progress_line.h"
#include "dotlog/store.h"
#include "format/timestamp.h"
#include "run_process.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

constexpr int kKeys = 3000;

std::string Bin() {
  const char* bin = std::getenv("DOTLOG_BIN");
  if (bin == nullptr) FAIL("$DOTLOG_BIN is not set: run through meson test");
  return bin;
}

std::string DumpBin() {
  const char* bin = std::getenv("DOTLOG_DUMP_BIN");
  if (bin == nullptr) FAIL("$DOTLOG_DUMP_BIN is not set: run through meson test");
  return bin;
}

// A store of kKeys keys in `dir`.
void FillStore(const std::string& dir) {
  auto store = Value(Store::Open(dir, Options{}));
  WriteBatch batch;
  for (int i = 0; i < kKeys; ++i) {
    batch.Put("k/" + std::to_string(i), "{\"n\":" + std::to_string(i) + "}");
  }
  REQUIRE_OK(store->Write(batch));
}

// Runs `args` with standard error on a pseudo-terminal; returns what the
// terminal received (standard output goes to /dev/null) and the exit code.
std::pair<std::string, int> RunOnTerminal(const std::vector<std::string>& args) {
  int master = -1;
  int slave = -1;
  REQUIRE(openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(master);
    dup2(slave, STDERR_FILENO);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (freopen("/dev/null", "w", stdout) == nullptr) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(slave);
  std::string seen;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(master, buffer, sizeof(buffer));
    if (n > 0) {
      seen.append(buffer, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO once the child closed the terminal's last slave end
    }
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  return {seen, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

TEST_CASE("A backup and a restore show progress on a terminal") {
  TempDir tmp;
  FillStore(tmp.Join("db"));
  auto [backup, code] =
      RunOnTerminal({Bin(), "--dir", tmp.Join("db"), "backup", tmp.Join("b")});
  INFO(backup);
  CHECK(code == 0);
  CHECK(backup.find("\rdotlog backup: ") != std::string::npos);
  CHECK(backup.find(std::to_string(kKeys) + "/" + std::to_string(kKeys) +
                    " keys backed up") != std::string::npos);

  const std::string file = tmp.Join("b");
  auto listed = RunProcess({"sh", "-c", "ls " + file + "/*.jsonl"});
  const std::string path = listed.out.substr(0, listed.out.find('\n'));
  auto [restore, restore_code] =
      RunOnTerminal({Bin(), "--dir", tmp.Join("new"), "restore", path});
  INFO(restore);
  CHECK(restore_code == 0);
  CHECK(restore.find("keys checked") != std::string::npos);
  CHECK(restore.find(std::to_string(kKeys) + "/" + std::to_string(kKeys) +
                     " keys restored") != std::string::npos);
}

TEST_CASE("An import shows progress on a terminal") {
  TempDir tmp;
  std::filesystem::create_directory(tmp.Join("old"));
  const std::string now = FormatTimestamp(
      ToUnixMillis(std::chrono::system_clock::now() - std::chrono::hours(1)));
  std::string events;
  for (int i = 0; i < 500; ++i) {
    events += "{\"timestamp\":\"" + now +
              "\",\"event_type\":\"command\",\"details\":{\"i\":" +
              std::to_string(i) + "}}\n";
  }
  WriteFileBytes(tmp.Join("old/event_log.jsonl"), events);
  auto [seen, code] = RunOnTerminal(
      {Bin(), "--dir", tmp.Join("db"), "import", "json", tmp.Join("old")});
  INFO(seen);
  CHECK(code == 0);
  CHECK(seen.find("\rdotlog import: ") != std::string::npos);
  CHECK(seen.find("rows mapped") != std::string::npos);
  CHECK(seen.find("keys written") != std::string::npos);
}

TEST_CASE("Without a terminal a backup prints no progress") {
  TempDir tmp;
  FillStore(tmp.Join("db"));
  const ProcessResult r =
      RunProcess({Bin(), "--dir", tmp.Join("db"), "backup", tmp.Join("b")});
  CHECK(r.exit_code == 0);
  CHECK(r.err.rfind("backed up " + std::to_string(kKeys) + " keys", 0) == 0);
  CHECK(r.err.find('\r') == std::string::npos);
  CHECK(r.err.find("keys backed up") == std::string::npos);
}

TEST_CASE("A load and a dump show progress on a terminal") {
  TempDir tmp;
  std::string jsonl;
  for (int i = 0; i < kKeys; ++i) {
    jsonl += "{\"key\":\"k/" + std::to_string(i) +
             "\",\"value\":1,\"expires\":null}\n";
  }
  WriteFileBytes(tmp.Join("in.jsonl"), jsonl);
  auto [load, code] = RunOnTerminal(
      {Bin(), "--dir", tmp.Join("db"), "load", tmp.Join("in.jsonl")});
  INFO(load);
  CHECK(code == 0);
  CHECK(load.find("\rdotlog load: ") != std::string::npos);
  CHECK(load.find(std::to_string(kKeys) + "/" + std::to_string(kKeys) +
                  " keys loaded") != std::string::npos);

  auto [dump, dump_code] = RunOnTerminal(
      {DumpBin(), "--dir", tmp.Join("db"), "--format", "jsonl"});
  INFO(dump);
  CHECK(dump_code == 0);
  CHECK(dump.find("\rdotlog-dump: ") != std::string::npos);
  // The last report counts every byte of the dump.
  const ProcessResult whole =
      RunProcess({DumpBin(), "--dir", tmp.Join("db"), "--format", "jsonl"});
  const std::string total = std::to_string(whole.out.size());
  CHECK(dump.find(total + "/" + total + " bytes written") != std::string::npos);
}

TEST_CASE("A compaction shows progress on a terminal, and none without") {
  TempDir tmp;
  FillStore(tmp.Join("db"));
  auto [seen, code] = RunOnTerminal({Bin(), "--dir", tmp.Join("db"), "compact"});
  INFO(seen);
  CHECK(code == 0);
  CHECK(seen.find("\rdotlog compact: ") != std::string::npos);
  CHECK(seen.find("1/1 segments read") != std::string::npos);
  CHECK(seen.find(" bytes written") != std::string::npos);
  const ProcessResult r =
      RunProcess({Bin(), "--dir", tmp.Join("db"), "compact"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
}

TEST_CASE("Without a terminal a load and a dump print no progress") {
  TempDir tmp;
  WriteFileBytes(tmp.Join("in.jsonl"),
                 "{\"key\":\"a\",\"value\":1,\"expires\":null}\n"
                 "{\"key\":\"b\",\"value\":2,\"expires\":null}\n");
  const ProcessResult load = RunProcess(
      {Bin(), "--dir", tmp.Join("db"), "load", tmp.Join("in.jsonl")});
  CHECK(load.exit_code == 0);
  CHECK(load.err.empty());
  const ProcessResult dump =
      RunProcess({DumpBin(), "--dir", tmp.Join("db")});
  CHECK(dump.exit_code == 0);
  CHECK(dump.err.empty());
}

TEST_CASE("A progress report reads done/total, or done alone") {
  CHECK(cli::ProgressLine::Text("dotlog backup", "keys backed up", 40, 100) ==
        "dotlog backup: 40/100 keys backed up");
  CHECK(cli::ProgressLine::Text("dotlog import", "rows mapped", 7, 0) ==
        "dotlog import: 7 rows mapped");
}

}  // namespace
}  // namespace dotlog::testing
