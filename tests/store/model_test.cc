// A randomized test against a std::map model: thousands of puts, deletes,
// batches, expiries, increments, compactions (with history rules) and
// reopens, through two handles on one directory. Prints its seed; DOTLOG_TEST_SEED replays one.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>

#include "dotlog/store.h"
#include "support/fake_clock.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"
#include "support/test_seed.h"

namespace dotlog {
namespace {

using namespace std::chrono_literals;

struct ModelValue {
  std::string json;
  int64_t expires_ms = 0;  // 0: never
};

using Pairs = std::vector<std::pair<std::string, std::string>>;

// What differs between the store's pairs and the model's, one key a line.
std::string Diff(const Pairs& got, const Pairs& want) {
  std::map<std::string, std::pair<std::string, std::string>> all;
  for (const auto& [k, v] : got) all[k].first = v;
  for (const auto& [k, v] : want) all[k].second = v;
  std::string out;
  for (const auto& [k, v] : all) {
    if (v.first != v.second) {
      out += k + ": store " + (v.first.empty() ? "(absent)" : v.first) +
             ", model " + (v.second.empty() ? "(absent)" : v.second) + "\n";
    }
  }
  return out;
}

class ModelTest {
 public:
  explicit ModelTest(uint64_t seed) : rng_(seed) {
    options_.clock = &clock_;
    options_.sync = SyncMode::kNone;
    options_.segment_bytes = 16 << 10;  // several rollovers per run
    options_.auto_compact = false;
    options_.history = {{"k/", 3, std::chrono::milliseconds(0)},
                        {"with space/", 0, std::chrono::milliseconds(4000)}};
    Reopen(0);
    Reopen(1);
  }

  void Step() {
    const int dice = Uniform(0, 99);
    if (dice < 40) {
      Put();
    } else if (dice < 55) {
      Delete();
    } else if (dice < 65) {
      Batch();
    } else if (dice < 70) {
      Increment();
    } else if (dice < 75) {
      clock_.Advance(std::chrono::milliseconds(Uniform(0, 5000)));
    } else if (dice < 77) {
      Reopen(Uniform(0, 1));
    } else if (dice < 79) {
      REQUIRE_OK(AnyStore().Compact());
    } else {
      CheckOneKey();
    }
  }

  void CheckEverything() {
    for (auto& store : stores_) {
      auto items = store->List("");
      REQUIRE_OK(items);
      Pairs got, want;
      for (const Item& item : *items) got.emplace_back(item.key, item.value);
      for (const auto& [key, v] : model_) {
        if (Live(v)) want.emplace_back(key, v.json);
      }
      REQUIRE(Diff(got, want) == "");
      REQUIRE(store->Damage().empty());
    }
    // A writer indexes its own records from what it encoded, a new handle
    // from the files: their figures must agree.
    auto fresh = Store::Open(dir_.path(), options_);
    REQUIRE_OK(fresh);
    const Stats want = testing::Value((*fresh)->GetStats());
    for (auto& store : stores_) {
      const Stats got = testing::Value(store->GetStats());
      CHECK(got.live_keys == want.live_keys);
      CHECK(got.live_bytes == want.live_bytes);
      CHECK(got.total_bytes == want.total_bytes);
      CHECK(got.last_seq == want.last_seq);
    }
  }

 private:
  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  Store& AnyStore() { return *stores_[Uniform(0, 1)]; }
  int64_t NowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               const_cast<testing::FakeClock&>(clock_).Now().time_since_epoch())
        .count();
  }
  bool Live(const ModelValue& v) const {
    return v.expires_ms == 0 || v.expires_ms > NowMs();
  }

  std::string Key() {
    static const std::vector<std::string> kStems = {
        "wallpaper/current/DP-1", "wallpaper/current/HDMI-A-1", "k",
        "with space", "quote\"d", "back\\slash", "new\nline", "caf\xC3\xA9",
        "emoji \xF0\x9F\x98\x80", "sep\xE2\x80\xA8"};
    return kStems[Uniform(0, kStems.size() - 1)] + "/" + std::to_string(Uniform(0, 7));
  }
  std::string Value() {
    switch (Uniform(0, 3)) {
      case 0: return std::to_string(Uniform(-1000, 1000));
      case 1: return "\"" + std::string(Uniform(0, 300), 'a' + Uniform(0, 25)) + "\"";
      case 2: return "{\"n\":" + std::to_string(Uniform(0, 99)) + ",\"ok\":true}";
      default: return "[null,\"x\\ny\",1.5]";
    }
  }
  PutOptions Expiry(int64_t* expires_ms) {
    *expires_ms = 0;
    if (Uniform(0, 4) != 0) return {};
    const auto ttl = std::chrono::milliseconds(Uniform(1, 20000));
    *expires_ms = NowMs() + ttl.count();
    return {.ttl = ttl};
  }

  void Put() {
    const std::string key = Key(), value = Value();
    int64_t expires_ms;
    const PutOptions options = Expiry(&expires_ms);
    REQUIRE_OK(AnyStore().Put(key, value, options));
    model_[key] = {value, expires_ms};
  }
  void Delete() {
    const std::string key = Key();
    REQUIRE_OK(AnyStore().Delete(key));
    model_.erase(key);
  }
  void Batch() {
    WriteBatch batch;
    std::map<std::string, std::optional<ModelValue>> effects;
    const int n = Uniform(1, 6);
    for (int i = 0; i < n; ++i) {
      const std::string key = Key();
      if (Uniform(0, 3) == 0) {
        batch.Delete(key);
        effects[key].reset();
      } else {
        const std::string value = Value();
        int64_t expires_ms;
        const PutOptions options = Expiry(&expires_ms);
        batch.Put(key, value, options);
        effects[key] = ModelValue{value, expires_ms};
      }
    }
    REQUIRE_OK(AnyStore().Write(batch));
    for (auto& [key, effect] : effects) {
      if (effect) model_[key] = *effect; else model_.erase(key);
    }
  }
  void Increment() {
    const std::string key = "counter/" + std::to_string(Uniform(0, 2));
    const int by = Uniform(-5, 5);
    auto got = AnyStore().Increment(key, by);
    REQUIRE_OK(got);
    auto it = model_.find(key);
    const int64_t before = it != model_.end() && Live(it->second) ? std::stoll(it->second.json) : 0;
    REQUIRE(*got == before + by);
    model_[key] = {std::to_string(before + by), 0};
  }
  void Reopen(int which) {
    stores_[which].reset();
    auto store = Store::Open(dir_.path(), options_);
    REQUIRE_OK(store);
    stores_[which] = std::move(*store);
  }
  void CheckOneKey() {
    const std::string key = Key();
    auto got = AnyStore().Get(key);
    auto it = model_.find(key);
    if (it == model_.end() || !Live(it->second)) {
      REQUIRE(absl::IsNotFound(got.status()));
    } else {
      REQUIRE_OK(got);
      REQUIRE(*got == it->second.json);
    }
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  Options options_;
  std::mt19937_64 rng_;
  std::unique_ptr<Store> stores_[2];
  std::map<std::string, ModelValue> model_;
};

TEST_CASE("the store behaves like a std::map through puts, deletes, batches, "
          "expiry, increments, compactions and reopens by two handles",
          "[model]") {
  for (int run = 0; run < 4; ++run) {
    const uint64_t seed = testing::TestSeed("model_test") + run;
    std::cout << "model test seed " << seed << " (replay: DOTLOG_TEST_SEED=" << seed << ")\n";
    INFO("seed " << seed);
    ModelTest test(seed);
    for (int step = 0; step < 3000; ++step) {
      INFO("step " << step);
      test.Step();
      if (step % 500 == 499) test.CheckEverything();
    }
    test.CheckEverything();
  }
}

}  // namespace
}  // namespace dotlog
