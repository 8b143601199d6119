// Sync processes killed with SIGKILL at random points lose and repeat
// nothing: after restarts, the other machine holds every shared change
// exactly once, and a counter both machines increment counts every
// increment once.
#include <catch2/catch.hpp>

#include <memory>
#include <random>
#include <string>

#include "dotlog/sync/redis_client.h"
#include "dotlog/sync/replica.h"
#include "dotlog/sync/sync_round.h"
#include "support/child_process.h"
#include "support/process_helpers.h"
#include "support/redis_server.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"
#include "support/test_seed.h"
#include "sync/sync_machine.h"

namespace dotlog {
namespace {

using testing::ChildProcess;
using testing::Machine;

const std::string kCount = "state/count/n";

// A child running sync rounds on the store in `dir` until killed; exits 1
// on the first error other than a lost connection.
ChildProcess StartSync(const std::string& dir, const std::string& machine,
                       int port) {
  return ChildProcess::Start([dir, machine, port] {
    auto store = Store::Open(dir, {});
    if (!store.ok()) return 1;
    auto replica = Replica::Open(
        store->get(), dir, {.machine = machine, .shared = testing::kTestShared});
    if (!replica.ok()) return 1;
    auto client = RedisClient::Connect({.port = port});
    if (!client.ok()) return 1;
    for (;;) {
      auto round = RunSyncRound(**replica, **client, {});
      if (!round.ok()) return 1;
    }
  });
}

TEST_CASE("Sync processes killed at random points lose and repeat nothing") {
  const uint64_t seed = testing::TestSeed();
  INFO("seed " << seed << " (replay: DOTLOG_TEST_SEED=" << seed << ")");
  std::mt19937_64 random(seed);
  testing::RedisServer server;
  Machine a("a", server.port()), b("b", server.port());
  a.replica.reset();  // the sync processes hold the stores' replicas
  b.replica.reset();
  std::optional<ChildProcess> sync_a(StartSync(a.dir.path(), "a", server.port()));
  std::optional<ChildProcess> sync_b(StartSync(b.dir.path(), "b", server.port()));
  int kills = 0;
  for (int i = 0; i < 400; ++i) {
    a.Put("state/wallpaper/favourite/" + std::to_string(i),
          std::to_string(i));
    b.Put("state/colorscheme", std::to_string(i));  // b's own, published
    a.Increment(kCount, 1);
    b.Increment(kCount, 2);
    if (random() % 20 == 0) {
      Machine& m = random() % 2 ? a : b;
      std::optional<ChildProcess>& victim = &m == &a ? sync_a : sync_b;
      const int status = victim->Kill();
      CHECK_FALSE(testing::ExitedWith(status, 1));  // it did not fail
      ++kills;
      victim.reset();
      victim.emplace(StartSync(m.dir.path(), m.name, server.port()));
    }
  }
  sync_a->Kill();
  sync_b->Kill();
  INFO(kills << " kills");
  // Fresh replicas, as after a last restart, catch up in two rounds.
  for (Machine* m : {&a, &b}) {
    m->replica.reset();
    m->replica = testing::Value(Replica::Open(
        m->store.get(), m->dir.path(),
        {.machine = m->name, .shared = testing::kTestShared}));
  }
  a.Round();
  b.Round();
  a.Round();
  CHECK(b.Shared() == a.Shared());
  CHECK(b.Shared().size() == 401);
  CHECK(a.Get("state/colorscheme") == "399");
  // An increment lost or applied twice on either side would show here.
  INFO("a: " << a.Get("sync/count/" + kCount) << ", b: "
             << b.Get("sync/count/" + kCount));
  CHECK(a.Get(kCount) == "1200");
  CHECK(b.Get(kCount) == "1200");
  // Each favourite was written once on a; a second apply on b would have
  // left a second version in b's log.
  for (int i = 0; i < 400; ++i) {
    const std::string key = "state/wallpaper/favourite/" + std::to_string(i);
    INFO(key);
    CHECK(b.VersionsOf(key) == 1);
  }
}

}  // namespace
}  // namespace dotlog
