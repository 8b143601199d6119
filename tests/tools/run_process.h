// Running the built tools as child processes, for black-box tests.
#ifndef DOTLOG_TESTS_TOOLS_RUN_PROCESS_H_
#define DOTLOG_TESTS_TOOLS_RUN_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dotlog::testing {

// Environment changes for a child: a value sets the variable, nullopt
// removes it. Everything else is inherited.
using EnvChanges =
    std::vector<std::pair<std::string, std::optional<std::string>>>;

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + the signal that killed it
  std::string out;     // everything written to standard output
  std::string err;     // everything written to standard error
};

// Runs `argv` (argv[0] is a path or a name looked up in PATH) with `input`
// on standard input and waits for it to end.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::string& input = "",
                         const EnvChanges& env = {});

// A running child whose standard output is read line by line. Its standard
// input is /dev/null and its standard error is inherited.
class ToolProcess {
 public:
  explicit ToolProcess(const std::vector<std::string>& argv,
                        const EnvChanges& env = {});
  ~ToolProcess();  // kills the child (SIGKILL) if it was not waited for
  ToolProcess(const ToolProcess&) = delete;
  ToolProcess& operator=(const ToolProcess&) = delete;

  // Blocks until the child writes a whole line; returns it without its
  // '\n', or nullopt once its standard output is closed.
  std::optional<std::string> ReadLine();
  // Sends `signal` to the child.
  void Signal(int signal);
  // Waits for the child to end; returns its exit code as ProcessResult's.
  int Wait();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;  // bytes read past the last line returned
};

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_TOOLS_RUN_PROCESS_H_
