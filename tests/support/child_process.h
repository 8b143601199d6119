// Real processes for the multi-process and crash tests: fork()ed children
// that run a function and leave with _exit(), the pipes they talk through,
// and reading and writing those pipes a byte or a line at a time.
//
// A child uses only what it was given and pipes; it never returns into
// Catch2 (its exit status is the function's result). Pipes are the only
// synchronisation between processes: no test sleeps to wait for another.
#ifndef DOTLOG_TESTS_SUPPORT_CHILD_PROCESS_H_
#define DOTLOG_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <system_error>

namespace dotlog::testing {

// Writes all of `data` to `fd`, retrying on EINTR; false on error.
bool WriteAll(int fd, const std::string& data);
// Reads everything from `fd` until end of file (or an error).
std::string ReadAll(int fd);
// Reads one byte; nullopt at end of file (or on an error).
std::optional<char> ReadByte(int fd);
// True if a read of `fd` would not block now: bytes or end of file are
// waiting. Never blocks. For a child told to stop through a pipe.
bool ReadyToRead(int fd);

// Both ends of a pipe, closed when the object goes away. A process closes
// the end it does not use right after fork(), so that end of file arrives
// once the other side is done.
class Pipe {
 public:
  // Throws std::system_error if pipe(2) fails (Catch2 then fails the test
  // with the message).
  Pipe();
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  int read_fd() const { return read_fd_; }
  int write_fd() const { return write_fd_; }
  // Close one end; closing a closed end does nothing.
  void CloseRead();
  void CloseWrite();

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
};

// Reads '\n'-terminated lines from a file descriptor (not owned).
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}

  // The next line without its '\n', or nullopt at end of file. Bytes after
  // the last '\n' at end of file are kept in partial().
  std::optional<std::string> Next();
  const std::string& partial() const { return buffer_; }

 private:
  int fd_;
  std::string buffer_;
};

// A forked child. The child runs `body` and leaves with _exit(its result)
// (125 if it threw), never returning into Catch2. A child still running
// when the object goes away (say, after a failed REQUIRE) is killed and
// reaped.
class ChildProcess {
 public:
  // REQUIRES: `body` is callable as int(). Throws std::system_error if
  // fork() fails.
  template <typename Body>
  static ChildProcess Start(Body body) {
    const pid_t pid = fork();
    if (pid < 0) {
      throw std::system_error(errno, std::generic_category(), "fork");
    }
    if (pid == 0) {
      int code = 125;
      try {
        code = body();
      } catch (...) {
      }
      _exit(code);
    }
    return ChildProcess(pid);
  }

  ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) {
    other.pid_ = -1;
  }
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess();

  // The child's process id; -1 once it was reaped.
  pid_t pid() const { return pid_; }
  // Sends SIGKILL, reaps the child and returns its wait status.
  // REQUIRES: the child was not reaped yet.
  int Kill();
  // Waits for the child to end, reaps it and returns its wait status.
  // REQUIRES: the child was not reaped yet.
  int Wait();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
};

// True if wait status `status` says the process exited with `code`.
bool ExitedWith(int status, int code);

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_CHILD_PROCESS_H_
