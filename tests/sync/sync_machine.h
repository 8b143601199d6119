// A machine for the replication tests against a real server: a
// LocalMachine and a connection.
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
#include "sync/local_machine.h"

namespace dotlog::testing {

inline const std::vector<std::string> kTestShared = {
    "state/wallpaper/favourite/", "state/colorscheme",
    "state/wallpaper/current#recent", "log:state/event/",
    "count:state/count/"};

struct Machine : LocalMachine {
  Machine(std::string name, int port, uint64_t max_length = 100000)
      : LocalMachine(std::move(name), kTestShared), port(port) {
    options.max_length = max_length;
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
  // Adds `by` to the shared counter `key`, as `dotlog incr` does.
  void Increment(const std::string& key, int64_t by) {
    REQUIRE_OK(store->Increment(key, by));
  }
  std::vector<RawStreamEntry> StreamEntries() {
    return Value(client->ReadAfter(options.stream, "0-0", 1000000));
  }

  int port;
  SyncRoundOptions options;
  std::unique_ptr<RedisClient> client;
};

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SYNC_SYNC_MACHINE_H_
