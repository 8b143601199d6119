// Black-box tests of the systemd user units in tools/systemd/: systemd's
// own checker accepts them as meson installs them, with the service
// starting the `dotlog` under test.
#include <catch2/catch.hpp>
#include <string>

#include "cli_fixture.h"
#include "run_process.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::BinPath;
using testing::ProcessResult;
using testing::ReadFileBytes;
using testing::RunProcess;
using testing::WriteFileBytes;

// `text` with every "@BINDIR@" replaced by `bin_dir`, as meson configures
// the service.
std::string Configure(std::string text, const std::string& bin_dir) {
  const std::string token = "@BINDIR@";
  for (size_t at = text.find(token); at != std::string::npos;
       at = text.find(token, at + bin_dir.size())) {
    text.replace(at, token.size(), bin_dir);
  }
  return text;
}

// The units of tools/systemd/, configured into a fresh directory.
struct Units {
  testing::TempDir dir;
  std::string service = dir.Join("dotlog-cleanup.service");
  std::string timer = dir.Join("dotlog-cleanup.timer");

  Units() {
    const std::string source = BinPath("DOTLOG_SOURCE_ROOT") + "/tools/systemd";
    std::string bin = BinPath("DOTLOG_BIN");
    bin.resize(bin.rfind('/'));
    WriteFileBytes(service, Configure(ReadFileBytes(
                                          source + "/dotlog-cleanup.service.in"),
                                      bin));
    WriteFileBytes(timer, ReadFileBytes(source + "/dotlog-cleanup.timer"));
  }

  ProcessResult Verify() {
    return RunProcess(
        {"systemd-analyze", "verify", "--man=no", timer, service}, "", {});
  }
};

TEST_CASE("The cleanup timer and its service pass systemd-analyze verify",
          "[cli][systemd]") {
  Units units;
  ProcessResult r = units.Verify();
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(ReadFileBytes(units.service).find(BinPath("DOTLOG_BIN") + " cleanup --if-due") !=
        std::string::npos);
}

TEST_CASE(
    "The same check fails for a service whose dotlog is missing, so it "
    "checks what it says",
          "[cli][systemd]") {
  Units units;
  std::string text = ReadFileBytes(units.service);
  const size_t at = text.find("ExecStart=");
  REQUIRE(at != std::string::npos);
  text.replace(at, text.find('\n', at) - at,
               "ExecStart=/nonexistent/dotlog cleanup");
  WriteFileBytes(units.service, text);
  ProcessResult r = units.Verify();
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("/nonexistent/dotlog") != std::string::npos);
}

}  // namespace
}  // namespace dotlog
