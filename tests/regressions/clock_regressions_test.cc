// A wrong clock: compaction must not drop keys on its word, and readings
// outside the times a store supports write nothing.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "dotlog/store.h"
#include "dotlog/write_batch.h"
#include "support/memory_env.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

using namespace std::chrono_literals;
using testing::Value;

constexpr auto kYear = std::chrono::hours(24 * 365);

struct Fixture : testing::MemoryEnv {
  Fixture() {
    options.auto_compact = false;
    store = Value(Store::Open("/s", options));
  }
  std::unique_ptr<Store> store;
};

TEST_CASE("a compaction under a clock far ahead of the log drops no key "
          "that the log's own time shows live",
          "[regression]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("month", "1", PutOptions{.ttl = 30 * 24h}));
  REQUIRE_OK(f.store->Put("forever", "2"));
  REQUIRE_OK(f.store->Put("second", "3", PutOptions{.ttl = 1s}));
  f.clock.Advance(1min);
  REQUIRE_OK(f.store->Put("newest", "4"));  // the log's time: 00:01

  // Ten years ahead, then set right again.
  f.clock.Advance(10 * kYear);
  REQUIRE_OK(f.store->Compact());
  f.clock.Advance(-10 * kYear);

  auto reopened = Value(Store::Open("/s", f.options));
  CHECK(Value(reopened->Get("month")) == "1");
  CHECK(Value(reopened->Get("forever")) == "2");
  CHECK(Value(reopened->Get("newest")) == "4");
  // Expired by the log's own time: dropped all the same.
  CHECK(absl::IsNotFound(reopened->Get("second").status()));
  CHECK(Value(reopened->GetStats()).records == 3);
}

TEST_CASE("a compaction under a clock less than a day ahead of the log "
          "drops the keys it shows expired",
          "[regression]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("hour", "1", PutOptions{.ttl = 1h}));
  REQUIRE_OK(f.store->Put("forever", "2"));
  f.clock.Advance(23h);
  REQUIRE_OK(f.store->Compact());
  const Stats stats = Value(f.store->GetStats());
  CHECK(stats.records == 1);
  CHECK(stats.live_keys == 1);
}

TEST_CASE("a clock outside 2000 to 2200 writes and compacts nothing, and "
          "says so",
          "[regression]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("a", "1"));
  // A system clock set past 2262 wraps around and reads as the 1600s or
  // 1700s; one in 2250 is merely wrong.
  const auto shift = GENERATE(-300 * kYear, -27 * kYear, 224 * kYear);
  f.clock.Advance(std::chrono::duration_cast<std::chrono::milliseconds>(shift));
  const uint64_t mutations = f.fs.mutation_count();

  WriteBatch batch;
  batch.Put("c", "3");
  for (const absl::Status& s :
       {f.store->Put("b", "2"), f.store->Write(batch), f.store->Delete("a"),
        f.store->Compact()}) {
    INFO(s.ToString());
    CHECK(absl::IsFailedPrecondition(s));
    CHECK(absl::StrContains(s.message(), "clock"));
    CHECK(absl::StrContains(s.message(), "2000-01-01"));
    CHECK(absl::StrContains(s.message(), "2200-01-01"));
  }
  CHECK(f.fs.mutation_count() == mutations);
  CHECK(Value(f.store->Get("a")) == "1");

  // Set right, the store goes on.
  f.clock.Advance(-std::chrono::duration_cast<std::chrono::milliseconds>(shift));
  CHECK_OK(f.store->Put("b", "2"));
  CHECK_OK(f.store->Compact());
}

}  // namespace
}  // namespace dotlog
