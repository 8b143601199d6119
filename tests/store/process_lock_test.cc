// Several real processes on one store directory: the write lock neither
// outlives a killed holder nor ever blocks a reader, and a write that
// cannot take it in time fails with DeadlineExceeded naming the lock and
// writes nothing.
//
// Processes are fork()ed children that use only the dotlog API (or, to
// hold the lock, the file system) and pipes, and leave with _exit(). Pipes
// are the only synchronisation: no test sleeps to wait for another process.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "dotlog/file_system.h"
#include "dotlog/store.h"
#include "support/child_process.h"
#include "support/process_helpers.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------
// Holding the store's write lock from another process.

// A child that takes the store's write lock directly, through the file
// system, writes 'L' to `locked_fd`, and holds the lock until `release_fd`
// reaches end of file (or until it is killed).
int HoldWriteLock(const std::string& dir, int locked_fd, int release_fd) {
  auto lock = DefaultFileSystem()->OpenLock(dir + "/LOCK");
  if (!lock.ok()) return 2;
  if (!(*lock)->Lock(5000ms).ok()) return 3;
  if (!WriteAll(locked_fd, "L")) return 4;
  while (ReadByte(release_fd)) {
  }
  (*lock)->Unlock();
  return 0;
}

// Starts HoldWriteLock in a child and returns once the child holds the lock.
class LockHolder {
 public:
  explicit LockHolder(const std::string& dir)
      : child_(ChildProcess::Start([&] {
          locked_.CloseRead();
          release_.CloseWrite();
          return HoldWriteLock(dir, locked_.write_fd(), release_.read_fd());
        })) {
    locked_.CloseWrite();
    release_.CloseRead();
    REQUIRE(ReadByte(locked_.read_fd()) == 'L');
  }

  // Lets the child unlock and exit; returns its wait status.
  int Release() {
    release_.CloseWrite();
    return child_.Wait();
  }
  // Kills the child while it holds the lock; returns its wait status.
  int Kill() { return child_.Kill(); }

 private:
  Pipe locked_;   // child -> parent: "I hold the lock"
  Pipe release_;  // parent -> child: end of file means "let go"
  ChildProcess child_;
};

// ---------------------------------------------------------------------------
// The write lock.

// A store in a fresh directory whose writes wait up to `lock_timeout` for
// the write lock, and the options it was opened with.
struct LockFixture {
  explicit LockFixture(std::chrono::milliseconds lock_timeout)
      : dir(tmp.Join("store")) {
    options.lock_timeout = lock_timeout;
    store = OpenOrDie(dir, options);
  }

  TempDir tmp;
  const std::string dir;
  Options options;
  std::unique_ptr<Store> store;
};

TEST_CASE("a process killed while holding the write lock does not block others",
          "[process][lock]") {
  LockFixture f(0ms);
  LockHolder holder(f.dir);
  // The lock is held: a write that may not wait fails.
  REQUIRE(absl::IsDeadlineExceeded(f.store->Put("k", "1")));

  const int status = holder.Kill();
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  // The kernel released the dead holder's lock: no wait, no timeout.
  absl::Status s = f.store->Put("k", "2");
  INFO(s.ToString());
  REQUIRE_OK(s);
  CHECK(f.store->Get("k").value_or("") == "2");
  // So does a process that opens the store afresh.
  auto other = OpenOrDie(f.dir, f.options);
  CHECK_OK(other->Put("k", "3"));
  CHECK(f.store->Get("k").value_or("") == "3");
}

TEST_CASE(
    "a write fails with DeadlineExceeded naming the lock while another process "
    "holds it",
    "[process][lock]") {
  LockFixture f(50ms);
  REQUIRE_OK(f.store->Put("before", "1"));
  LockHolder holder(f.dir);

  const auto begin = std::chrono::steady_clock::now();
  absl::Status s = f.store->Put("k", "1");
  const auto waited = std::chrono::steady_clock::now() - begin;
  INFO(s.ToString());
  REQUIRE(absl::IsDeadlineExceeded(s));
  CHECK(std::string(s.message()).find(f.dir + "/LOCK") != std::string::npos);
  CHECK(waited >= 50ms);  // it waited for the lock, as long as allowed
  CHECK(waited < 5s);     // and no longer
  // Every kind of write is refused the same way, and none wrote anything.
  CHECK(absl::IsDeadlineExceeded(f.store->Delete("before")));
  WriteBatch batch;
  batch.Put("b", "1");
  CHECK(absl::IsDeadlineExceeded(f.store->Write(batch)));
  CHECK(absl::IsDeadlineExceeded(f.store->Increment("n", 1).status()));

  REQUIRE(ExitedWith(holder.Release(), 0));
  auto reopened = OpenOrDie(f.dir, f.options);
  auto keys = reopened->ListKeys("");
  REQUIRE_OK(keys);
  CHECK(*keys == std::vector<std::string>{"before"});
  // Once the holder let go, the same handle writes again.
  CHECK_OK(f.store->Put("k", "2"));
  CHECK(reopened->Get("k").value_or("") == "2");
}

TEST_CASE("readers never wait for the write lock", "[process][lock]") {
  LockFixture f(50ms);
  REQUIRE_OK(f.store->Put("mine", "1"));
  REQUIRE(absl::IsNotFound(f.store->Get("theirs").status()));

  // Another process writes, so this handle must catch up while the lock is
  // held by a third.
  ChildProcess writer = ChildProcess::Start([&] {
    auto other = Store::Open(f.dir, f.options);
    return other.ok() && (*other)->Put("theirs", "2").ok() ? 0 : 2;
  });
  REQUIRE(ExitedWith(writer.Wait(), 0));
  LockHolder holder(f.dir);

  const auto begin = std::chrono::steady_clock::now();
  CHECK(f.store->Get("mine").value_or("") == "1");
  CHECK(f.store->Get("theirs").value_or("") == "2");
  auto item = f.store->Lookup("theirs");
  REQUIRE_OK(item);
  CHECK(item->value == "2");
  CHECK(f.store->Contains("mine").value_or(false));
  auto keys = f.store->ListKeys("");
  REQUIRE_OK(keys);
  CHECK(*keys == std::vector<std::string>{"mine", "theirs"});
  auto items = f.store->List("");
  REQUIRE_OK(items);
  CHECK(items->size() == 2);
  auto stats = f.store->GetStats();
  REQUIRE_OK(stats);
  CHECK(stats->live_keys == 2);
  CHECK(stats->last_seq == 2);
  // A store opened while the lock is held reads too.
  auto late = OpenOrDie(f.dir, f.options);
  CHECK(late->Get("theirs").value_or("") == "2");
  const auto reads_took = std::chrono::steady_clock::now() - begin;
  CHECK(reads_took < 2s);

  // The lock really was held all along.
  CHECK(absl::IsDeadlineExceeded(f.store->Put("probe", "1")));
  REQUIRE(ExitedWith(holder.Release(), 0));
}

}  // namespace
}  // namespace dotlog::testing
