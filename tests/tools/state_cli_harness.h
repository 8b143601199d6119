// The harness of the black-box tests of the dotfiles-state verbs: a store
// and wallpaper files in a fresh directory, `dotlog` (from $DOTLOG_BIN) run
// against them, and jq (required) to read the JSON it prints.
#ifndef DOTLOG_TESTS_TOOLS_STATE_CLI_HARNESS_H_
#define DOTLOG_TESTS_TOOLS_STATE_CLI_HARNESS_H_

#include <map>
#include <string>
#include <vector>

#include "run_process.h"
#include "support/temp_dir.h"

namespace dotlog::testing {

class StateCli {
 public:
  StateCli() : store_(tmp_.Join("store")) {}

  // tmp/name
  std::string Path(const std::string& name) const { return tmp_.Join(name); }
  // Writes tmp/name holding `content` and returns its path.
  std::string File(const std::string& name, const std::string& content) const;
  // Makes the directory tmp/name and returns its path.
  std::string Dir(const std::string& name) const;

  // dotlog --dir STORE args...
  ProcessResult Run(const std::vector<std::string>& args) const;
  // Runs and requires exit code 0 and nothing on standard error; returns
  // standard output.
  std::string Ok(const std::vector<std::string>& args) const;
  // Every file of the store directory with its bytes.
  std::map<std::string, std::string> StoreFiles() const;

 private:
  TempDir tmp_;
  std::string store_;
};

// jq -c FILTER on `json`, with `args` (such as --arg NAME VALUE) before the
// filter: its output, which must come with exit 0.
std::string Jq(const std::string& json, const std::string& filter,
               const std::vector<std::string>& args = {});
// True if `filter` prints exactly true for `json`.
bool JqHolds(const std::string& json, const std::string& filter,
             const std::vector<std::string>& args = {});

// A failed command: exit code `code`, one error line starting "dotlog: ",
// nothing on standard output.
void CheckFails(const ProcessResult& r, int code);
// A "no" answer: exit 1, nothing printed anywhere.
void CheckNo(const ProcessResult& r);

// A cached wallpaper with its effects and colour-scheme directories.
struct Cached {
  std::string path, effects, schemes;
};
// Writes tmp/name, its directories tmp/name.effects and tmp/name.schemes,
// and caches it naming both.
Cached CacheOne(const StateCli& cli, const std::string& name);

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_TOOLS_STATE_CLI_HARNESS_H_
