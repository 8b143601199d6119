// Catching up from the snapshot kept in Redis, through a real
// redis-server: a machine whose position was trimmed away from the stream
// (or that never read it) ends with the same shared state as the others.
#include <catch2/catch.hpp>

#include <string>

#include "dotlog/sync/redis_client.h"
#include "dotlog/sync/snapshot.h"
#include "dotlog/sync/sync_round.h"
#include "support/redis_server.h"
#include "support/status_helpers.h"
#include "sync/sync_machine.h"

namespace dotlog {
namespace {

using testing::Machine;
using testing::RedisServer;
using testing::Value;

const std::string kFav = "state/wallpaper/favourite/";
constexpr const char* kCurrent = "state/wallpaper/current";

TEST_CASE("A machine behind a trimmed stream catches up from the snapshot") {
  RedisServer server;
  // MAXLEN ~ 1: Redis trims whole nodes of 100 entries, so the stream
  // keeps only the last hundred or so.
  Machine a("a", server.port(), 1), b("b", server.port(), 1);
  a.Put(kFav + "gone", "1");
  a.Put(kFav + "kept", "1");
  a.Round();
  b.Round();
  REQUIRE(b.Get(kFav + "gone") == "1");

  // b is away while a writes more than the stream keeps, and deletes one.
  a.wall = 5000;
  for (int i = 0; i < 300; ++i) {
    a.Put(kFav + std::to_string(i), std::to_string(i));
    a.Round();
  }
  REQUIRE_OK(a.store->Delete(kFav + "gone"));
  a.Put(kCurrent, R"({"layout":1,"monitors":{"DP-1":{}},"recent":["/w"]})");
  a.Put("state/colorscheme", R"({"layout":1,"name":"nord"})");
  a.Round();
  // Meanwhile b changed the deleted key, earlier by the clocks: the delete
  // wins, in the snapshot too, and is not undone on either machine.
  b.wall = 2000;
  b.Put(kFav + "gone", "2");

  const SyncRoundReport report = b.Round();
  CHECK(report.from_snapshot);
  // 300 + gone + kept + recent + colour scheme.
  CHECK(report.snapshot_items == 304);
  a.Round();
  CHECK_FALSE(b.Has(kFav + "gone"));
  CHECK_FALSE(a.Has(kFav + "gone"));
  CHECK(b.Shared() == a.Shared());
  CHECK(b.Shared().size() == 302);  // 300 + kept + colour scheme
  CHECK(b.Get(kCurrent) == R"({"layout":1,"monitors":{},"recent":["/w"]})");

  // Caught up, b follows the stream again.
  a.Put(kFav + "after", "1");
  a.Round();
  CHECK_FALSE(b.Round().from_snapshot);
  CHECK(b.Get(kFav + "after") == "1");
}

TEST_CASE("A new machine joins a trimmed stream from the snapshot") {
  RedisServer server;
  Machine a("a", server.port(), 1);
  for (int i = 0; i < 250; ++i) {
    a.Put(kFav + std::to_string(i % 120), std::to_string(i));
    a.Round();
  }
  Machine c("c", server.port(), 1);
  c.options.read_count = 7;  // many batches
  const SyncRoundReport report = c.Round();
  CHECK(report.from_snapshot);
  CHECK(report.snapshot_items == 120);
  CHECK(c.Shared() == a.Shared());
  // The snapshot holds each item's newest version only, so the catch-up
  // wrote each key once.
  CHECK(c.VersionsOf(kFav + "5") == 1);
  CHECK(c.Get(kFav + "5") == "245");
}

TEST_CASE("The snapshot keeps each item's winning version, whatever the order") {
  RedisServer server;
  auto client = Value(RedisClient::Connect({.port = server.port()}));
  const std::string stream = "s";
  auto append = [&](const std::string& machine, Hlc hlc, bool deleted) {
    StreamEntry entry{.machine = machine, .seq = hlc, .hlc = hlc,
                      .changes = {{.item = "k", .deleted = deleted,
                                   .value = deleted ? "" : "\"" + machine +
                                                               "\""}}};
    REQUIRE_OK(client->AppendWithSnapshot(stream, SnapshotKey(stream),
                                          EncodeEntry(entry),
                                          SnapshotItemsOf(entry), 0));
  };
  auto stored = [&] {
    std::string value;
    REQUIRE_OK(client->ScanHash(SnapshotKey(stream),
                                [&](std::string, std::string v) {
                                  value = v;
                                  return absl::OkStatus();
                                }));
    return Value(DecodeSnapshotItem(value));
  };
  append("b", 100000, /*deleted=*/true);
  append("a", 99999, false);  // older: loses to the delete
  CHECK(stored().change.deleted);
  append("a", 100000, false);  // same clock, smaller name: loses
  CHECK(stored().machine == "b");
  append("c", 100000, false);  // same clock, greater name: wins
  CHECK(stored().change.value == "\"c\"");
  append("a", 1000000, false);  // a longer number is a later clock
  CHECK(stored().machine == "a");
  CHECK(Value(client->HashLength(SnapshotKey(stream))) == 1);
}

}  // namespace
}  // namespace dotlog
