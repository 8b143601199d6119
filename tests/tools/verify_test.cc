// VerifyStore: checksums and segment structure, errors versus warnings.
#include "dotlog/verify.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "dotlog/store.h"
#include "format/record.h"
#include "support/fault_file_system.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

using testing::FaultFileSystem;
using testing::Value;

constexpr char kDir[] = "/s";

std::string SegmentPath(int n) {
  char name[64];
  std::snprintf(name, sizeof(name), "%s/segment-%06d.jsonl", kDir, n);
  return name;
}

std::string Header(uint64_t number, bool base = false) {
  std::string out;
  EncodeHeader(number, 4096, 0, &out, base);
  return out;
}

std::string Record(uint64_t seq, const std::string& key) {
  std::string out;
  EncodeRecord(seq, 0, {Mutation{false, key, "1", 0}}, &out);
  return out;
}

// "FILE:LINE: reason" of every problem, for readable comparisons.
std::vector<std::string> Lines(const std::vector<VerifyProblem>& problems) {
  std::vector<std::string> out;
  for (const VerifyProblem& p : problems) out.push_back(FormatProblem(p));
  return out;
}

struct Fixture {
  Fixture() { REQUIRE_OK(fs.CreateDir(kDir)); }
  void Write(int n, const std::string& bytes) {
    REQUIRE_OK(fs.WriteRaw(SegmentPath(n), bytes));
  }
  VerifyReport Verify() { return Value(VerifyStore(kDir, &fs)); }
  // A store in kDir on `fs`, with small segments and no compaction unless
  // asked for.
  std::unique_ptr<Store> OpenStore() {
    Options options;
    options.file_system = &fs;
    options.segment_bytes = 4096;
    options.auto_compact = false;
    return Value(Store::Open(kDir, options));
  }
  // OpenStore's store after `count` puts of a string of `value_bytes` v's,
  // to keys k0 .. k(keys - 1) in turn.
  std::unique_ptr<Store> StoreAfterPuts(int count, int keys,
                                        size_t value_bytes) {
    std::unique_ptr<Store> store = OpenStore();
    for (int i = 0; i < count; ++i) {
      REQUIRE_OK(store->Put("k" + std::to_string(i % keys),
                            "\"" + std::string(value_bytes, 'v') + "\""));
    }
    return store;
  }
  FaultFileSystem fs;
};

TEST_CASE("a store written by the store verifies clean", "[verify]") {
  Fixture f;
  auto store = f.StoreAfterPuts(30, 7, 200);
  VerifyReport report = f.Verify();
  CHECK(report.clean());
  CHECK(report.errors.empty());
  CHECK(report.warnings.empty());
  CHECK(report.records == 30);
  CHECK(report.segments > 1);
}

TEST_CASE("a compacted store verifies clean", "[verify][compaction]") {
  Fixture f;
  auto store = f.StoreAfterPuts(30, 3, 300);
  REQUIRE_OK(store->Compact());
  REQUIRE_OK(store->Put("after", "1"));
  VerifyReport report = f.Verify();
  CHECK(report.clean());
  CHECK(report.warnings.empty());
  CHECK(report.records == 4);
}

TEST_CASE("an empty directory verifies clean; a missing one is NotFound",
          "[verify]") {
  Fixture f;
  VerifyReport report = f.Verify();
  CHECK(report.clean());
  CHECK(report.segments == 0);
  CHECK(absl::IsNotFound(VerifyStore("/nowhere", &f.fs).status()));
}

TEST_CASE("a damaged record is an error naming file and line", "[verify]") {
  Fixture f;
  std::string bad = Record(1, "a");
  bad[bad.find("\"a\"") + 1] = 'b';  // checksum no longer matches
  f.Write(1, Header(1) + bad + Record(2, "c"));
  f.Write(2, Header(2));
  VerifyReport report = f.Verify();
  CHECK_FALSE(report.clean());
  REQUIRE(report.errors.size() == 1);
  CHECK(report.errors[0].file == SegmentPath(1));
  CHECK(report.errors[0].line == 2);
  CHECK(report.errors[0].offset == Header(1).size());
  CHECK(FormatProblem(report.errors[0])
            .rfind(SegmentPath(1) + ":2: checksum mismatch", 0) == 0);
  CHECK(report.records == 1);
}

TEST_CASE(
    "a sealed segment cut short is an error, the newest one's tail a "
    "warning",
    "[verify]") {
  Fixture f;
  const std::string whole = Header(1) + Record(1, "a") + Record(2, "b");
  const std::string cut = whole.substr(0, whole.size() - 5);
  SECTION("sealed") {
    f.Write(1, cut);
    f.Write(2, Header(2));
    VerifyReport report = f.Verify();
    REQUIRE(report.errors.size() == 1);
    CHECK(report.errors[0].line == 3);
    CHECK(report.errors[0].reason == "unterminated last line (file cut short)");
  }
  SECTION("newest") {
    f.Write(1, cut);
    VerifyReport report = f.Verify();
    CHECK(report.clean());
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0].line == 3);
    CHECK(report.warnings[0].reason.rfind("torn tail of ", 0) == 0);
  }
}

TEST_CASE("segment structure is checked", "[verify]") {
  Fixture f;
  SECTION("the header must name the file's number") {
    f.Write(1, Header(1) + Record(1, "a"));
    f.Write(2, Header(7) + Record(2, "b"));
    CHECK(Lines(f.Verify().errors) ==
          std::vector<std::string>{
              SegmentPath(2) +
              ":1: header names segment 7 but the file name says 2"});
  }
  SECTION("a segment must start with a header") {
    f.Write(1, Record(1, "a") + Record(2, "b"));
    CHECK(Lines(f.Verify().errors) ==
          std::vector<std::string>{SegmentPath(1) +
                                   ":1: segment does not start with a header"});
  }
  SECTION("no header after the first line") {
    f.Write(1, Header(1) + Record(1, "a") + Header(1));
    CHECK(Lines(f.Verify().errors) ==
          std::vector<std::string>{SegmentPath(1) +
                                   ":3: segment header after the first line"});
  }
  SECTION("sequence numbers must increase within a segment") {
    f.Write(1, Header(1) + Record(5, "a") + Record(5, "b") + Record(3, "c") +
                   Record(6, "d"));
    CHECK(Lines(f.Verify().errors) ==
          std::vector<std::string>{
              SegmentPath(1) + ":3: sequence number 5 does not increase "
                               "(previous record has 5)",
              SegmentPath(1) + ":4: sequence number 3 does not increase "
                               "(previous record has 5)"});
  }
  SECTION("a seal line ends a segment") {
    std::string seal;
    EncodeSeal(0, &seal);
    f.Write(1, Header(1) + Record(1, "a") + seal);
    f.Write(2, Header(2) + Record(2, "b") + seal + Record(3, "c"));
    f.Write(3, Header(3));
    CHECK(Lines(f.Verify().errors) ==
          std::vector<std::string>{SegmentPath(2) +
                                   ":4: line after the seal line 3"});
  }
  SECTION("a base segment may repeat one (a split batch)") {
    f.Write(1, Header(1, /*base=*/true) + Record(5, "a") + Record(5, "b") +
                   Record(6, "c"));
    CHECK(f.Verify().clean());
  }
  SECTION("an empty sealed segment is an error, an empty newest a warning") {
    f.Write(1, "");
    f.Write(2, "");
    VerifyReport report = f.Verify();
    CHECK(Lines(report.errors) ==
          std::vector<std::string>{SegmentPath(1) +
                                   ": empty segment: no header"});
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0].file == SegmentPath(2));
  }
}

TEST_CASE("segments a base segment replaced are warned about, not checked",
          "[verify]") {
  Fixture f;
  f.Write(1, "garbage that a compaction left behind\n");
  f.Write(2, Header(2, /*base=*/true) + Record(1, "a"));
  f.Write(3, Header(3) + Record(2, "b"));
  VerifyReport report = f.Verify();
  CHECK(report.clean());
  CHECK(report.records == 2);
  CHECK(Lines(report.warnings) ==
        std::vector<std::string>{SegmentPath(1) +
                                 ": replaced by compacted segment 2 but not "
                                 "removed yet; not checked"});
}

TEST_CASE("other files in the directory are ignored", "[verify]") {
  Fixture f;
  f.Write(1, Header(1) + Record(1, "a"));
  REQUIRE_OK(f.fs.WriteRaw(std::string(kDir) + "/LOCK", "whatever"));
  REQUIRE_OK(f.fs.WriteRaw(
      std::string(kDir) + "/segment-000002.jsonl.compacting", "x"));
  CHECK(f.Verify().clean());
}

}  // namespace
}  // namespace dotlog
