// A machine's local side for the replication tests: a store of its own and
// its replica, with a wall clock the test sets.
#ifndef DOTLOG_TESTS_SYNC_LOCAL_MACHINE_H_
#define DOTLOG_TESTS_SYNC_LOCAL_MACHINE_H_

#include <memory>
#include <string>
#include <vector>

#include "dotlog/sync/replica.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::testing {

struct LocalMachine {
  LocalMachine(std::string name, std::vector<std::string> shared)
      : name(std::move(name)), shared(std::move(shared)) {
    store = OpenOrDie(dir.path());
    Restart();
  }
  // As a new sync process would start.
  void Restart() {
    replica.reset();
    replica = Value(Replica::Open(
        store.get(), dir.path(),
        {.machine = name, .shared = shared, .wall_ms = [this] { return wall; }}));
  }
  void Put(const std::string& key, const std::string& value) {
    REQUIRE_OK(store->Put(key, value));
  }
  // The value, or "<why not>".
  std::string Get(const std::string& key) {
    absl::StatusOr<std::string> v = store->Get(key);
    return v.ok() ? *v : "<" + std::string(v.status().message()) + ">";
  }
  bool Has(const std::string& key) { return Value(store->Contains(key)); }

  std::string name;
  std::vector<std::string> shared;
  int64_t wall = 1000;
  TempDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<Replica> replica;
};

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SYNC_LOCAL_MACHINE_H_
