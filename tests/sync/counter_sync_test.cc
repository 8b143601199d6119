// Counters shared under a "count:" rule, through a real redis-server:
// increments made on several machines while apart all count, once, on
// every machine, whether they arrive through the stream or through the
// snapshot.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>

#include "dotlog/sync/sync_round.h"
#include "support/redis_server.h"
#include "support/status_helpers.h"
#include "sync/sync_machine.h"

namespace dotlog {
namespace {

using testing::Machine;
using testing::RedisServer;

const std::string kClicks = "state/count/clicks";
const std::string kRuns = "state/count/runs";

// One sync round of each machine, in this order.
void Rounds(std::initializer_list<Machine*> order) {
  for (Machine* m : order) m->Round();
}

TEST_CASE("Increments made on three machines while apart all count on each") {
  RedisServer server;
  Machine a("a", server.port()), b("b", server.port()), c("c", server.port());
  // Apart: nobody syncs while every machine counts.
  for (int i = 0; i < 3; ++i) a.Increment(kClicks, 1);
  for (int i = 0; i < 5; ++i) b.Increment(kClicks, 2);
  c.Increment(kClicks, -1);
  a.Increment(kRuns, 7);
  for (int round = 0; round < 2; ++round) {
    for (Machine* m : {&a, &b, &c}) m->Round();
  }
  for (Machine* m : {&a, &b, &c}) {
    INFO("machine " << m->name);
    CHECK(m->Get(kClicks) == "12");  // 3 + 10 - 1
    CHECK(m->Get(kRuns) == "7");
  }

  // Apart again, on top of the merged count.
  a.Increment(kClicks, 100);
  c.Increment(kClicks, 1000);
  b.Increment(kRuns, 1);
  for (int round = 0; round < 2; ++round) {
    for (Machine* m : {&c, &b, &a}) m->Round();
  }
  for (Machine* m : {&a, &b, &c}) {
    INFO("machine " << m->name);
    CHECK(m->Get(kClicks) == "1112");
    CHECK(m->Get(kRuns) == "8");
  }
}

TEST_CASE("A counter's contributions survive a catch-up from the snapshot") {
  RedisServer server;
  // MAXLEN ~ 1: the stream keeps only the last hundred entries or so.
  Machine a("a", server.port(), 1), b("b", server.port(), 1);
  a.Increment(kClicks, 1);
  b.Increment(kClicks, 10);
  Rounds({&a, &b, &a});
  REQUIRE(a.Get(kClicks) == "11");
  REQUIRE(b.Get(kClicks) == "11");

  // b is away while a counts in more entries than the stream keeps; b
  // counts too.
  for (int i = 0; i < 300; ++i) {
    a.Increment(kClicks, 1);
    a.Round();
  }
  for (int i = 0; i < 7; ++i) b.Increment(kClicks, 1);
  const SyncRoundReport report = b.Round();
  CHECK(report.from_snapshot);
  a.Round();
  CHECK(b.Get(kClicks) == "318");  // 11 + 300 + 7
  CHECK(a.Get(kClicks) == "318");

  // A new machine starts from the snapshot: every machine's contribution.
  Machine c("c", server.port(), 1);
  CHECK(c.Round().from_snapshot);
  CHECK(c.Get(kClicks) == "318");
  c.Increment(kClicks, 2);
  Rounds({&c, &a, &b});
  CHECK(a.Get(kClicks) == "320");
  CHECK(b.Get(kClicks) == "320");
}

// b counts 10 and syncs, then loses its store; a counts 1 and syncs
// `rounds` times (with a stream of `max_length`, it may forget b's entry).
// A new store for b syncs once (from the snapshot or not) and must hold
// both contributions, then b's next increment must reach a.
void CheckRejoin(uint64_t max_length, int rounds, bool from_snapshot) {
  RedisServer server;
  Machine a("a", server.port(), max_length);
  {
    Machine b("b", server.port(), max_length);
    b.Increment(kClicks, 10);
    b.Round();
  }
  a.Increment(kClicks, 1);
  for (int i = 0; i < rounds; ++i) {
    a.Put("state/colorscheme", std::to_string(i));
    a.Round();
  }
  REQUIRE(a.Get(kClicks) == "11");
  Machine b("b", server.port(), max_length);  // a new store, the same name
  CHECK(b.Round().from_snapshot == from_snapshot);
  CHECK(b.Get(kClicks) == "11");
  b.Increment(kClicks, 2);
  b.Round();
  a.Round();
  CHECK(a.Get(kClicks) == "13");
  CHECK(b.Get(kClicks) == "13");
}

TEST_CASE(
    "A machine that lost its store gets its own contribution back from the "
    "snapshot") {
  CheckRejoin(/*max_length=*/1, /*rounds=*/200, /*from_snapshot=*/true);
}

TEST_CASE(
    "A machine that lost its store gets its own contribution back from the "
    "stream") {
  CheckRejoin(/*max_length=*/100000, /*rounds=*/1, /*from_snapshot=*/false);
}

}  // namespace
}  // namespace dotlog
