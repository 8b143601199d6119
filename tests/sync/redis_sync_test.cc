// Replication through a real redis-server, which each test starts on a
// free loopback port and stops.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>

#include "dotlog/sync/redis_client.h"
#include "dotlog/sync/replica.h"
#include "dotlog/sync/sync_round.h"
#include "support/redis_server.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"
#include "sync/sync_machine.h"

namespace dotlog {
namespace {

using testing::Machine;
using testing::RedisServer;
using testing::Value;

constexpr const char* kFav = "state/wallpaper/favourite/";

TEST_CASE("An unreachable server is one Unavailable line naming it") {
  const int port = testing::FreeLoopbackPort();
  absl::StatusOr<std::unique_ptr<RedisClient>> client =
      RedisClient::Connect({.port = port});
  INFO(client.status());
  CHECK(absl::IsUnavailable(client.status()));
  const std::string message(client.status().message());
  CHECK(message.find("redis at 127.0.0.1:" + std::to_string(port) +
                     ": unreachable") == 0);
  CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("A wrong or missing password is one PermissionDenied line") {
  RedisServer server({"--requirepass", "s3cret"});
  absl::StatusOr<std::unique_ptr<RedisClient>> wrong =
      RedisClient::Connect({.port = server.port(), .password = "nope"});
  CHECK(absl::IsPermissionDenied(wrong.status()));
  CHECK(std::string(wrong.status().message()).find("wrong password") !=
        std::string::npos);
  absl::StatusOr<std::unique_ptr<RedisClient>> none =
      RedisClient::Connect({.port = server.port()});
  CHECK(absl::IsPermissionDenied(none.status()));
  CHECK(std::string(none.status().message()).find("needs a password") !=
        std::string::npos);
  CHECK_OK(RedisClient::Connect({.port = server.port(), .password = "s3cret"}));
}

TEST_CASE("Shared changes arrive on every machine; per-machine keys stay") {
  RedisServer server;
  Machine a("a", server.port()), b("b", server.port()), c("c", server.port());
  a.Put(std::string(kFav) + "dune.png", R"({"layout":1})");
  a.Put("state/health/waybar", R"({"layout":1,"status":"ok"})");
  a.Put("state/wallpaper/current",
        R"({"layout":1,"monitors":{"DP-1":{"path":"/a"}},"recent":["/a"]})");
  b.Put("state/colorscheme", R"({"layout":1,"name":"nord"})");
  for (Machine* m : {&a, &b, &c}) m->Round();
  for (Machine* m : {&a, &b, &c}) m->Round();

  CHECK(c.Get(std::string(kFav) + "dune.png") == R"({"layout":1})");
  CHECK(c.Get("state/colorscheme") == R"({"layout":1,"name":"nord"})");
  CHECK(a.Get("state/colorscheme") == R"({"layout":1,"name":"nord"})");
  CHECK(c.Get("state/wallpaper/current") ==
        R"({"layout":1,"monitors":{},"recent":["/a"]})");
  CHECK_FALSE(c.Has("state/health/waybar"));
  CHECK_FALSE(b.Has("state/health/waybar"));
  // Nothing of the per-machine keys even reached the stream.
  for (const RawStreamEntry& raw : a.StreamEntries()) {
    for (const auto& [name, value] : raw.fields) {
      CHECK(value.find("health") == std::string::npos);
      CHECK(value.find("DP-1") == std::string::npos);
    }
  }
}

TEST_CASE("Machines writing the same keys while the server is down converge") {
  RedisServer server;
  Machine a("a", server.port()), b("b", server.port());
  a.Put(std::string(kFav) + "x", "0");
  a.Round();
  b.Round();
  server.Kill();
  b.wall = a.wall + 1000;  // b's clock is ahead: its writes are the later
  for (int i = 1; i <= 20; ++i) {
    a.wall += 1;
    b.wall += 1;
    a.Put(std::string(kFav) + "x", std::to_string(i));
    b.Put(std::string(kFav) + "x", std::to_string(100 + i));
    a.Put(std::string(kFav) + "a" + std::to_string(i), "1");
    b.Put(std::string(kFav) + "b" + std::to_string(i), "2");
    if (i == 10) REQUIRE_OK(b.store->Delete(std::string(kFav) + "a1"));
  }
  CHECK(absl::IsUnavailable(a.TryRound()));
  server.Start();
  for (int round = 0; round < 2; ++round) {
    a.Reconnect();
    b.Reconnect();
    a.Round();
    b.Round();
  }
  const auto shared_a = a.Shared(), shared_b = b.Shared();
  CHECK(shared_a == shared_b);
  CHECK(shared_a.size() == 41);
  // b wrote x last by the clocks: its value won everywhere.
  CHECK(shared_a.at(std::string(kFav) + "x") == "120");
}

TEST_CASE("A restart of the server mid-stream loses and repeats nothing") {
  RedisServer server;
  Machine a("a", server.port()), b("b", server.port());
  for (int i = 0; i < 50; ++i) {
    a.Put(std::string(kFav) + std::to_string(i), std::to_string(i));
    if (i % 10 == 9) a.Round();
    if (i == 25) {
      b.Round();
      server.Kill();
      server.Start();
      a.Reconnect();
      b.Reconnect();
    }
  }
  a.Round();
  b.Round();
  CHECK(b.Shared() == a.Shared());
  CHECK(b.Shared().size() == 50);
  CHECK(b.VersionsOf(std::string(kFav) + "3") == 1);
}

TEST_CASE("A malformed entry in the stream is reported, skipped, not applied") {
  RedisServer server;
  Machine a("a", server.port()), b("b", server.port());
  REQUIRE_OK(a.client->Append("dotlog:sync", {{"v", "9"}, {"m", "x"}}, 0));
  REQUIRE_OK(a.client->Append("dotlog:sync", {{"garbage", "1"}}, 0));
  a.Put(std::string(kFav) + "ok", "1");
  a.Round();
  const SyncRoundReport report = b.Round();
  CHECK(report.problems.size() == 2);
  CHECK(b.Get(std::string(kFav) + "ok") == "1");
}

}  // namespace
}  // namespace dotlog
