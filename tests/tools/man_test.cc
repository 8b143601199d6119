// Black-box tests of the manual pages tools/meson.build generates: each
// renders with `man -l`, and holds what the tools' --help and README's
// format section say.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "run_process.h"

namespace dotlog {
namespace {

using testing::BinPath;
using testing::ProcessResult;
using testing::RunProcess;

// `text` with every run of white space (and the hyphenation a renderer
// adds at line ends) made one space, so that filled text compares.
std::string Words(const std::string& text) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\n' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// The page rendered as plain text, wide enough that lines are not broken.
std::string Render(const std::string& page) {
  ProcessResult r =
      RunProcess({"man", "-l", BinPath("DOTLOG_MAN_DIR") + "/" + page}, "",
                 {{"MANWIDTH", "400"}, {"MANPAGER", "cat"}, {"PAGER", "cat"}});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  return r.out;
}

// Each line of `help` appears in `page`, word for word.
void CheckHelpIn(const std::string& page, const std::string& help) {
  std::istringstream lines(help);
  const std::string words = Words(page);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(words.find(Words(line)) != std::string::npos);
  }
}

TEST_CASE("dotlog(1) holds --help and every subcommand's --help",
          "[cli][man]") {
  const std::string page = Render("dotlog.1");
  const std::string bin = BinPath("DOTLOG_BIN");
  CHECK(page.rfind("DOTLOG(1)", 0) == 0);
  CheckHelpIn(page, RunProcess({bin, "--help"}).out);
  for (const char* sub : {"set", "get", "cas", "expire", "ls", "watch"}) {
    INFO(sub);
    CheckHelpIn(page, RunProcess({bin, sub, "--help"}).out);
  }
}

TEST_CASE("dotlog-dump(1) holds its --help", "[cli][man]") {
  const std::string page = Render("dotlog-dump.1");
  CHECK(page.rfind("DOTLOG-DUMP(1)", 0) == 0);
  CheckHelpIn(page, RunProcess({BinPath("DOTLOG_DUMP_BIN"), "--help"}).out);
}

TEST_CASE("dotlog(5) holds README's on-disk format", "[cli][man]") {
  const std::string page = Words(Render("dotlog.5"));
  CHECK(page.rfind("DOTLOG(5)", 0) == 0);
  for (const char* part :
       {"segment-NNNNNN.jsonl", "LINES", "CHECKSUM",
        "{\"seq\":43,\"ts\":\"2026-11-27T09:30:01.002Z\",\"op\":\"del\""}) {
    INFO(part);
    CHECK(page.find(part) != std::string::npos);
  }
}

}  // namespace
}  // namespace dotlog
