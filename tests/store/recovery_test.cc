// Recovery from what a crash leaves in the files, on the POSIX file system:
// torn last lines, empty new segments, records out of segment order.
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dotlog/options.h"
#include "dotlog/store.h"
#include "format/line_decoder.h"
#include "support/fake_clock.h"
#include "support/status_helpers.h"
#include "support/store_model.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

constexpr char kTs[] = "2026-01-01T00:00:00.000Z";

// A store directory on the POSIX file system, opened on demand.
struct Fixture {
  Fixture() {
    options.segment_bytes = 4096;
    options.clock = &clock;
  }
  std::unique_ptr<Store> Open() {
    return Value(Store::Open(dir.path(), options));
  }
  std::string Segment(int n) const {
    return dir.Join(absl::StrFormat("segment-%06d.jsonl", n));
  }
  void Append(const std::string& path, const std::string& bytes) {
    WriteFileBytes(path, ReadFileBytes(path) + bytes);
  }
  TempDir dir;
  FakeClock clock;
  Options options;
};

// A checksummed put record line, as a writer would append it.
std::string PutLine(uint64_t seq, const std::string& key,
                    const std::string& value) {
  return SealedLine(absl::StrCat("{\"seq\":", seq, ",\"ts\":\"", kTs,
                                 "\",\"op\":\"put\",\"key\":\"", key,
                                 "\",\"value\":", value));
}
std::string DeleteLine(uint64_t seq, const std::string& key) {
  return SealedLine(absl::StrCat("{\"seq\":", seq, ",\"ts\":\"", kTs,
                                 "\",\"op\":\"del\",\"key\":\"", key, "\""));
}
std::string HeaderLine(uint64_t number) {
  return SealedLine(absl::StrCat("{\"dotlog\":1,\"segment\":", number,
                                 ",\"max_bytes\":4096,\"created\":\"", kTs,
                                 "\""));
}

// Fails the test unless `bytes` is all intact lines.
void RequireIntact(const std::string& bytes) {
  REQUIRE(FirstBrokenLine(bytes) == "");
}

// Decodes the first line of `bytes`.
DecodedLine FirstLine(const std::string& bytes) {
  const size_t nl = bytes.find('\n');
  REQUIRE(nl != std::string::npos);
  PaddedBuffer buffer;
  buffer.Assign(std::string_view(bytes).substr(0, nl));
  LineDecoder decoder;
  DecodedLine decoded;
  REQUIRE_OK(decoder.Decode(buffer.view(), buffer.readable(), &decoded));
  return decoded;
}

const State kTwo = {{"a", {"1", 0}}, {"b", {"2", 0}}};

// Puts `first_put` through `second` and `second_put` through `first`: each
// handle reads the other's put at once. Then both read `before` plus the
// two puts and report no damage. Returns the state they read.
State CheckHandlesReadEachOther(
    Store& first, Store& second, State before,
    const std::pair<std::string, std::string>& first_put,
    const std::pair<std::string, std::string>& second_put) {
  REQUIRE_OK(second.Put(first_put.first, first_put.second));
  CHECK(first.Get(first_put.first).value_or("<error>") == first_put.second);
  REQUIRE_OK(first.Put(second_put.first, second_put.second));
  CHECK(second.Get(second_put.first).value_or("<error>") == second_put.second);
  State expected = std::move(before);
  expected[first_put.first] = {first_put.second, 0};
  expected[second_put.first] = {second_put.second, 0};
  CHECK(ReadState(first) == expected);
  CHECK(ReadState(second) == expected);
  CHECK(first.Damage().empty());
  CHECK(second.Damage().empty());
  return expected;
}

// The torn tails a crash can leave after the last intact line of the
// newest segment. (A whole record without its newline, or with a bad
// checksum and its newline, is no crash leftover: a record, and damage.)
struct TornTail {
  const char* name;
  std::string bytes;
};

std::vector<TornTail> TornTails() {
  const std::string record = PutLine(3, "c", "\"torn\"");
  return {
      {"the first bytes of a record", record.substr(0, 30)},
      {"a whole record but its last two bytes",
       record.substr(0, record.size() - 2)},
      {"a single byte", "{"},
      {"zeros", std::string(40, '\0')},
      {"zeros then a newline", std::string(40, '\0') + "\n"},
      {"noise with newlines", std::string("\x01\n\xfe\n\x7f", 5)},
  };
}

// A store with a=1 and b=2 in segment 1, then the bytes of `torn` after
// the segment's last line. Returns the segment's bytes before the torn
// tail.
std::string WriteTwoThenTear(Fixture& f, const TornTail& torn) {
  {
    auto store = f.Open();
    REQUIRE_OK(store->Put("a", "1"));
    REQUIRE_OK(store->Put("b", "2"));
    REQUIRE_OK(store->Close());
  }
  const std::string intact = ReadFileBytes(f.Segment(1));
  f.Append(f.Segment(1), torn.bytes);
  return intact;
}

TEST_CASE(
    "a torn last line is not served, not reported, and counted in "
    "Stats::torn_tail_bytes",
    "[recovery]") {
  for (const TornTail& torn : TornTails()) {
    INFO("torn tail: " << torn.name);
    Fixture f;
    WriteTwoThenTear(f, torn);
    auto store = f.Open();
    CHECK(ReadState(*store) == kTwo);
    CHECK(absl::IsNotFound(store->Get("c").status()));
    CHECK(store->Damage().empty());
    const Stats stats = Value(store->GetStats());
    CHECK(stats.torn_tail_bytes == torn.bytes.size());
    CHECK(stats.damaged_records == 0);
    CHECK(stats.records == 2);
  }
}

TEST_CASE(
    "a torn last line is cut off before the next append, leaving the file "
    "all complete lines",
    "[recovery]") {
  for (const TornTail& torn : TornTails()) {
    INFO("torn tail: " << torn.name);
    Fixture f;
    const std::string intact = WriteTwoThenTear(f, torn);
    {
      auto store = f.Open();
      REQUIRE_OK(store->Put("d", "4"));
      CHECK(Value(store->GetStats()).torn_tail_bytes == 0);
    }
    const std::string after = ReadFileBytes(f.Segment(1));
    RequireIntact(after);
    CHECK(after.starts_with(intact));
    CHECK(SplitLines(after).size() == SplitLines(intact).size() + 1);
    auto store = f.Open();
    State expected = kTwo;
    expected["d"] = {"4", 0};
    CHECK(ReadState(*store) == expected);
    CHECK(store->Damage().empty());
    CHECK(Value(store->GetStats()).torn_tail_bytes == 0);
  }
}

TEST_CASE(
    "a torn tail is cut off by a write through another handle, and the "
    "first handle then reads that write",
    "[recovery]") {
  for (const TornTail& torn : TornTails()) {
    INFO("torn tail: " << torn.name);
    Fixture f;
    WriteTwoThenTear(f, torn);
    auto first = f.Open();   // sees the torn tail
    auto second = f.Open();  // sees it too, and writes
    CheckHandlesReadEachOther(*first, *second, kTwo, {"c", "3"}, {"d", "4"});
    RequireIntact(ReadFileBytes(f.Segment(1)));
  }
}

TEST_CASE(
    "an empty newest segment (a crash right after creating it) gets a "
    "header and records on the next write",
    "[recovery]") {
  SECTION("as the only segment") {
    Fixture f;
    WriteFileBytes(f.Segment(1), "");
    {
      auto store = f.Open();
      CHECK(ReadState(*store).empty());
      CHECK(store->Damage().empty());
      REQUIRE_OK(store->Put("a", "1"));
    }
    const std::string bytes = ReadFileBytes(f.Segment(1));
    RequireIntact(bytes);
    const DecodedLine header = FirstLine(bytes);
    CHECK(header.is_header);
    CHECK(header.segment == 1);
    CHECK(header.format_version == 1);
    CHECK(SplitLines(bytes).size() == 3);  // header, record, ""
    auto store = f.Open();
    CHECK(ReadState(*store) == State{{"a", {"1", 0}}});
  }
  SECTION("after a full segment") {
    Fixture f;
    State expected;
    std::string last_key;
    {
      auto store = f.Open();
      for (int i = 0; Value(store->GetStats()).segments < 2; ++i) {
        last_key = absl::StrCat("k", i);
        const std::string value =
            absl::StrCat("\"", std::string(200, 'x'), i, "\"");
        REQUIRE_OK(store->Put(last_key, value));
        expected[last_key] = {value, 0};
      }
    }
    // The crash lost segment 2's header and its one record, the last put.
    WriteFileBytes(f.Segment(2), "");
    expected.erase(last_key);
    {
      auto store = f.Open();
      CHECK(store->Damage().empty());
      CHECK(ReadState(*store) == expected);
      REQUIRE_OK(store->Put("new", "1"));
    }
    const std::string bytes = ReadFileBytes(f.Segment(2));
    RequireIntact(bytes);
    const DecodedLine header = FirstLine(bytes);
    CHECK(header.is_header);
    CHECK(header.segment == 2);
    auto store = f.Open();
    CHECK(store->Get("new").value_or("<error>") == "1");
    CHECK(store->Damage().empty());
  }
  SECTION("holding a torn header") {
    Fixture f;
    WriteFileBytes(f.Segment(1), HeaderLine(1).substr(0, 25));
    {
      auto store = f.Open();
      CHECK(store->Damage().empty());
      REQUIRE_OK(store->Put("a", "1"));
    }
    const std::string bytes = ReadFileBytes(f.Segment(1));
    RequireIntact(bytes);
    CHECK(FirstLine(bytes).is_header);
    auto store = f.Open();
    CHECK(ReadState(*store) == State{{"a", {"1", 0}}});
  }
}

TEST_CASE(
    "an empty newest segment gets a header and records when another handle "
    "in the same process writes, and both handles see every write",
    "[recovery]") {
  Fixture f;
  WriteFileBytes(f.Segment(1), "");
  auto first = f.Open();
  auto second = f.Open();
  const State expected =
      CheckHandlesReadEachOther(*first, *second, {}, {"a", "1"}, {"b", "2"});
  const std::string bytes = ReadFileBytes(f.Segment(1));
  RequireIntact(bytes);
  CHECK(FirstLine(bytes).is_header);
  CHECK(SplitLines(bytes).size() == 4);  // header, a, b, ""
  first.reset();
  second.reset();
  CHECK(ReadState(*f.Open()) == expected);
}

TEST_CASE(
    "a later record of a key wins by sequence number even when it lies in "
    "an earlier segment",
    "[recovery]") {
  Fixture f;
  // Segment 1 holds the newer records, segment 2 the older ones.
  WriteFileBytes(f.Segment(1), HeaderLine(1) + PutLine(5, "k", "\"new\"") +
                                   DeleteLine(6, "gone") +
                                   PutLine(7, "kept", "\"seg1\""));
  WriteFileBytes(f.Segment(2), HeaderLine(2) + PutLine(3, "k", "\"old\"") +
                                   PutLine(4, "gone", "\"resurrected?\"") +
                                   PutLine(2, "kept", "\"older\"") +
                                   PutLine(1, "only2", "1"));
  const State expected = {
      {"k", {"\"new\"", 0}}, {"kept", {"\"seg1\"", 0}}, {"only2", {"1", 0}}};
  {
    auto store = f.Open();
    CHECK(store->Damage().empty());
    CHECK(ReadState(*store) == expected);
    CHECK(store->Lookup("k")->seq == 5);
    CHECK(absl::IsNotFound(store->Get("gone").status()));
    CHECK(Value(store->GetStats()).last_seq == 7);
    // The next write continues after the highest sequence number.
    REQUIRE_OK(store->Put("k", "\"newest\""));
    CHECK(store->Lookup("k")->seq == 8);
  }
  auto store = f.Open();
  State after = expected;
  after["k"] = {"\"newest\"", 0};
  CHECK(ReadState(*store) == after);
  CHECK(store->Lookup("k")->seq == 8);
}

}  // namespace
}  // namespace dotlog::testing
