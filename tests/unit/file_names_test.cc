// Tests of the names of a store's files.
#include "store/file_names.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/fault_file_system.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

TEST_CASE("a segment file name holds its number in six or more digits",
          "[file_names]") {
  CHECK(SegmentFileName(1) == "segment-000001.jsonl");
  CHECK(SegmentFileName(42) == "segment-000042.jsonl");
  CHECK(SegmentFileName(999999) == "segment-999999.jsonl");
  CHECK(SegmentFileName(1000000) == "segment-1000000.jsonl");
  CHECK(SegmentFileName(UINT64_MAX) == "segment-18446744073709551615.jsonl");
}

TEST_CASE("six-digit names sort in number order", "[file_names]") {
  CHECK(SegmentFileName(9) < SegmentFileName(10));
  CHECK(SegmentFileName(99999) < SegmentFileName(100000));
}

TEST_CASE("a segment file name parses back to its number", "[file_names]") {
  for (const uint64_t n : {uint64_t{1}, uint64_t{42}, uint64_t{999999},
                           uint64_t{1000000}, uint64_t{123456789012},
                           UINT64_MAX}) {
    INFO(n);
    const std::optional<uint64_t> parsed =
        ParseSegmentFileName(SegmentFileName(n));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == n);
  }
}

TEST_CASE("only the name the store writes parses: no padding missing or "
          "added",
          "[file_names]") {
  CHECK(ParseSegmentFileName("segment-000007.jsonl") ==
        std::optional<uint64_t>(7));
  CHECK(ParseSegmentFileName("segment-1234567.jsonl") ==
        std::optional<uint64_t>(1234567));
  CHECK_FALSE(ParseSegmentFileName("segment-7.jsonl").has_value());
  CHECK_FALSE(ParseSegmentFileName("segment-0000042.jsonl").has_value());
}

TEST_CASE("names that are not segment files are rejected", "[file_names]") {
  for (const char* name : {
           "LOCK",
           kLockFileName,
           "segment-.jsonl",
           "segment-12a.jsonl",
           "segment-000000.jsonl",
           "notes.txt",
           "",
           "segment-",
           ".jsonl",
           "segment-000001",
           "segment-000001.json",
           "segment-000001.jsonl.tmp",
           "segment-000001.jsonl~",
           "xsegment-000001.jsonl",
           "Segment-000001.jsonl",
           "segment-+1.jsonl",
           "segment--1.jsonl",
           "segment- 1.jsonl",
           "segment-1 .jsonl",
           "segment-0x1.jsonl",
           "segment-18446744073709551616.jsonl",  // UINT64_MAX + 1
           "segment-99999999999999999999999.jsonl",
       }) {
    INFO("\"" << name << "\"");
    CHECK_FALSE(ParseSegmentFileName(name).has_value());
  }
}

TEST_CASE("each file of a store is named in the store directory",
          "[file_names]") {
  CHECK(SegmentPath("/s", 42) == "/s/segment-000042.jsonl");
  CHECK(LockFilePath("/s") == "/s/LOCK");
  CHECK(CompactionLockPath("/s") == "/s/COMPACTION.LOCK");
  CHECK(SnapshotPath("/s") == "/s/index.snapshot");
  CHECK(SnapshotTempPath("/s", 7) == "/s/index.snapshot.7");
  CHECK(CompactionTempPath("/s", 3) == "/s/segment-000003.jsonl.compacting");
  CHECK(FilePath("/s", "notes.txt") == "/s/notes.txt");
}

TEST_CASE("every name the store gives a file parses back to its kind and "
          "number",
          "[file_names]") {
  struct Case {
    std::string path;
    FileKind kind;
    uint64_t number;
  };
  for (const Case& c : {
           Case{SegmentPath("/s", 42), FileKind::kSegment, 42},
           Case{LockFilePath("/s"), FileKind::kLock, 0},
           Case{CompactionLockPath("/s"), FileKind::kCompactionLock, 0},
           Case{SnapshotPath("/s"), FileKind::kSnapshot, 0},
           Case{SnapshotTempPath("/s", 123), FileKind::kSnapshotTemp, 0},
           Case{CompactionTempPath("/s", 9), FileKind::kCompactionTemp, 9},
       }) {
    const std::string name = c.path.substr(3);  // after "/s/"
    INFO(name);
    const std::optional<ParsedFileName> parsed = ParseFileName(name);
    REQUIRE(parsed.has_value());
    CHECK(parsed->kind == c.kind);
    CHECK(parsed->number == c.number);
  }
}

TEST_CASE("names the store never gives a file parse as none of its files",
          "[file_names]") {
  for (const char* name : {
           "",
           "lock",
           "LOCK.old",
           "COMPACTION.LOCK~",
           "index.snapshot.",
           "index.snapshot.x",
           "index.snapshot.01",
           "index.snapshot.-1",
           "index.snapshot.tmp",
           "segment-7.jsonl",
           "segment-7.jsonl.compacting",
           "notes.compacting",
           ".compacting",
           "segment-000001.jsonl.tmp",
       }) {
    INFO("\"" << name << "\"");
    CHECK_FALSE(ParseFileName(name).has_value());
  }
}

TEST_CASE("segment files are listed by number, other files left out",
          "[file_names]") {
  testing::FaultFileSystem fs;
  REQUIRE_OK(fs.CreateDir("/s"));
  for (const std::string& name :
       {SegmentFileName(10), SegmentFileName(2), SegmentFileName(1000000),
        SegmentFileName(999999),  // sorts after 1000000 as a name
        std::string("LOCK"), std::string("index.snapshot"),
        std::string("segment-7.jsonl"), std::string("segment-x.jsonl"),
        SegmentFileName(3) + kCompactionTempSuffix, std::string("notes.txt")}) {
    REQUIRE_OK(fs.WriteRaw(FilePath("/s", name), "x"));
  }
  std::vector<std::string> misnamed;
  const auto listed = ListSegmentFiles(&fs, "/s", &misnamed);
  REQUIRE_OK(listed);
  CHECK(*listed == std::vector<uint64_t>{2, 10, 999999, 1000000});
  CHECK(misnamed ==
        std::vector<std::string>{"segment-7.jsonl", "segment-x.jsonl"});
}

TEST_CASE("listing a missing directory reports the file system's error",
          "[file_names]") {
  testing::FaultFileSystem fs;
  const auto listed = ListSegmentFiles(&fs, "/missing");
  CHECK(absl::IsNotFound(listed.status()));
}

TEST_CASE("a whole segment is read into the buffer", "[file_names]") {
  testing::FaultFileSystem fs;
  REQUIRE_OK(fs.CreateDir("/s"));
  const std::string bytes = "{\"h\":1}\n{\"r\":2}\n";
  REQUIRE_OK(fs.WriteRaw(SegmentPath("/s", 1), bytes));
  PaddedBuffer buffer;
  REQUIRE_OK(ReadWholeSegment(&fs, SegmentPath("/s", 1), &buffer));
  CHECK(buffer.view() == bytes);
  CHECK(absl::IsNotFound(ReadWholeSegment(&fs, SegmentPath("/s", 2), &buffer)));
}

}  // namespace
}  // namespace dotlog
