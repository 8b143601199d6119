// The fixture of the black-box tests of the `dotlog` and `dotlog-dump`
// binaries, whose paths come in $DOTLOG_BIN and $DOTLOG_DUMP_BIN (see
// tools/meson.build).
#ifndef DOTLOG_TESTS_TOOLS_CLI_FIXTURE_H_
#define DOTLOG_TESTS_TOOLS_CLI_FIXTURE_H_

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "run_process.h"
#include "support/temp_dir.h"

namespace dotlog::testing {

// The path in environment variable `variable`; fails the test if unset.
inline std::string BinPath(const char* variable) {
  const char* path = std::getenv(variable);
  if (path == nullptr)
    FAIL("$" << variable << " is not set: run through meson test");
  return path;
}

// True if `text` holds `part`.
inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A store directory of its own and the tools run against it.
class Cli {
 public:
  Cli() : dir_(tmp_.Join("store")) {}

  const std::string& dir() const { return dir_; }
  std::string Join(const std::string& name) const { return tmp_.Join(name); }

  // dotlog --dir DIR args...
  ProcessResult Run(const std::vector<std::string>& args,
                    const std::string& input = "") const {
    return RunIn(dir_, args, input);
  }
  ProcessResult RunIn(const std::string& dir,
                      const std::vector<std::string>& args,
                      const std::string& input = "") const {
    std::vector<std::string> argv = {BinPath("DOTLOG_BIN"), "--dir", dir};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, input);
  }
  // dotlog-dump --dir DIR args...
  ProcessResult Dump(const std::vector<std::string>& args = {},
                     const std::string& dir = "") const {
    std::vector<std::string> argv = {BinPath("DOTLOG_DUMP_BIN"), "--dir",
                                     dir.empty() ? dir_ : dir};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }
  // Runs and requires success.
  std::string Ok(const std::vector<std::string>& args,
                 const std::string& input = "") const {
    ProcessResult r = Run(args, input);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }

  // Runs `set KEY VALUE` for each pair in turn and requires success.
  void SetEach(
      const std::vector<std::pair<std::string, std::string>>& pairs) const {
    for (const auto& [key, value] : pairs) Ok({"set", key, value});
  }

  // Every file of the store directory with its bytes.
  std::map<std::string, std::string> Files() const {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      files[entry.path().filename()] = ReadFileBytes(entry.path());
    }
    return files;
  }

 private:
  TempDir tmp_;
  std::string dir_;
};

// The one error line a failed command prints.
inline void CheckOneErrorLine(const ProcessResult& r,
                              const std::string& start) {
  INFO("stderr: " << r.err);
  CHECK(r.err.rfind(start, 0) == 0);
  CHECK(r.err.find('\n') == r.err.size() - 1);
  CHECK(r.out.empty());
}

// A run refused as bad input: exit 2 and the one error line, which starts
// with `start`.
inline void CheckBadInput(const ProcessResult& r, const std::string& start) {
  CHECK(r.exit_code == 2);
  CheckOneErrorLine(r, start);
}

// The next line `process` prints: that it comes, that it starts with
// `start` and that it ends with `end`.
inline void CheckNextLine(ToolProcess& process, const std::string& start,
                          const std::string& end = "") {
  std::optional<std::string> line = process.ReadLine();
  REQUIRE(line);
  INFO("line: " << *line);
  CHECK(line->rfind(start, 0) == 0);
  CHECK(line->ends_with(end));
}

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_TOOLS_CLI_FIXTURE_H_
