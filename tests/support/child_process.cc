#include "support/child_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>

namespace dotlog::testing {

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string ReadAll(int fd) {
  std::string out;
  char chunk[4096];
  for (;;) {
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<char> ReadByte(int fd) {
  char c;
  for (;;) {
    const ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    return c;
  }
}

bool ReadyToRead(int fd) {
  pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
  for (;;) {
    const int n = poll(&p, 1, /*timeout=*/0);
    if (n < 0 && errno == EINTR) continue;
    // An error counts as ready: a read would not block either.
    return n != 0;
  }
}

namespace {
void CloseFd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}
}  // namespace

Pipe::Pipe() {
  int fds[2];
  if (pipe(fds) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe");
  }
  read_fd_ = fds[0];
  write_fd_ = fds[1];
}

void Pipe::CloseRead() { CloseFd(&read_fd_); }
void Pipe::CloseWrite() { CloseFd(&write_fd_); }

std::optional<std::string> LineReader::Next() {
  for (;;) {
    if (const size_t nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    char chunk[4096];
    const ssize_t n = read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Kill();
}

int ChildProcess::Kill() {
  kill(pid_, SIGKILL);
  return Wait();
}

int ChildProcess::Wait() {
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return status;
}

bool ExitedWith(int status, int code) {
  return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

}  // namespace dotlog::testing
