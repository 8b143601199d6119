// `dotlog sync`: replication of the shared keys between machines through
// Redis (README, "Several machines").
#ifndef DOTLOG_TOOLS_CLI_SYNC_APP_H_
#define DOTLOG_TOOLS_CLI_SYNC_APP_H_

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/session.h"

namespace dotlog::cli {

// Adds the `sync` subcommand; selecting it sets `*run` to RunSync.
void AddSync(CLI::App& app, Args& a,
             absl::Status (**run)(Session&, const Args&));

// Without flags: publishes local changes and applies other machines' until
// killed, reconnecting with backoff and writing one line to standard error
// each time the error changes. --once: one round, then exit. --status
// (--json): how far this machine is behind, per machine.
absl::Status RunSync(Session& session, const Args& args);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_SYNC_APP_H_
