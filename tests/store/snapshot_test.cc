// The index snapshot: a cache that makes open cheap, used only while it
// matches the log exactly, and never a source of wrong answers.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "dotlog/store.h"
#include "support/fake_clock.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::Contents;
using testing::NoAutoCompaction;
using testing::OpenOrDie;
using testing::SmallSegments;
using testing::TempDir;

// Writes enough records for the writer to leave a snapshot behind, then a
// few more that only the log holds.
std::map<std::string, std::string> Fill(const std::string& dir) {
  auto store = OpenOrDie(dir, NoAutoCompaction());
  for (int i = 0; i < 600; ++i) {
    REQUIRE_OK(store->Put("k/" + std::to_string(i % 300), std::to_string(i)));
  }
  for (int i = 0; i < 300; i += 7) REQUIRE_OK(store->Delete("k/" + std::to_string(i)));
  REQUIRE_OK(store->Put("tail", "\"after the snapshot\""));
  return Contents(*store);
}

TEST_CASE("a writer leaves a snapshot that the next open uses", "[snapshot]") {
  TempDir tmp;
  const auto expected = Fill(tmp.path());
  REQUIRE(std::filesystem::exists(tmp.Join("index.snapshot")));
  auto store = OpenOrDie(tmp.path(), NoAutoCompaction());
  CHECK(store->GetStats()->snapshot_keys > 0);
  CHECK(Contents(*store) == expected);
  CHECK(testing::Value(store->Get("tail")) == "\"after the snapshot\"");
  CHECK(absl::IsNotFound(store->Get("k/0").status()));
}

TEST_CASE("stats read the same with and without the snapshot", "[snapshot]") {
  TempDir tmp;
  Fill(tmp.path());
  const Stats with = *OpenOrDie(tmp.path(), NoAutoCompaction())->GetStats();
  std::filesystem::remove(tmp.Join("index.snapshot"));
  const Stats without = *OpenOrDie(tmp.path(), NoAutoCompaction())->GetStats();
  CHECK(with.snapshot_keys > 0);
  CHECK(without.snapshot_keys == 0);
  CHECK(with.live_keys == without.live_keys);
  CHECK(with.records == without.records);
  CHECK(with.live_bytes == without.live_bytes);
  CHECK(with.last_seq == without.last_seq);
}

TEST_CASE("a damaged snapshot is ignored", "[snapshot]") {
  TempDir tmp;
  const auto expected = Fill(tmp.path());
  const std::string path = tmp.Join("index.snapshot");
  const std::string good = testing::ReadFileBytes(path);
  for (size_t at : {size_t{0}, size_t{9}, size_t{60}, good.size() / 2, good.size() - 1}) {
    std::string bad = good;
    bad[at] ^= 0x20;
    testing::WriteFileBytes(path, bad);
    auto store = OpenOrDie(tmp.path(), NoAutoCompaction());
    INFO("flipped byte " << at);
    CHECK(store->GetStats()->snapshot_keys == 0);
    CHECK(Contents(*store) == expected);
  }
  testing::WriteFileBytes(path, good.substr(0, good.size() / 3));
  CHECK(Contents(*OpenOrDie(tmp.path(), NoAutoCompaction())) == expected);
}

TEST_CASE("a snapshot from before a compaction is ignored", "[snapshot]") {
  TempDir tmp;
  Fill(tmp.path());
  const std::string old_snapshot = testing::ReadFileBytes(tmp.Join("index.snapshot"));
  std::map<std::string, std::string> expected;
  {
    auto store = OpenOrDie(tmp.path(), NoAutoCompaction());
    REQUIRE_OK(store->Compact());
    REQUIRE_OK(store->Put("k/1", "\"changed\""));
    expected = Contents(*store);
  }
  testing::WriteFileBytes(tmp.Join("index.snapshot"), old_snapshot);
  auto store = OpenOrDie(tmp.path(), NoAutoCompaction());
  CHECK(store->GetStats()->snapshot_keys == 0);
  CHECK(Contents(*store) == expected);
}

TEST_CASE("a snapshot whose log was cut short is ignored", "[snapshot]") {
  TempDir tmp;
  Fill(tmp.path());
  // Keep the snapshot but lose the end of the log it describes, as a power
  // loss with SyncMode::kNone could.
  const std::string seg = tmp.Join("segment-000001.jsonl");
  std::string bytes = testing::ReadFileBytes(seg);
  bytes.resize(bytes.size() / 2);
  bytes.resize(bytes.rfind('\n') + 1);
  testing::WriteFileBytes(seg, bytes);
  auto store = OpenOrDie(tmp.path(), NoAutoCompaction());
  CHECK(store->GetStats()->snapshot_keys == 0);
  CHECK(store->Damage().empty());
}

TEST_CASE("a store with damage writes no snapshot, so every open reports it", "[snapshot]") {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path(), NoAutoCompaction());
    REQUIRE_OK(store->Put("a", "1"));
    REQUIRE_OK(store->Put("b", "2"));
  }
  const std::string seg = tmp.Join("segment-000001.jsonl");
  std::string bytes = testing::ReadFileBytes(seg);
  bytes[bytes.find("\"a\",\"value\":1") + 12] = '5';
  testing::WriteFileBytes(seg, bytes);
  {
    auto store = OpenOrDie(tmp.path(), NoAutoCompaction());
    REQUIRE(store->Damage().size() == 1);
    for (int i = 0; i < 600; ++i) REQUIRE_OK(store->Put("c", std::to_string(i)));
  }
  CHECK_FALSE(std::filesystem::exists(tmp.Join("index.snapshot")));
  CHECK(OpenOrDie(tmp.path(), NoAutoCompaction())->Damage().size() == 1);
}

TEST_CASE("writes after a snapshot-based open land on top of it", "[snapshot]") {
  TempDir tmp;
  auto expected = Fill(tmp.path());
  {
    auto store = OpenOrDie(tmp.path(), NoAutoCompaction());
    REQUIRE(store->GetStats()->snapshot_keys > 0);
    REQUIRE_OK(store->Delete("k/1"));
    REQUIRE_OK(store->Put("k/2", "\"new\""));
    expected.erase("k/1");
    expected["k/2"] = "\"new\"";
    CHECK(Contents(*store) == expected);
  }
  CHECK(Contents(*OpenOrDie(tmp.path(), NoAutoCompaction())) == expected);
  std::filesystem::remove(tmp.Join("index.snapshot"));
  CHECK(Contents(*OpenOrDie(tmp.path(), NoAutoCompaction())) == expected);
}

TEST_CASE("a handle opened from a snapshot leaves a newer one the next open uses",
          "[snapshot]") {
  TempDir tmp;
  auto expected = Fill(tmp.path());
  {
    auto store = OpenOrDie(tmp.path(), NoAutoCompaction());
    REQUIRE(store->GetStats()->snapshot_keys > 0);
    // Enough writes that closing leaves a snapshot; its checksum of the
    // newest segment continues the one computed while opening.
    for (int i = 0; i < 100; ++i) {
      const std::string key = "more/" + std::to_string(i);
      REQUIRE_OK(store->Put(key, std::to_string(i)));
      expected[key] = std::to_string(i);
    }
  }
  auto store = OpenOrDie(tmp.path(), NoAutoCompaction());
  CHECK(store->GetStats()->snapshot_keys == expected.size());
  CHECK(Contents(*store) == expected);
}

TEST_CASE("a snapshot spanning several segments is used, and ignored once one "
          "of them changes", "[snapshot]") {
  TempDir tmp;
  const Options small = SmallSegments(SyncMode::kNone);
  std::map<std::string, std::string> expected;
  {
    auto store = OpenOrDie(tmp.path(), small);
    for (int i = 0; i < 400; ++i) {
      const std::string key = "k/" + std::to_string(i % 150);
      REQUIRE_OK(store->Put(key, std::to_string(i)));
      expected[key] = std::to_string(i);
    }
  }
  REQUIRE(std::filesystem::exists(tmp.Join("segment-000004.jsonl")));
  CHECK(OpenOrDie(tmp.path(), small)->GetStats()->snapshot_keys == expected.size());
  // The same length, one byte different, in a sealed segment.
  const std::string seg = tmp.Join("segment-000002.jsonl");
  std::string bytes = testing::ReadFileBytes(seg);
  const size_t at = bytes.find("\"seq\":") + 6;
  bytes[at] = bytes[at] == '1' ? '2' : '1';
  testing::WriteFileBytes(seg, bytes);
  auto store = OpenOrDie(tmp.path(), small);
  CHECK(store->GetStats()->snapshot_keys == 0);
  CHECK(store->Damage().size() == 1);
}

TEST_CASE("during a burst of writes a writer rewrites the snapshot at most once "
          "a second, and leaves a current one when it closes", "[snapshot]") {
  TempDir tmp;
  testing::FakeClock clock;
  Options options = NoAutoCompaction();
  options.clock = &clock;
  const std::string path = tmp.Join("index.snapshot");
  auto store = OpenOrDie(tmp.path(), options);
  // The interval counts from open: nothing in the first second ...
  for (int i = 0; i < 300; ++i) REQUIRE_OK(store->Put("k/" + std::to_string(i), "1"));
  CHECK_FALSE(std::filesystem::exists(path));
  // ... then the first write past it writes one.
  clock.Advance(std::chrono::seconds(1));
  REQUIRE_OK(store->Put("k/0", "1"));
  REQUIRE(std::filesystem::exists(path));
  const std::string first = testing::ReadFileBytes(path);
  // Far more than the threshold, but within the same second: no rewrite.
  for (int i = 0; i < 2000; ++i) REQUIRE_OK(store->Put("k/" + std::to_string(i), "2"));
  CHECK(testing::ReadFileBytes(path) == first);
  clock.Advance(std::chrono::milliseconds(999));
  REQUIRE_OK(store->Put("k/0", "3"));
  CHECK(testing::ReadFileBytes(path) == first);
  clock.Advance(std::chrono::milliseconds(1));
  REQUIRE_OK(store->Put("k/0", "4"));
  const std::string second = testing::ReadFileBytes(path);
  CHECK(second != first);
  // Fewer than kCloseSnapshotRecords since: closing leaves it as it is ...
  for (int i = 0; i < 10; ++i) REQUIRE_OK(store->Put("k/1", std::to_string(i)));
  REQUIRE_OK(store->Close());
  CHECK(testing::ReadFileBytes(path) == second);
  // ... and with more, closing writes one that covers every write.
  store = OpenOrDie(tmp.path(), options);
  for (int i = 0; i < 40; ++i) REQUIRE_OK(store->Put("k/2", std::to_string(i)));
  REQUIRE_OK(store->Close());
  store = OpenOrDie(tmp.path(), options);
  CHECK(store->GetStats()->snapshot_keys == 2000);
  CHECK(testing::Value(store->Get("k/2")) == "39");
}

}  // namespace
}  // namespace dotlog
