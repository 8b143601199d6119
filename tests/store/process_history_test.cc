// Deletes, history retention and compaction across real processes: deleted
// keys stay deleted, with history retention on, through any sequence of
// writes and compactions (each step in a new process) and reopens, as seen
// by a handle that lives across them and by one opened afresh.
//
// Processes are fork()ed children that use only the dotlog API, and leave
// with _exit(). The test waits for each to exit: no test sleeps to wait
// for another process.
// Replay a failure with DOTLOG_TEST_SEED=<seed the run printed>.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "dotlog/store.h"
#include "support/child_process.h"
#include "support/process_helpers.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"
#include "support/test_seed.h"

namespace dotlog::testing {
namespace {

// Keys under two history rules ("v/": newest 3 versions, "t/": a day's
// worth, that is all of them) and under none ("n/").
std::vector<std::string> HistoryTestKeys() {
  std::vector<std::string> keys;
  for (const char* prefix : {"v/", "t/", "n/"}) {
    for (int i = 0; i < 5; ++i) keys.push_back(prefix + std::to_string(i));
  }
  return keys;
}

// One write of the test below: a put (live, or expired at once), a delete,
// or a batch of such operations.
struct HistoryOp {
  bool is_delete = false;
  bool expired = false;  // a put whose expiry is already past
  std::string key;
  std::string value;
};
using HistoryWrite = std::vector<HistoryOp>;  // one op, or a batch

HistoryWrite RandomHistoryWrite(std::mt19937_64& rng, uint64_t* serial) {
  static const std::vector<std::string> keys = HistoryTestKeys();
  HistoryWrite write(rng() % 3 == 0 ? 2 + rng() % 3 : 1);
  for (size_t i = 0; i < write.size(); ++i) {
    HistoryOp& op = write[i];
    // Half the time a batch writes the previous operation's key again:
    // several versions of a key under one sequence number.
    op.key =
        i > 0 && rng() % 2 == 0 ? write[i - 1].key : keys[rng() % keys.size()];
    const uint64_t kind = rng() % 10;
    op.is_delete = kind < 4;
    op.expired = kind == 4;
    if (!op.is_delete) op.value = std::to_string(++*serial);
  }
  return write;
}

absl::Status ApplyHistoryWrite(Store& store, const HistoryWrite& write) {
  const PutOptions expired{.expires_at = std::chrono::system_clock::now() -
                                         std::chrono::hours(1)};
  if (write.size() == 1) {
    const HistoryOp& op = write[0];
    if (op.is_delete) return store.Delete(op.key);
    return store.Put(op.key, op.value, op.expired ? expired : PutOptions{});
  }
  WriteBatch batch;
  for (const HistoryOp& op : write) {
    if (op.is_delete) {
      batch.Delete(op.key);
    } else {
      batch.Put(op.key, op.value, op.expired ? expired : PutOptions{});
    }
  }
  return store.Write(batch);
}

// "put v/1=7", "del t/0", "put n/2=8 (expired)", or "batch[...; ...]".
std::string Describe(const HistoryWrite& write) {
  std::string out;
  for (const HistoryOp& op : write) {
    if (!out.empty()) out += "; ";
    out += op.is_delete ? "del " + op.key : "put " + op.key + "=" + op.value;
    if (op.expired) out += " (expired)";
  }
  return write.size() == 1 ? out : "batch[" + out + "]";
}

void ModelHistoryWrite(const HistoryWrite& write,
                       std::map<std::string, std::string>* model) {
  for (const HistoryOp& op : write) {
    if (op.is_delete || op.expired) {
      model->erase(op.key);
    } else {
      (*model)[op.key] = op.value;
    }
  }
}

// Checks `store` against `model`: the same live keys and values, every
// other key invisible to Get and Contains, and each key's history starting
// with its current state: its value, or a delete or an expired put (or
// nothing, once compaction dropped the key). Returns the most versions any
// live key had.
size_t CheckHistoryStore(Store& store,
                         const std::map<std::string, std::string>& model) {
  // The first step that goes wrong ends the test: later ones would only
  // repeat it.
  REQUIRE(ContentsDiff(store, model) == "");
  size_t most_versions = 0;
  const auto now = std::chrono::system_clock::now();
  for (const std::string& key : HistoryTestKeys()) {
    INFO("key " << key);
    auto history = store.History(key, 100);
    INFO(history.status().ToString());
    REQUIRE_OK(history);
    const auto it = model.find(key);
    if (it == model.end()) {
      CHECK(absl::IsNotFound(store.Get(key).status()));
      CHECK_FALSE(store.Contains(key).value_or(true));
      if (!history->empty()) {
        const KeyVersion& newest = history->front();
        CHECK((newest.deleted ||
               (newest.expires_at && *newest.expires_at <= now)));
      }
    } else {
      CHECK(store.Get(key).value_or("") == it->second);
      REQUIRE_FALSE(history->empty());
      CHECK_FALSE(history->front().deleted);
      CHECK(history->front().value == it->second);
      most_versions = std::max(most_versions, history->size());
    }
  }
  return most_versions;
}

TEST_CASE(
    "deleted keys stay deleted through any sequence of compactions and "
    "reopens, with history retention on",
    "[process][compaction]") {
  const uint64_t seed = ReportedTestSeed();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options = SmallSegments(SyncMode::kNone);
  options.history = {{"v/", 3, std::chrono::milliseconds(0)},
                     {"t/", 0, std::chrono::hours(24)}};

  // A handle that lives across the other processes' writes and
  // compactions, reopened now and then.
  auto watcher = OpenOrDie(dir, options);
  std::map<std::string, std::string> model;
  uint64_t serial = 0;
  size_t most_versions_after_compaction = 0;
  int compactions = 0;
  for (int step = 0; step < 400; ++step) {
    // Each step runs in a new process: some writes, a compaction, or both
    // (writes, compaction, writes); or the watcher is reopened.
    const uint64_t kind = rng() % 10;
    std::string what = "reopen of the watcher";
    if (kind == 9) {
      INFO("step " << step << ": " << what);
      watcher.reset();
      watcher = OpenOrDie(dir, options);
    } else {
      std::vector<HistoryWrite> before, after;
      const bool compact = kind >= 5;
      const uint64_t writes = kind < 5 || kind >= 8 ? 1 + rng() % 6 : 0;
      for (uint64_t i = 0; i < writes; ++i) {
        (i % 2 == 0 || !compact ? before : after)
            .push_back(RandomHistoryWrite(rng, &serial));
      }
      what = "a new process ran:";
      for (const HistoryWrite& w : before) what += " " + Describe(w) + ",";
      if (compact) what += " Compact(),";
      for (const HistoryWrite& w : after) what += " " + Describe(w) + ",";
      what.pop_back();
      ChildProcess child = ChildProcess::Start([&] {
        auto store = Store::Open(dir, options);
        if (!store.ok()) return 2;
        for (const HistoryWrite& w : before) {
          if (!ApplyHistoryWrite(**store, w).ok()) return 3;
        }
        if (compact && !(*store)->Compact().ok()) return 4;
        for (const HistoryWrite& w : after) {
          if (!ApplyHistoryWrite(**store, w).ok()) return 5;
        }
        return 0;
      });
      INFO("step " << step << ": " << what);
      REQUIRE(ExitedWith(child.Wait(), 0));
      for (const HistoryWrite& w : before) ModelHistoryWrite(w, &model);
      for (const HistoryWrite& w : after) ModelHistoryWrite(w, &model);
      if (compact) ++compactions;
    }
    INFO("step " << step << ": " << what);
    const size_t most = CheckHistoryStore(*watcher, model);
    auto fresh = OpenOrDie(dir, options);
    CheckHistoryStore(*fresh, model);
    CHECK(fresh->Damage().empty());
    if (kind >= 5 && kind < 8) {
      most_versions_after_compaction =
          std::max(most_versions_after_compaction, most);
    }
  }
  CHECK(watcher->Damage().empty());
  WARN(compactions << " compactions; most versions of a live key right "
                   << "after one: " << most_versions_after_compaction);
  // Otherwise history retention was never put to the test.
  CHECK(most_versions_after_compaction > 1);
}

}  // namespace
}  // namespace dotlog::testing
