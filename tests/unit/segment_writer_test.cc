// Tests of the writer of a store's newest segment, on the fault-injection
// file system: how it ends, cuts and rolls over segments, and which
// failures it remembers.
#include "store/segment_writer.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "format/record.h"
#include "store/file_names.h"
#include "store/log_view.h"
#include "support/fault_file_system.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

using testing::FaultFileSystem;

constexpr char kDir[] = "/s";
constexpr uint64_t kSegmentBytes = 4096;
constexpr int64_t kNow = 1700000000000;  // 2023-11-14

// One put of `key` as a record line, ending in '\n'.
std::string PutLine(uint64_t seq, const std::string& key) {
  std::string line;
  EncodeRecord(seq, kNow, {Mutation{false, key, "1", 0}}, &line);
  return line;
}

std::string Header(uint64_t number) {
  std::string header;
  EncodeHeader(number, kSegmentBytes, kNow, &header);
  return header;
}

// A store directory on a FaultFileSystem, its view and a writer.
struct Fixture {
  explicit Fixture(SyncMode sync = SyncMode::kAlways)
      : view(&fs, kDir, [](const DamagedRecord&) {}),
        writer(&fs, kDir, kSegmentBytes, sync) {
    REQUIRE_OK(fs.CreateDir(kDir));
  }

  // Makes segment `number` hold `bytes`, synced, and loads the view.
  void Start(uint64_t number, const std::string& bytes) {
    REQUIRE_OK(fs.WriteRaw(SegmentPath(kDir, number), bytes));
    REQUIRE_OK(view.Load());
  }

  std::string Contents(uint64_t number) {
    return testing::Value(fs.ReadAll(SegmentPath(kDir, number)));
  }

  // Checks that a fresh view of the directory finds exactly `keys`, and no
  // damage.
  void CheckKeysOnDisk(const std::vector<std::string>& keys) {
    int damage = 0;
    LogView fresh(&fs, kDir, [&damage](const DamagedRecord&) { ++damage; });
    REQUIRE_OK(fresh.Load());
    std::vector<std::string> found;
    for (auto& [key, entry] : fresh.index().Prefix("", kNow))
      found.emplace_back(key);
    CHECK(found == keys);
    CHECK(damage == 0);
  }

  FaultFileSystem fs;
  LogView view;
  SegmentWriter writer;
};

TEST_CASE(
    "rolling over a segment whose last line lacks its newline ends "
    "that line, seals the segment and syncs it before the next exists",
    "[segment_writer]") {
  Fixture f(SyncMode::kNone);
  const std::string record = PutLine(1, "a");
  const std::string unterminated =
      Header(1) + record.substr(0, record.size() - 1);
  f.Start(1, unterminated);
  REQUIRE(f.view.newest()->unterminated);

  Segment* seg = testing::Value(f.writer.Resume(&f.view));
  const uint64_t before = f.fs.mutation_count();
  Segment* next = testing::Value(f.writer.RollOver(&f.view, seg, kNow));

  REQUIRE(next->number == 2);
  CHECK(f.view.newest() == next);
  std::string sealed = unterminated + "\n";
  EncodeSeal(kNow, &sealed);
  CHECK(f.Contents(1) == sealed);
  CHECK(f.fs.synced_size(SegmentPath(kDir, 1)) == sealed.size());
  CHECK(f.Contents(2) == Header(2));
  CHECK(f.fs.synced_size(SegmentPath(kDir, 2)) == Header(2).size());
  // The ending is appended and synced before segment 2 is created.
  // The ending is synced before segment 2 is created, even when appends
  // are not synced; the new segment's header and entry are synced too.
  std::vector<std::string> points;
  for (uint64_t i = before + 1; i <= f.fs.mutation_count(); ++i) {
    points.push_back(f.fs.DescribePoint(i));
  }
  const std::string header_bytes = std::to_string(Header(2).size());
  CHECK(points ==
        std::vector<std::string>{
            "append " + std::to_string(sealed.size() - unterminated.size()) +
                " bytes to /s/segment-000001.jsonl",
            "sync /s/segment-000001.jsonl (" + std::to_string(sealed.size()) +
                " bytes)",
            "create /s/segment-000002.jsonl",
            "append " + header_bytes + " bytes to /s/segment-000002.jsonl",
            "sync /s/segment-000002.jsonl (" + header_bytes + " bytes)",
            "sync dir /s"});
  f.CheckKeysOnDisk({"a"});
}

TEST_CASE(
    "an append to a segment whose last line lacks its newline begins "
    "with one",
    "[segment_writer]") {
  Fixture f;
  const std::string record = PutLine(1, "a");
  f.Start(1, Header(1) + record.substr(0, record.size() - 1));

  Segment* seg = testing::Value(f.writer.Prepare(&f.view, kNow));
  REQUIRE(seg->number == 1);
  std::string lines;
  f.writer.BeginAppend(*seg, kNow, &lines);
  CHECK(lines == "\n");
  lines += PutLine(2, "b");
  REQUIRE_OK(f.writer.Append(1, seg->scanned_end, lines));

  CHECK(f.Contents(1) == Header(1) + record + PutLine(2, "b"));
  f.CheckKeysOnDisk({"a", "b"});
}

TEST_CASE("a torn tail is cut off before the next append", "[segment_writer]") {
  Fixture f;
  const std::string intact = Header(1) + PutLine(1, "a");
  const std::string torn = PutLine(2, "b").substr(0, 20);
  f.Start(1, intact + torn);
  REQUIRE(f.view.newest()->withheld_bytes == torn.size());

  Segment* seg = testing::Value(f.writer.Prepare(&f.view, kNow));
  CHECK(seg->withheld_bytes == 0);
  CHECK(f.Contents(1) == intact);
  std::string lines;
  f.writer.BeginAppend(*seg, kNow, &lines);
  CHECK(lines.empty());
  REQUIRE_OK(f.writer.Append(1, seg->scanned_end, PutLine(2, "c")));

  CHECK(f.Contents(1) == intact + PutLine(2, "c"));
  f.CheckKeysOnDisk({"a", "c"});
}

TEST_CASE("a torn tail is cut off before the segment is sealed",
          "[segment_writer]") {
  Fixture f;
  const std::string intact = Header(1) + PutLine(1, "a");
  f.Start(1, intact + PutLine(2, "b").substr(0, 20));

  Segment* seg = testing::Value(f.writer.Resume(&f.view));
  REQUIRE_OK(f.writer.RollOver(&f.view, seg, kNow));

  std::string sealed = intact;
  EncodeSeal(kNow, &sealed);
  CHECK(f.Contents(1) == sealed);
  f.CheckKeysOnDisk({"a"});
}

TEST_CASE(
    "a store without segments gets segment 1, synced with its "
    "directory entry",
    "[segment_writer]") {
  Fixture f;
  REQUIRE_OK(f.view.Load());
  Segment* seg = testing::Value(f.writer.Prepare(&f.view, kNow));
  REQUIRE(seg->number == 1);
  CHECK(f.Contents(1) == Header(1));
  f.fs.Recover(FaultFileSystem::CrashMode::kDropUnsynced, 1);
  CHECK(f.Contents(1) == Header(1));
}

TEST_CASE("a failed sync is remembered: the writer's error stays set",
          "[segment_writer]") {
  Fixture f;
  f.Start(1, Header(1));
  Segment* seg = testing::Value(f.writer.Prepare(&f.view, kNow));
  // Mutation points: the append, then its sync.
  f.fs.FailAtPoint(f.fs.mutation_count() + 2, absl::DataLossError("EIO"));
  absl::Status s = f.writer.Append(1, seg->scanned_end, PutLine(1, "a"));
  CHECK(absl::IsDataLoss(s));
  CHECK(s.message().rfind("syncing record: ", 0) == 0);
  CHECK(absl::IsFailedPrecondition(f.writer.error()));

  // A later sync that succeeds does not clear it.
  REQUIRE_OK(f.writer.Sync("syncing store"));
  CHECK(absl::IsFailedPrecondition(f.writer.error()));
  CHECK(f.writer.error().message().find("an earlier sync of /s failed") !=
        std::string::npos);
}

TEST_CASE("a failed append is cut back and not remembered",
          "[segment_writer]") {
  Fixture f;
  f.Start(1, Header(1));
  Segment* seg = testing::Value(f.writer.Prepare(&f.view, kNow));
  f.fs.FailAtPoint(f.fs.mutation_count() + 1,
                   absl::ResourceExhaustedError("ENOSPC"), 10);
  CHECK(absl::IsResourceExhausted(
      f.writer.Append(1, seg->scanned_end, PutLine(1, "a"))));
  CHECK(f.Contents(1) == Header(1));
  CHECK_OK(f.writer.error());
  REQUIRE_OK(f.writer.Append(1, seg->scanned_end, PutLine(1, "b")));
  CHECK(f.Contents(1) == Header(1) + PutLine(1, "b"));
}

TEST_CASE("a partly written record that cannot be cut back is remembered",
          "[segment_writer]") {
  Fixture f;
  f.Start(1, Header(1));
  Segment* seg = testing::Value(f.writer.Prepare(&f.view, kNow));
  const uint64_t append = f.fs.mutation_count() + 1;
  f.fs.FailAtPoint(append, absl::ResourceExhaustedError("ENOSPC"), 10);
  f.fs.FailAtPoint(append + 1, absl::DataLossError("EIO"));  // the truncate
  CHECK(absl::IsResourceExhausted(
      f.writer.Append(1, seg->scanned_end, PutLine(1, "a"))));
  CHECK(absl::IsFailedPrecondition(f.writer.error()));
  CHECK(f.writer.error().message().find("could not remove a partly written "
                                        "record from segment 1") !=
        std::string::npos);
}

TEST_CASE("Fail makes the writer's error the reason given",
          "[segment_writer]") {
  Fixture f;
  CHECK_OK(f.writer.error());
  f.writer.Fail(absl::FailedPreconditionError("lock file replaced"));
  CHECK(f.writer.error() ==
        absl::FailedPreconditionError("lock file replaced"));
}

TEST_CASE("closing syncs unsynced appends unless a write failed",
          "[segment_writer]") {
  Fixture f(SyncMode::kNone);
  f.Start(1, Header(1));
  Segment* seg = testing::Value(f.writer.Prepare(&f.view, kNow));
  REQUIRE_OK(f.writer.Append(1, seg->scanned_end, PutLine(1, "a")));
  CHECK(f.fs.synced_size(SegmentPath(kDir, 1)) == Header(1).size());
  REQUIRE_OK(f.writer.Close());
  CHECK(f.fs.synced_size(SegmentPath(kDir, 1)) ==
        Header(1).size() + PutLine(1, "a").size());
}

}  // namespace
}  // namespace dotlog
