// The `dotlog-dump` command line.
#ifndef DOTLOG_TOOLS_CLI_DUMP_APP_H_
#define DOTLOG_TOOLS_CLI_DUMP_APP_H_

namespace dotlog::cli {

// Parses the command line, writes the dump and returns the exit code.
int RunDotlogDump(int argc, char** argv);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_DUMP_APP_H_
