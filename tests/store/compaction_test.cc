// Compaction: what it keeps, what it drops, and that a crash at any of its
// steps leaves the store reading exactly as before.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <thread>

#include "dotlog/store.h"
#include "dotlog/write_batch.h"
#include "format/record.h"
#include "support/fake_clock.h"
#include "support/fault_file_system.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using namespace std::chrono_literals;
using testing::Contents;
using testing::FaultFileSystem;
using testing::OpenOrDie;
using testing::TempDir;
using testing::WriteFileBytes;

int SegmentFiles(const std::string& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".jsonl") ++n;
  }
  return n;
}

Options SmallSegments() {
  Options options;
  options.sync = SyncMode::kNone;
  options.segment_bytes = 4096;
  options.auto_compact = false;
  return options;
}

Options Unsynced() {
  Options options;
  options.sync = SyncMode::kNone;
  options.auto_compact = false;
  return options;
}

// Writes 50 keys five times each, deletes every fifth key.
void Churn(Store& store) {
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 50; ++i) {
      REQUIRE_OK(store.Put("k/" + std::to_string(i), std::to_string(round * 100 + i)));
    }
  }
  for (int i = 0; i < 50; i += 5) REQUIRE_OK(store.Delete("k/" + std::to_string(i)));
}

TEST_CASE("compaction keeps every live value and drops dead bytes", "[compaction]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), SmallSegments());
  Churn(*store);
  const auto before = Contents(*store);
  const Stats stats_before = *store->GetStats();
  REQUIRE_OK(store->Compact());
  const Stats stats_after = *store->GetStats();
  CHECK(Contents(*store) == before);
  CHECK(stats_after.total_bytes < stats_before.total_bytes / 3);
  CHECK(stats_after.live_keys == 40);
  CHECK(SegmentFiles(tmp.path()) == 2);  // the base and the new active one
  auto reopened = OpenOrDie(tmp.path(), SmallSegments());
  CHECK(Contents(*reopened) == before);
  CHECK(reopened->Damage().empty());
}

TEST_CASE("deleted keys stay deleted through compactions and reopens", "[compaction]") {
  TempDir tmp;
  Options options = SmallSegments();
  options.history = {{"k/", 3, 0ms}};
  for (int cycle = 0; cycle < 3; ++cycle) {
    auto store = OpenOrDie(tmp.path(), options);
    Churn(*store);
    REQUIRE_OK(store->Compact());
    for (int i = 0; i < 50; i += 5) {
      CHECK(absl::IsNotFound(store->Get("k/" + std::to_string(i)).status()));
    }
    REQUIRE_OK(store->Compact());
  }
  auto store = OpenOrDie(tmp.path(), options);
  for (int i = 0; i < 50; ++i) {
    CHECK(store->Get("k/" + std::to_string(i)).ok() == (i % 5 != 0));
  }
}

TEST_CASE("compaction drops expired keys", "[compaction]") {
  TempDir tmp;
  testing::FakeClock clock;
  Options options = SmallSegments();
  options.clock = &clock;
  auto store = OpenOrDie(tmp.path(), options);
  REQUIRE_OK(store->Put("short", "1", {.ttl = 1s}));
  REQUIRE_OK(store->Put("long", "2", {.ttl = 1h}));
  clock.Advance(2s);
  REQUIRE_OK(store->Compact());
  CHECK(absl::IsNotFound(store->Get("short").status()));
  CHECK(testing::Value(store->Get("long")) == "2");
  CHECK(store->GetStats()->records == 1);
}

TEST_CASE("history rules keep the newest versions of matching keys", "[compaction]") {
  TempDir tmp;
  Options options = SmallSegments();
  options.history = {{"wallpaper/current/", 3, 0ms}};
  auto store = OpenOrDie(tmp.path(), options);
  for (int i = 1; i <= 6; ++i) {
    REQUIRE_OK(store->Put("wallpaper/current/DP-1", "\"w" + std::to_string(i) + "\""));
    REQUIRE_OK(store->Put("other", std::to_string(i)));
  }
  REQUIRE_OK(store->Compact());
  auto history = store->History("wallpaper/current/DP-1", 10);
  REQUIRE_OK(history);
  REQUIRE(history->size() == 3);
  CHECK((*history)[0].value == "\"w6\"");
  CHECK((*history)[1].value == "\"w5\"");
  CHECK((*history)[2].value == "\"w4\"");
  CHECK((*history)[0].seq > (*history)[1].seq);
  auto other = store->History("other", 10);
  REQUIRE_OK(other);
  CHECK(other->size() == 1);
  CHECK(testing::Value(store->Get("wallpaper/current/DP-1")) == "\"w6\"");
}

TEST_CASE("history lists deletes and versions newest first before compaction", "[compaction]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), SmallSegments());
  REQUIRE_OK(store->Put("k", "1"));
  REQUIRE_OK(store->Delete("k"));
  WriteBatch batch;
  batch.Put("k", "2");
  batch.Put("k", "3");
  REQUIRE_OK(store->Write(batch));
  auto history = store->History("k", 10);
  REQUIRE_OK(history);
  REQUIRE(history->size() == 4);
  CHECK((*history)[0].value == "3");
  CHECK((*history)[1].value == "2");
  CHECK((*history)[2].deleted);
  CHECK((*history)[3].value == "1");
  CHECK(store->History("k", 2)->size() == 2);
}

TEST_CASE("a handle open across another handle's compaction sees every key "
          "and lets go of the old files", "[compaction]") {
  TempDir tmp;
  auto writer = OpenOrDie(tmp.path(), SmallSegments());
  auto reader = OpenOrDie(tmp.path(), SmallSegments());
  Churn(*writer);
  const auto before = Contents(*reader);
  REQUIRE_OK(writer->Compact());
  REQUIRE_OK(writer->Put("after", "1"));
  auto now = Contents(*reader);
  CHECK(now.size() == before.size() + 1);
  CHECK(now["after"] == "1");
  CHECK(reader->GetStats()->segments == 2);
}

TEST_CASE("writes racing with compaction are all kept", "[compaction]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), SmallSegments());
  Churn(*store);
  // Catch2's assertions are not thread-safe: the writer keeps its first
  // failure for the test's own thread to check.
  absl::Status write_error;
  std::thread writer([&] {
    for (int i = 0; i < 500 && write_error.ok(); ++i) {
      write_error = store->Put("race/" + std::to_string(i), std::to_string(i));
    }
  });
  std::vector<absl::Status> compactions;
  for (int i = 0; i < 5; ++i) compactions.push_back(store->Compact());
  writer.join();
  REQUIRE_OK(write_error);
  for (const absl::Status& s : compactions) REQUIRE_OK(s);
  auto reopened = OpenOrDie(tmp.path(), SmallSegments());
  for (int i = 0; i < 500; ++i) {
    CHECK(testing::Value(reopened->Get("race/" + std::to_string(i))) == std::to_string(i));
  }
  CHECK(reopened->ListKeys("k/")->size() == 40);
}

TEST_CASE("damaged records are carried into the base and still reported", "[compaction]") {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path(), SmallSegments());
    REQUIRE_OK(store->Put("a", "1"));
    REQUIRE_OK(store->Put("b", "2"));
    REQUIRE_OK(store->Put("c", "3"));
  }
  const std::string seg = tmp.Join("segment-000001.jsonl");
  std::string bytes = testing::ReadFileBytes(seg);
  const size_t at = bytes.find("\"b\",\"value\":2");
  REQUIRE(at != std::string::npos);
  bytes[at + 12] = '7';  // checksum no longer matches
  testing::WriteFileBytes(seg, bytes);
  auto store = OpenOrDie(tmp.path(), SmallSegments());
  REQUIRE(store->Damage().size() == 1);
  REQUIRE_OK(store->Compact());
  auto reopened = OpenOrDie(tmp.path(), SmallSegments());
  REQUIRE(reopened->Damage().size() == 1);
  CHECK(reopened->Damage()[0].reason.find("checksum") != std::string::npos);
  CHECK(absl::IsNotFound(reopened->Get("b").status()));
  CHECK(testing::Value(reopened->Get("c")) == "3");
}

TEST_CASE("compaction writes each batch whole, in part or not at all, "
          "among blank and damaged lines",
          "[compaction]") {
  TempDir tmp;
  std::map<std::string, std::string> expected;
  {
    auto store = OpenOrDie(tmp.path(), Unsynced());
    // Batches of more operations than a byte counts and of fewer; then
    // half of the first two overwritten, the third left whole, the fourth
    // overwritten entirely.
    for (const auto& [prefix, n] : std::vector<std::pair<std::string, int>>{
             {"a/", 300}, {"b/", 10}, {"c/", 300}, {"d/", 4}}) {
      WriteBatch batch;
      for (int i = 0; i < n; ++i) {
        batch.Put(prefix + std::to_string(i), "1");
        expected[prefix + std::to_string(i)] = "1";
      }
      REQUIRE_OK(store->Write(batch));
      REQUIRE_OK(store->Put("single/" + prefix, "1"));
      expected["single/" + prefix] = "1";
    }
    for (const auto& [prefix, n] : std::vector<std::pair<std::string, int>>{
             {"a/", 150}, {"b/", 5}, {"d/", 4}}) {
      for (int i = 0; i < n; ++i) {
        REQUIRE_OK(store->Put(prefix + std::to_string(i), "2"));
        expected[prefix + std::to_string(i)] = "2";
      }
    }
  }
  // A blank line and a damaged one after the first batch.
  const std::string seg = tmp.Join("segment-000001.jsonl");
  std::string bytes = testing::ReadFileBytes(seg);
  const size_t first_batch_end = bytes.find('\n', bytes.find("\"a/0\""));
  REQUIRE(first_batch_end != std::string::npos);
  bytes.insert(first_batch_end + 1, "\n{\"seq\":7,\"not\":\"a record\"}\n");
  testing::WriteFileBytes(seg, bytes);

  auto store = OpenOrDie(tmp.path(), Unsynced());
  const size_t damaged = store->Damage().size();
  REQUIRE(damaged == 2);
  REQUIRE(Contents(*store) == expected);
  REQUIRE_OK(store->Compact());
  CHECK(Contents(*store) == expected);
  store.reset();
  auto reopened = OpenOrDie(tmp.path(), Unsynced());
  CHECK(Contents(*reopened) == expected);
  CHECK(reopened->Damage().size() == damaged);
  // The batch none of whose operations was overwritten is its line, byte
  // for byte; the first, in part overwritten, is not.
  std::string after;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) {
    if (e.path().extension() == ".jsonl") after += testing::ReadFileBytes(e.path());
  }
  const auto line_with = [&](std::string_view text) {
    const size_t at = bytes.find(text);
    const size_t begin = bytes.rfind('\n', at) + 1;
    return bytes.substr(begin, bytes.find('\n', at) + 1 - begin);
  };
  CHECK(after.find(line_with("\"c/0\"")) != std::string::npos);
  CHECK(after.find(line_with("\"a/0\"")) == std::string::npos);
}

TEST_CASE("compaction runs by itself once dead bytes pass the ratio", "[compaction]") {
  TempDir tmp;
  Options options = SmallSegments();
  options.auto_compact = true;
  options.compaction_min_bytes = 8192;
  options.compaction_dead_ratio = 0.5;
  auto store = OpenOrDie(tmp.path(), options);
  for (int i = 0; i < 2000; ++i) REQUIRE_OK(store->Put("same", std::to_string(i)));
  const Stats stats = *store->GetStats();
  CHECK(stats.total_bytes < 3 * 8192);
  CHECK(testing::Value(store->Get("same")) == "1999");
}

TEST_CASE("a crash at any step of compaction leaves the store reading as before",
          "[compaction][fault]") {
  const std::string dir = "/store";
  auto workload = [&](FaultFileSystem& fs) {
    Options options = SmallSegments();
    options.file_system = &fs;
    options.sync = SyncMode::kAlways;
    options.history = {{"h/", 2, 0ms}};
    auto store = OpenOrDie(dir, options);
    Churn(*store);
    for (int i = 0; i < 5; ++i) REQUIRE_OK(store->Put("h/x", std::to_string(i)));
    return store;
  };
  FaultFileSystem reference_fs;
  std::map<std::string, std::string> expected;
  uint64_t first_point, last_point;
  {
    auto store = workload(reference_fs);
    expected = Contents(*store);
    first_point = reference_fs.mutation_count() + 1;
    REQUIRE_OK(store->Compact());
    last_point = reference_fs.mutation_count();
    REQUIRE(Contents(*store) == expected);
  }
  REQUIRE(last_point >= first_point + 6);
  for (uint64_t point = first_point; point <= last_point; ++point) {
    for (auto mode : FaultFileSystem::kCrashModes) {
      FaultFileSystem fs;
      {
        auto store = workload(fs);
        fs.CrashAtPoint(point);
        INFO("crash at point " << point << ": " << fs.DescribePoint(point));
        // Crashes after the commit point hit the snapshot cache, whose
        // failure Compact ignores; either way the state must survive.
        store->Compact().IgnoreError();
      }
      fs.Recover(mode, point);
      Options options = SmallSegments();
      options.file_system = &fs;
      auto store = OpenOrDie(dir, options);
      INFO("crash at point " << point << " mode " << static_cast<int>(mode));
      CHECK(Contents(*store) == expected);
      CHECK(store->Damage().empty());
      // Compaction can be run again and still changes nothing.
      REQUIRE_OK(store->Compact());
      CHECK(Contents(*store) == expected);
      REQUIRE_OK(store->Put("k/1", "\"after\""));
      auto reopened = OpenOrDie(dir, options);
      CHECK(testing::Value(reopened->Get("k/1")) == "\"after\"");
    }
  }
}

}  // namespace
}  // namespace dotlog

namespace dotlog {
namespace {

TEST_CASE("history rules stored in the store apply to every process that compacts",
          "[compaction]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path(), SmallSegments());  // no Options::history
  REQUIRE_OK(store->Put(".dotlog/history",
                     R"([{"prefix":"events/","keep_versions":3},
                         {"prefix":"wallpaper/","keep_for_seconds":86400}])")
              );
  for (int i = 0; i < 5; ++i) {
    REQUIRE_OK(store->Put("events/last", std::to_string(i)));
    REQUIRE_OK(store->Put("wallpaper/current/DP-1", std::to_string(i)));
    REQUIRE_OK(store->Put("plain", std::to_string(i)));
  }
  REQUIRE_OK(store->Compact());
  CHECK(store->History("events/last", 10)->size() == 3);
  CHECK(store->History("wallpaper/current/DP-1", 10)->size() == 5);  // all young
  CHECK(store->History("plain", 10)->size() == 1);
}

TEST_CASE("invalid stored history rules stop an asked-for compaction and "
          "drop nothing",
          "[compaction]") {
  TempDir tmp;
  {
    // Rules are checked on write; these were written before that was so.
    std::string bytes;
    EncodeHeader(1, 4096, 1767225600000, &bytes);
    EncodeRecord(1, 1767225600000,
                 {Mutation{false, ".dotlog/history", R"([{"keep_versions":3}])", 0}},
                 &bytes);
    WriteFileBytes(tmp.Join("segment-000001.jsonl"), bytes);
  }
  auto store = OpenOrDie(tmp.path(), SmallSegments());
  for (int i = 0; i < 5; ++i) REQUIRE_OK(store->Put("k", std::to_string(i)));
  const uint64_t before = store->GetStats()->total_bytes;
  absl::Status s = store->Compact();
  REQUIRE(absl::IsInvalidArgument(s));
  CHECK(std::string(s.message()).find(".dotlog/history") != std::string::npos);
  CHECK(store->History("k", 10)->size() == 5);
  CHECK(store->GetStats()->total_bytes >= before);
}

}  // namespace
}  // namespace dotlog
