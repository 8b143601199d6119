// The dotlog subcommands, given their parsed arguments. Each prints its
// output and returns the status that decides the exit code.
#ifndef DOTLOG_TOOLS_CLI_COMMANDS_H_
#define DOTLOG_TOOLS_CLI_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/session.h"

namespace dotlog::cli {

// Every argument and option any subcommand takes, as CLI11 filled them in.
struct Args {
  std::string key;
  std::vector<std::string> keys;  // del
  std::string value;              // set; "-" reads standard input
  std::optional<std::string> ttl;            // set --ttl; expire DURATION
  bool as_string = false;                    // set, cas --string
  bool if_absent = false;                    // set --if-absent
  std::string expected;                      // cas
  bool raw = false;                          // get --raw
  std::optional<std::string> default_value;  // get --default
  std::string by = "1";                      // incr
  std::string prefix;                        // ls, watch
  bool json = false;                         // ls --json, stats --json
  bool long_list = false;                    // ls -l
  std::string file;                          // load
  std::string format = "auto";               // load --format
  bool initial = false;                      // watch --initial
  bool exact = false;                        // watch --exact
  std::string watch_format = "json";         // watch --format
  std::optional<std::string> status_template;  // watch --template
  std::string count = "10";                  // history -n
  bool once = false;                         // sync --once
  bool status = false;                       // sync --status
};

absl::Status RunSet(Session& session, const Args& args);
absl::Status RunGet(Session& session, const Args& args);
absl::Status RunDel(Session& session, const Args& args);
absl::Status RunIncr(Session& session, const Args& args);
absl::Status RunCas(Session& session, const Args& args);
absl::Status RunExpire(Session& session, const Args& args);
absl::Status RunLs(Session& session, const Args& args);
absl::Status RunTtl(Session& session, const Args& args);
absl::Status RunHistory(Session& session, const Args& args);
absl::Status RunCompact(Session& session, const Args& args);
absl::Status RunVerify(Session& session, const Args& args);
absl::Status RunStats(Session& session, const Args& args);
absl::Status RunLoad(Session& session, const Args& args);
absl::Status RunWatchCommand(Session& session, const Args& args);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_COMMANDS_H_
