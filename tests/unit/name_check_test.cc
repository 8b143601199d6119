// NameCheck: a number that stays the same only while no name in a directory
// changes, watched through the POSIX file system's inotify.
#include "store/name_check.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "support/fault_file_system.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::TempDir;
using testing::WriteFileBytes;

TEST_CASE(
    "a file created, renamed or removed in the directory changes the "
    "number, and writing to a file there does not",
    "[name_check]") {
  TempDir dir;
  WriteFileBytes(dir.Join("a"), "1");
  NameCheck names(DefaultFileSystem(), dir.path());
  const uint64_t first = names.Current();
  CHECK(first != 0);
  CHECK(names.Current() == first);

  WriteFileBytes(dir.Join("a"), "22");  // rewritten in place
  CHECK(names.Current() == first);

  WriteFileBytes(dir.Join("b"), "new");
  const uint64_t created = names.Current();
  CHECK(created != first);
  CHECK(names.Current() == created);

  REQUIRE(std::rename(dir.Join("b").c_str(), dir.Join("c").c_str()) == 0);
  const uint64_t renamed = names.Current();
  CHECK(renamed != created);

  REQUIRE(std::remove(dir.Join("c").c_str()) == 0);
  CHECK(names.Current() != renamed);
}

TEST_CASE(
    "a forked child's checks do not take the changes its parent has yet to "
    "see",
    "[name_check]") {
  TempDir dir;
  NameCheck names(DefaultFileSystem(), dir.path());
  const uint64_t before = names.Current();
  WriteFileBytes(dir.Join("made-before-the-fork"), "x");
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child's first check is a fresh start; its second reads its own
    // watcher. Neither may read the parent's queue.
    names.Current();
    names.Current();
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(names.Current() != before);
}

TEST_CASE(
    "where the directory cannot be watched, the number changes at every "
    "call",
    "[name_check]") {
  testing::FaultFileSystem fs;  // has no directory "/missing" to watch
  NameCheck names(&fs, "/missing");
  const uint64_t first = names.Current();
  CHECK(names.Current() != first);
}

}  // namespace
}  // namespace dotlog
