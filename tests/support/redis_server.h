// A real redis-server for the replication tests: started by the test on a
// free loopback port with its data in a temporary directory, and stopped by
// it. Tests fail (never skip) when redis-server cannot be started.
#ifndef DOTLOG_TESTS_SUPPORT_REDIS_SERVER_H_
#define DOTLOG_TESTS_SUPPORT_REDIS_SERVER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace dotlog::testing {

// A loopback TCP port nothing listens on at the moment of the call.
int FreeLoopbackPort();

class RedisServer {
 public:
  // Starts the server (see Start). `extra` are more command-line options,
  // e.g. {"--requirepass", "s3cret"}. Fails the test if it cannot start.
  explicit RedisServer(std::vector<std::string> extra = {});
  // Stops the server if it runs.
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts redis-server on port(), data in the temporary directory with
  // every write fsynced (appendonly, appendfsync always), and returns once
  // it accepts connections (its log says so; nothing sleeps). Fails the
  // test, naming why, if it cannot be started or exits first.
  void Start();
  // SIGKILL: the server dies at once, keeping what it had fsynced.
  void Kill();
  bool running() const { return pid_ > 0; }

  int port() const { return port_; }

 private:
  TempDir dir_;
  std::vector<std::string> extra_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_REDIS_SERVER_H_
