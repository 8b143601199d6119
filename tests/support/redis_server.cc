#include "support/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "support/child_process.h"

namespace dotlog::testing {

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  socklen_t len = sizeof(addr);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

RedisServer::RedisServer(std::vector<std::string> extra)
    : extra_(std::move(extra)), port_(FreeLoopbackPort()) {
  Start();
}

RedisServer::~RedisServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

void RedisServer::Start() {
  REQUIRE(pid_ < 0);
  std::vector<std::string> args = {
      "redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
      "--dir", dir_.path(), "--appendonly", "yes", "--appendfsync", "always",
      "--save", "", "--daemonize", "no"};
  args.insert(args.end(), extra_.begin(), extra_.end());
  Pipe log;
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(log.write_fd(), STDOUT_FILENO);
    dup2(log.write_fd(), STDERR_FILENO);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp("redis-server", argv.data());
    const char message[] = "redis-server could not be run: is it installed?\n";
    (void)!write(STDOUT_FILENO, message, sizeof(message) - 1);
    _exit(127);
  }
  pid_ = pid;
  log.CloseWrite();
  LineReader lines(log.read_fd());
  std::string seen;
  for (;;) {
    std::optional<std::string> line = lines.Next();
    if (!line.has_value()) {
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
      FAIL("redis-server did not start:\n" << seen << lines.partial());
    }
    seen += *line + "\n";
    if (line->find("Ready to accept connections") != std::string::npos) break;
  }
  // The log pipe closes here; the server's later writes to it fail quietly
  // (redis ignores SIGPIPE).
}

void RedisServer::Kill() {
  REQUIRE(pid_ > 0);
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace dotlog::testing
