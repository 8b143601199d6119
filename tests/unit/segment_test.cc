// Tests of segment file names.
#include "store/segment.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace dotlog {
namespace {

TEST_CASE("a segment file name holds its number in six or more digits",
          "[segment]") {
  CHECK(SegmentFileName(1) == "segment-000001.jsonl");
  CHECK(SegmentFileName(42) == "segment-000042.jsonl");
  CHECK(SegmentFileName(999999) == "segment-999999.jsonl");
  CHECK(SegmentFileName(1000000) == "segment-1000000.jsonl");
  CHECK(SegmentFileName(UINT64_MAX) == "segment-18446744073709551615.jsonl");
}

TEST_CASE("six-digit names sort in number order", "[segment]") {
  CHECK(SegmentFileName(9) < SegmentFileName(10));
  CHECK(SegmentFileName(99999) < SegmentFileName(100000));
}

TEST_CASE("a segment file name parses back to its number", "[segment]") {
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
          "[segment]") {
  CHECK(ParseSegmentFileName("segment-000007.jsonl") ==
        std::optional<uint64_t>(7));
  CHECK(ParseSegmentFileName("segment-1234567.jsonl") ==
        std::optional<uint64_t>(1234567));
  CHECK_FALSE(ParseSegmentFileName("segment-7.jsonl").has_value());
  CHECK_FALSE(ParseSegmentFileName("segment-0000042.jsonl").has_value());
}

TEST_CASE("names that are not segment files are rejected", "[segment]") {
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

}  // namespace
}  // namespace dotlog
