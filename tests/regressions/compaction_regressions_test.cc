// Compaction that fails or is misconfigured: what it leaves behind and
// whether it goes on.
#include <catch2/catch.hpp>

#include <string>

#include "absl/strings/match.h"
#include "dotlog/store.h"
#include "format/record.h"
#include "support/fake_clock.h"
#include "support/fault_file_system.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/store_model.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::FaultFileSystem;

constexpr char kDir[] = "/store";
constexpr int64_t kTs = 1767225600000;

// A store on a FaultFileSystem with a few overwritten keys to compact.
struct Fixture {
  Fixture() {
    options.sync = SyncMode::kAlways;
    options.segment_bytes = 4096;
    options.auto_compact = false;
    options.file_system = &fs;
    options.clock = &clock;
    store = testing::Value(Store::Open(kDir, options));
    for (int i = 0; i < 60; ++i) {
      REQUIRE_OK(store->Put("k" + std::to_string(i % 12), std::to_string(i)));
    }
  }

  bool HasCompactionLeftover() {
    for (const std::string& name : testing::Value(fs.ListDir(kDir))) {
      if (absl::EndsWith(name, ".compacting")) return true;
    }
    return false;
  }

  FaultFileSystem fs;
  testing::FakeClock clock;
  Options options;
  std::unique_ptr<Store> store;
};

TEST_CASE("a compaction that runs out of space removes what it wrote, and "
          "the store goes on",
          "[regression]") {
  // Fail each mutation point of a compaction in turn with ENOSPC, until a
  // compaction completes before reaching the point.
  for (uint64_t step = 0;; ++step) {
    Fixture f;
    const testing::State before = testing::ReadState(*f.store);
    const uint64_t point = f.fs.mutation_count() + 1 + step;
    f.fs.FailAtPoint(point, absl::ResourceExhaustedError("No space left on device"),
                     100);
    const absl::Status s = f.store->Compact();
    if (s.ok()) break;
    INFO("point " << point << ": " << f.fs.DescribePoint(point) << " -> "
                  << s.ToString());
    CHECK(absl::IsResourceExhausted(s));
    CHECK_FALSE(f.HasCompactionLeftover());
    CHECK(testing::ReadState(*f.store) == before);
    absl::Status next = f.store->Put("after", "1");
    if (absl::IsFailedPrecondition(next)) {
      // A failed sync of a segment (sealing it) poisons the handle, as
      // README "Durability" says; a reopened store goes on.
      CHECK(absl::StrContains(next.message(), "reopen"));
      f.store = testing::Value(Store::Open(kDir, f.options));
      next = f.store->Put("after", "1");
    }
    CHECK_OK(next);
    CHECK_OK(f.store->Compact());
    CHECK_FALSE(f.HasCompactionLeftover());
    REQUIRE(step < 100);
  }
}

TEST_CASE("history rules with a misspelt field are refused when set, naming "
          "the field",
          "[regression]") {
  testing::TempDir tmp;
  Options options;
  options.sync = SyncMode::kNone;
  auto store = testing::OpenOrDie(tmp.path(), options);
  const absl::Status s = store->Put(
      ".dotlog/history", R"([{"prefix":"events/","keep_version":3}])");
  CHECK(absl::IsInvalidArgument(s));
  CHECK(absl::StrContains(s.message(), "keep_version"));
  CHECK(absl::StrContains(s.message(), "rule 1"));
  CHECK(absl::IsNotFound(store->Get(".dotlog/history").status()));
  CHECK(store->GetStats()->records == 0);
  CHECK_OK(store->Put(".dotlog/history",
                      R"([{"prefix":"events/","keep_versions":3}])"));
}

TEST_CASE("broken stored history rules do not stop automatic compaction",
          "[regression]") {
  testing::TempDir tmp;
  {
    // Rules written before they were checked on write.
    std::string bytes;
    EncodeHeader(1, 4096, kTs, &bytes);
    EncodeRecord(1, kTs,
                 {Mutation{false, ".dotlog/history", R"([{"keep_version":3}])", 0}},
                 &bytes);
    testing::WriteFileBytes(tmp.Join("segment-000001.jsonl"), bytes);
  }
  Options options;
  options.sync = SyncMode::kNone;
  options.segment_bytes = 4096;
  options.compaction_min_bytes = 16 << 10;
  auto store = testing::OpenOrDie(tmp.path(), options);
  // Short-lived keys: a compaction drops each once it is deleted.
  for (int i = 0; i < 2000; ++i) {
    const std::string key = "tmp/" + std::to_string(i);
    REQUIRE_OK(store->Put(key, std::to_string(i)));
    REQUIRE_OK(store->Delete(key));
  }
  const Stats stats = testing::Value(store->GetStats());
  INFO("total bytes " << stats.total_bytes << ", records " << stats.records);
  // 4000 records of about 100 bytes each were written; compaction kept the
  // store far smaller.
  CHECK(stats.total_bytes < 100 << 10);
  CHECK(stats.records < 2000);
}

// Expired values were counted as live, so a store of 6,000 expired keys
// (1.7 MB) never reached the dead-byte ratio and kept its size for good.
TEST_CASE("expired values count as dead bytes, so automatic compaction reclaims them",
          "[regression]") {
  testing::TempDir tmp;
  testing::FakeClock clock;
  Options options;
  options.sync = SyncMode::kNone;
  options.clock = &clock;
  auto store = testing::OpenOrDie(tmp.path(), options);
  const std::string value = "\"" + std::string(250, 'w') + "\"";
  PutOptions hour;
  hour.ttl = std::chrono::hours(1);
  for (int i = 0; i < 6000; ++i) {
    REQUIRE_OK(store->Put("cache/" + std::to_string(i), value, hour));
  }
  const Stats full = *store->GetStats();
  REQUIRE(full.total_bytes > 1500000);
  CHECK(full.dead_bytes < full.total_bytes / 100);
  clock.Advance(std::chrono::hours(2));
  CHECK(store->GetStats()->dead_bytes > full.total_bytes * 9 / 10);
  for (int i = 0; i < 20; ++i) REQUIRE_OK(store->Put("live/" + std::to_string(i), "1"));
  const Stats after = *store->GetStats();
  CHECK(after.total_bytes < full.total_bytes / 10);
  CHECK(after.live_keys == 20);
}

}  // namespace
}  // namespace dotlog
