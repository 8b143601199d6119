// A machine for the replication tests against a real server: a store, its
// replica and a connection, with a wall clock the test sets.
#ifndef DOTLOG_TESTS_SYNC_SYNC_MACHINE_H_
#define DOTLOG_TESTS_SYNC_SYNC_MACHINE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dotlog/sync/redis_client.h"
#include "dotlog/sync/replica.h"
#include "dotlog/sync/sync_round.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::testing {

inline const std::vector<std::string> kTestShared = {
    "state/wallpaper/favourite/", "state/colorscheme",
    "state/wallpaper/current#recent"};

struct Machine {
  Machine(std::string name, int port, uint64_t max_length = 100000)
      : name(std::move(name)), port(port) {
    options.max_length = max_length;
    store = OpenOrDie(dir.path());
    replica = Value(Replica::Open(
        store.get(), dir.path(),
        {.machine = this->name, .shared = kTestShared,
         .wall_ms = [this] { return wall; }}));
    Reconnect();
  }
  void Reconnect() {
    client.reset();
    client = Value(RedisClient::Connect({.port = port}));
  }
  absl::Status TryRound() {
    return RunSyncRound(*replica, *client, options).status();
  }
  SyncRoundReport Round() {
    return Value(RunSyncRound(*replica, *client, options));
  }
  void Put(const std::string& key, const std::string& value) {
    REQUIRE_OK(store->Put(key, value));
  }
  std::string Get(const std::string& key) {
    absl::StatusOr<std::string> v = store->Get(key);
    return v.ok() ? *v : "<" + std::string(v.status().message()) + ">";
  }
  bool Has(const std::string& key) { return Value(store->Contains(key)); }
  // The live shared keys (whole-key rules) and their values.
  std::map<std::string, std::string> Shared() {
    std::map<std::string, std::string> out;
    for (const char* prefix : {"state/wallpaper/favourite/",
                               "state/colorscheme"}) {
      for (const Item& item : Value(store->List(prefix))) {
        out[item.key] = item.value;
      }
    }
    return out;
  }
  // How many versions of `key` the log holds (no compaction runs here).
  size_t VersionsOf(const std::string& key) {
    return Value(store->History(key, 1000)).size();
  }
  std::vector<RawStreamEntry> StreamEntries() {
    return Value(client->ReadAfter(options.stream, "0-0", 1000000));
  }

  std::string name;
  int port;
  int64_t wall = 1000;
  SyncRoundOptions options;
  TempDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<Replica> replica;
  std::unique_ptr<RedisClient> client;
};

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SYNC_SYNC_MACHINE_H_
