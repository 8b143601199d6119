// The cleanup subcommand of dotlog.
#ifndef DOTLOG_TOOLS_CLI_CLEANUP_APP_H_
#define DOTLOG_TOOLS_CLI_CLEANUP_APP_H_

#include <CLI/CLI.hpp>
#include <string>

#include "absl/status/status.h"
#include "cli/commands.h"
#include "cli/session.h"
#include "dotlog/state/cleanup.h"

namespace dotlog::cli {

// What a subcommand runs once parsed (as in dotlog_app.cc).
using CommandRunner = absl::Status (*)(Session&, const Args&);

// Adds `dotlog cleanup [--dry-run] [--prune-files] [--json]` to `app`;
// selecting it sets `*run`. Its options live in its own file.
void AddCleanup(CLI::App& app, Args& a, CommandRunner* run);

// What `dotlog cleanup` prints for `report`: one line per thing removed (or
// that would be), then a summary line; or, with `json`, one JSON object.
std::string CleanupText(const CleanupReport& report, bool json);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_CLEANUP_APP_H_
