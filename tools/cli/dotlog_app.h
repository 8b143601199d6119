// The `dotlog` command line: subcommands over one store directory.
#ifndef DOTLOG_TOOLS_CLI_DOTLOG_APP_H_
#define DOTLOG_TOOLS_CLI_DOTLOG_APP_H_

namespace dotlog::cli {

// Parses the command line, runs the subcommand and returns the exit code.
int RunDotlog(int argc, char** argv);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_DOTLOG_APP_H_
