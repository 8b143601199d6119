#include "support/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>


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
  // Its log goes to a pipe, read until it says it is ready. (Plain pipe
  // calls: the black-box tests link their own ChildProcess, so this file
  // uses nothing of support/child_process.h.)
  int log[2];
  REQUIRE(pipe(log) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(log[1], STDOUT_FILENO);
    dup2(log[1], STDERR_FILENO);
    close(log[0]);
    close(log[1]);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp("redis-server", argv.data());
    const char message[] = "redis-server could not be run: is it installed?\n";
    (void)!write(STDOUT_FILENO, message, sizeof(message) - 1);
    _exit(127);
  }
  pid_ = pid;
  close(log[1]);
  std::string seen;
  bool ready = false;
  char buffer[4096];
  while (!ready) {
    const ssize_t n = read(log[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    seen.append(buffer, static_cast<size_t>(n));
    ready = seen.find("Ready to accept connections") != std::string::npos;
  }
  // The server's later log writes fail quietly (redis ignores SIGPIPE).
  close(log[0]);
  if (!ready) {
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    FAIL("redis-server did not start:\n" << seen);
  }
}

void RedisServer::Kill() {
  REQUIRE(pid_ > 0);
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace dotlog::testing
