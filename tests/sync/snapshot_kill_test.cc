// A sync process killed with SIGKILL at random points while it catches up
// from the snapshot: after restarts, the machine holds exactly the other
// machine's shared state, each key written once, and every increment of a
// shared counter, on either machine, counted once.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "dotlog/sync/redis_client.h"
#include "dotlog/sync/replica.h"
#include "dotlog/sync/sync_round.h"
#include "support/child_process.h"
#include "support/process_helpers.h"
#include "support/redis_server.h"
#include "support/status_helpers.h"
#include "support/test_seed.h"
#include "sync/sync_machine.h"

namespace dotlog {
namespace {

using testing::ChildProcess;
using testing::Machine;
using testing::Pipe;

const std::string kFav = "state/wallpaper/favourite/";
std::string Counter(int k) { return "state/count/" + std::to_string(k); }

// A child that runs one sync round on the store in `dir`, writing a byte
// to `pipe` after each batch of snapshot items; exits 0 when the round
// succeeded, 1 on an error.
ChildProcess StartCatchUp(const std::string& dir, int port, Pipe& pipe) {
  return ChildProcess::Start([dir, port, &pipe] {
    pipe.CloseRead();
    auto store = Store::Open(dir, {});
    if (!store.ok()) return 1;
    auto replica = Replica::Open(store->get(), dir,
                                 {.machine = "b",
                                  .shared = testing::kTestShared});
    if (!replica.ok()) return 1;
    auto client = RedisClient::Connect({.port = port});
    if (!client.ok()) return 1;
    SyncRoundOptions options{
        .read_count = 5,
        .snapshot_progress = [&pipe](size_t) {
          testing::WriteAll(pipe.write_fd(), "b");
        }};
    return RunSyncRound(**replica, **client, options).ok() ? 0 : 1;
  });
}

TEST_CASE(
    "A catch-up from the snapshot killed at random points converges, and "
    "counts every increment once") {
  const uint64_t seed = testing::TestSeed();
  INFO("seed " << seed << " (replay: DOTLOG_TEST_SEED=" << seed << ")");
  std::mt19937_64 random(seed);
  testing::RedisServer server;
  Machine a("a", server.port(), /*max_length=*/1), b("b", server.port());
  for (int i = 0; i < 400; ++i) {
    a.Put(kFav + std::to_string(i), std::to_string(i));
    a.Increment(Counter(i % 10), 1);  // 40 each
    if (i % 20 == 19) a.Round();
    if (i == 39) b.Round();  // then b is away
  }
  for (int i = 0; i < 400; i += 7) {
    REQUIRE_OK(a.store->Delete(kFav + std::to_string(i)));
  }
  a.Round();
  REQUIRE(b.Has(kFav + "14"));  // a deleted it while b was away
  b.replica.reset();  // the children hold b's replica

  int kills = 0;
  bool done = false;
  for (int run = 0; !done; ++run) {
    Pipe pipe;
    ChildProcess child = StartCatchUp(b.dir.path(), server.port(), pipe);
    pipe.CloseWrite();
    // The first runs are killed after a random number of their batches (80
    // in all: 400 items, 5 a batch), wherever the next one is then; the
    // last one finishes.
    const uint64_t batches = run < 6 ? random() % 80 : UINT64_MAX;
    uint64_t seen = 0;
    while (seen < batches && testing::ReadByte(pipe.read_fd()).has_value()) {
      ++seen;
    }
    if (seen < batches) {  // the round ended first
      CHECK(testing::ExitedWith(child.Wait(), 0));
      done = true;
    } else {
      const int status = child.Kill();
      CHECK_FALSE(testing::ExitedWith(status, 1));  // it did not fail
      ++kills;
      b.Increment(Counter(0), 2);  // between two catch-ups' batches
    }
  }
  INFO(kills << " kills");
  CHECK(kills == 6);
  b.Restart();
  CHECK_FALSE(b.Round().from_snapshot);  // the position was kept
  a.Round();
  CHECK(b.Shared() == a.Shared());
  CHECK_FALSE(b.Has(kFav + "14"));
  for (const auto& [key, value] : a.Shared()) {
    INFO(key);
    CHECK(b.VersionsOf(key) == 1);
  }
  // Each contribution counted once, whichever batch it was in when killed.
  for (int k = 0; k < 10; ++k) {
    const std::string total = std::to_string(40 + (k == 0 ? 2 * kills : 0));
    INFO(Counter(k));
    CHECK(a.Get(Counter(k)) == total);
    CHECK(b.Get(Counter(k)) == total);
  }
}

}  // namespace
}  // namespace dotlog
