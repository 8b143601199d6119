// The import subcommand of dotlog.
#ifndef DOTLOG_TOOLS_CLI_IMPORT_APP_H_
#define DOTLOG_TOOLS_CLI_IMPORT_APP_H_

#include <CLI/CLI.hpp>

#include "cli/backup_app.h"

namespace dotlog::cli {

// Adds `dotlog import json DIR [--skip-bad]` and `dotlog import sqlite
// FILE [--skip-bad]` to `app`; selecting it sets
// `*run`. Its options live in this file, not in `a`.
void AddImport(CLI::App& app, Args& a, CommandRunner* run);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_IMPORT_APP_H_
