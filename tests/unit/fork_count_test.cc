// ForkCount: how a process tells that it is a forked child without asking
// for its pid; ProcessId, the pid asked for once.
#include "util/fork_count.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>

namespace dotlog {
namespace {

TEST_CASE(
    "a forked child sees one fork more than its parent saw at the fork, and "
    "the parent's count does not change",
    "[fork_count]") {
  const uint64_t before = ForkCount();
  CHECK(ForkCount() == before);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const bool one_more = ForkCount() == before + 1;
    // A grandchild counts once more again.
    const pid_t grandchild = fork();
    if (grandchild == 0) _exit(ForkCount() == before + 2 ? 0 : 1);
    int status = 0;
    const bool grandchild_ok = grandchild > 0 &&
                               waitpid(grandchild, &status, 0) == grandchild &&
                               WIFEXITED(status) && WEXITSTATUS(status) == 0;
    _exit(one_more && grandchild_ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(ForkCount() == before);
}

TEST_CASE("ProcessId is the process's pid, in a forked child the child's",
          "[fork_count]") {
  CHECK(ProcessId() == static_cast<uint64_t>(getpid()));
  const uint64_t parent = ProcessId();
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    _exit(ProcessId() == static_cast<uint64_t>(getpid()) && ProcessId() != parent ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(ProcessId() == parent);
}

}  // namespace
}  // namespace dotlog
