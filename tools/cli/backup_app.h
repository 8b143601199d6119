// The backup and restore subcommands of dotlog.
#ifndef DOTLOG_TOOLS_CLI_BACKUP_APP_H_
#define DOTLOG_TOOLS_CLI_BACKUP_APP_H_

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "cli/commands.h"
#include "cli/session.h"

namespace dotlog::cli {

// What a subcommand runs once parsed (as in dotlog_app.cc).
using CommandRunner = absl::Status (*)(Session&, const Args&);

// Add `dotlog backup [DIR] [--keep N]` and `dotlog restore FILE [--force]
// [--backup-dir DIR]` to `app`; selecting one sets `*run`. Their options
// live in this file, not in `a`.
void AddBackup(CLI::App& app, Args& a, CommandRunner* run);
void AddRestore(CLI::App& app, Args& a, CommandRunner* run);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_BACKUP_APP_H_
