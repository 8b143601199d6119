// Tests of the segment scanner: intact lines, damaged lines, torn tails.
#include "format/segment_scanner.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "dotlog/limits.h"
#include "format/record.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

constexpr int64_t kTs = 1767225600123;

std::string Header() {
  std::string out;
  EncodeHeader(1, 8 << 20, kTs, &out);
  return out;
}

// A put of `key` with `seq`, ending in '\n'.
std::string PutLine(uint64_t seq, const std::string& key = "k") {
  std::string out;
  EncodeRecord(seq, kTs, {Mutation{false, key, std::to_string(seq), 0}}, &out);
  return out;
}

// `line` with one byte of its value changed: the checksum no longer matches.
std::string Corrupted(std::string line) {
  const size_t v = line.find("\"value\":") + 8;
  line[v] = line[v] == '9' ? '8' : '9';
  return line;
}

// One callback, as the scanner made it.
struct Event {
  bool damaged = false;
  uint64_t offset = 0;
  uint64_t line_number = 0;
  std::string bytes;   // intact lines: the line without '\n'
  uint64_t seq = 0;    // intact records
  std::string reason;  // damaged lines

  std::string Describe() const {
    return (damaged ? "damaged " : "record ") + std::to_string(line_number) +
           " @" + std::to_string(offset) + (damaged ? " " + reason : "");
  }
};

struct Scan {
  absl::StatusOr<ScanEnd> end;
  std::vector<Event> events;

  std::vector<Event> records() const {
    std::vector<Event> out;
    for (const Event& e : events) if (!e.damaged) out.push_back(e);
    return out;
  }
  std::vector<Event> damage() const {
    std::vector<Event> out;
    for (const Event& e : events) if (e.damaged) out.push_back(e);
    return out;
  }
};

Scan Run(const std::string& bytes, TailPolicy policy, uint64_t offset = 0,
         uint64_t line_number = 1, bool after_unterminated = false) {
  SegmentScanner scanner;
  PaddedBuffer data;
  data.Assign(bytes);
  Scan scan;
  scan.end = scanner.Scan(
      data, offset, line_number, after_unterminated, policy,
      [&](const ScannedLine& line) {
        Event e;
        e.offset = line.offset;
        e.line_number = line.line_number;
        e.bytes = std::string(line.bytes);
        REQUIRE(line.decoded != nullptr);
        e.seq = line.decoded->seq;
        scan.events.push_back(e);
        return absl::OkStatus();
      },
      [&](const DamagedLine& line) {
        Event e;
        e.damaged = true;
        e.offset = line.offset;
        e.line_number = line.line_number;
        e.reason = line.reason;
        scan.events.push_back(e);
      });
  for (const Event& e : scan.events) UNSCOPED_INFO(e.Describe());
  return scan;
}

const TailPolicy kBothPolicies[] = {TailPolicy::kReportAll,
                                    TailPolicy::kWithholdTail};

TEST_CASE("intact lines are delivered with their offsets and 1-based line "
          "numbers",
          "[segment_scanner]") {
  const std::string h = Header(), a = PutLine(1, "a"), b = PutLine(2, "b");
  for (const TailPolicy policy : kBothPolicies) {
    Scan s = Run(h + a + b, policy);
    REQUIRE_OK(s.end);
    REQUIRE(s.events.size() == 3);
    CHECK(s.damage().empty());
    CHECK(s.events[0].offset == 0);
    CHECK(s.events[0].line_number == 1);
    CHECK(s.events[0].bytes + "\n" == h);
    CHECK(s.events[1].offset == h.size());
    CHECK(s.events[1].line_number == 2);
    CHECK(s.events[1].bytes + "\n" == a);
    CHECK(s.events[1].seq == 1);
    CHECK(s.events[2].offset == h.size() + a.size());
    CHECK(s.events[2].line_number == 3);
    CHECK(s.events[2].bytes + "\n" == b);
    CHECK(s.events[2].seq == 2);
    CHECK(s.end->offset == h.size() + a.size() + b.size());
    CHECK(s.end->next_line == 4);
    CHECK(s.end->withheld_bytes == 0);
  }
}

TEST_CASE("a scan that starts mid-file numbers from the given offset and line",
          "[segment_scanner]") {
  const std::string a = PutLine(5), b = PutLine(6);
  for (const TailPolicy policy : kBothPolicies) {
    Scan s = Run(a + b, policy, /*offset=*/1000, /*line_number=*/8);
    REQUIRE_OK(s.end);
    REQUIRE(s.records().size() == 2);
    CHECK(s.events[0].offset == 1000);
    CHECK(s.events[0].line_number == 8);
    CHECK(s.events[1].offset == 1000 + a.size());
    CHECK(s.events[1].line_number == 9);
    CHECK(s.end->offset == 1000 + a.size() + b.size());
    CHECK(s.end->next_line == 10);
  }
}

TEST_CASE("no bytes scan to nothing", "[segment_scanner]") {
  for (const TailPolicy policy : kBothPolicies) {
    Scan s = Run("", policy, 77, 4);
    REQUIRE_OK(s.end);
    CHECK(s.events.empty());
    CHECK(s.end->offset == 77);
    CHECK(s.end->next_line == 4);
    CHECK(s.end->withheld_bytes == 0);
  }
}

TEST_CASE("a damaged middle line is reported and scanning resyncs at the next "
          "newline",
          "[segment_scanner]") {
  const std::string a = PutLine(1), bad = Corrupted(PutLine(2)),
                    c = PutLine(3);
  for (const TailPolicy policy : kBothPolicies) {
    Scan s = Run(a + bad + c, policy);
    REQUIRE_OK(s.end);
    REQUIRE(s.events.size() == 3);
    // In file order: the damage is reported before the line after it.
    CHECK_FALSE(s.events[0].damaged);
    CHECK(s.events[1].damaged);
    CHECK(s.events[1].offset == a.size());
    CHECK(s.events[1].line_number == 2);
    CHECK(s.events[1].reason.find("checksum mismatch") != std::string::npos);
    CHECK_FALSE(s.events[2].damaged);
    CHECK(s.events[2].seq == 3);
    CHECK(s.events[2].offset == a.size() + bad.size());
    CHECK(s.events[2].line_number == 3);
    CHECK(s.end->offset == a.size() + bad.size() + c.size());
    CHECK(s.end->next_line == 4);
    CHECK(s.end->withheld_bytes == 0);
  }
}

TEST_CASE("a torn line in the middle does not swallow the line after it",
          "[segment_scanner]") {
  // The first half of a record (cut inside a string), then a newline: the
  // scanner must not trust anything in the torn line to find the next one.
  const std::string a = PutLine(1);
  const std::string torn =
      "{\"seq\":2,\"ts\":\"2026-01-01T00:00:00.123Z\",\"op\":\"put\",\"key\":\"lo";
  const std::string c = PutLine(3), d = PutLine(4);
  for (const TailPolicy policy : kBothPolicies) {
    Scan s = Run(a + torn + "\n" + c + "garbage\n\n" + d, policy);
    REQUIRE_OK(s.end);
    REQUIRE(s.records().size() == 3);
    CHECK(s.records()[0].seq == 1);
    CHECK(s.records()[1].seq == 3);
    CHECK(s.records()[1].offset == a.size() + torn.size() + 1);
    CHECK(s.records()[1].line_number == 3);
    CHECK(s.records()[2].seq == 4);
    CHECK(s.records()[2].line_number == 6);
    REQUIRE(s.damage().size() == 3);
    CHECK(s.damage()[0].line_number == 2);
    CHECK(s.damage()[0].offset == a.size());
    CHECK(s.damage()[1].line_number == 4);
    CHECK(s.damage()[2].line_number == 5);  // the empty line
    for (const Event& e : s.damage()) CHECK_FALSE(e.reason.empty());
  }
}

TEST_CASE("kWithholdTail reports and keeps a complete last line that was "
          "edited",
          "[segment_scanner]") {
  // A crash leaves a prefix of an append, zeros or noise: never a whole
  // line with a checksum field. This one is damage, not a torn tail.
  const std::string a = PutLine(1), b = PutLine(2), bad = Corrupted(PutLine(3));
  Scan s = Run(a + b + bad, TailPolicy::kWithholdTail, 100, 10);
  REQUIRE_OK(s.end);
  REQUIRE(s.records().size() == 2);
  REQUIRE(s.damage().size() == 1);
  CHECK(s.damage()[0].line_number == 12);
  CHECK(s.end->offset == 100 + a.size() + b.size() + bad.size());
  CHECK(s.end->next_line == 13);
  CHECK(s.end->withheld_bytes == 0);
}

TEST_CASE("kWithholdTail reports every line of a segment converted to CRLF",
          "[segment_scanner]") {
  std::string crlf;
  for (const std::string& line : {Header(), PutLine(1), PutLine(2)}) {
    crlf += line.substr(0, line.size() - 1) + "\r\n";
  }
  Scan s = Run(crlf, TailPolicy::kWithholdTail);
  REQUIRE_OK(s.end);
  CHECK(s.records().empty());
  CHECK(s.damage().size() == 3);
  CHECK(s.end->offset == crlf.size());
  CHECK(s.end->withheld_bytes == 0);
}

TEST_CASE("kWithholdTail withholds noise with newlines after the last intact "
          "line",
          "[segment_scanner]") {
  // What a power loss can leave of an unsynced append: bytes that never
  // were a line, newlines among them.
  const std::string a = PutLine(1);
  const std::string noise = std::string("\x01\xff", 2) + "\n\x07" + "\n" + "\x13";
  Scan s = Run(a + noise, TailPolicy::kWithholdTail);
  REQUIRE_OK(s.end);
  CHECK(s.damage().empty());
  CHECK(s.records().size() == 1);
  CHECK(s.end->offset == a.size());
  CHECK(s.end->withheld_bytes == noise.size());
}

TEST_CASE("kWithholdTail reports unterminated bytes longer than any record",
          "[segment_scanner]") {
  const std::string a = PutLine(1);
  const std::string rest(kMaxRecordBytes + 1, 'x');
  Scan s = Run(a + rest, TailPolicy::kWithholdTail);
  REQUIRE_OK(s.end);
  CHECK(s.damage().size() == 1);
  CHECK(s.end->offset == a.size() + rest.size());
  CHECK(s.end->withheld_bytes == 0);
  CHECK(s.end->unterminated);
}

TEST_CASE("kWithholdTail withholds unterminated bytes without reporting them",
          "[segment_scanner]") {
  const std::string a = PutLine(1), b = PutLine(2);
  const std::string partial = b.substr(0, b.size() / 2);
  Scan s = Run(a + partial, TailPolicy::kWithholdTail);
  REQUIRE_OK(s.end);
  CHECK(s.damage().empty());
  REQUIRE(s.records().size() == 1);
  CHECK(s.end->offset == a.size());
  CHECK(s.end->next_line == 2);
  CHECK(s.end->withheld_bytes == partial.size());
}

TEST_CASE("kWithholdTail takes an intact last line that lacks only its "
          "newline as a record",
          "[segment_scanner]") {
  // An editor that drops the final newline leaves a record, not a tail.
  const std::string a = PutLine(1), b = PutLine(2);
  const std::string unterminated = b.substr(0, b.size() - 1);
  Scan s = Run(a + unterminated, TailPolicy::kWithholdTail);
  REQUIRE_OK(s.end);
  CHECK(s.damage().empty());
  REQUIRE(s.records().size() == 2);
  CHECK(s.records()[1].seq == 2);
  CHECK(s.end->offset == a.size() + unterminated.size());
  CHECK(s.end->next_line == 3);
  CHECK(s.end->withheld_bytes == 0);
  CHECK(s.end->unterminated);
}

TEST_CASE("a scan after an unterminated line takes a newline first as its "
          "end",
          "[segment_scanner]") {
  const std::string c = PutLine(3);
  Scan s = Run("\n" + c, TailPolicy::kWithholdTail, 500, 7,
               /*after_unterminated=*/true);
  REQUIRE_OK(s.end);
  CHECK(s.damage().empty());
  REQUIRE(s.records().size() == 1);
  CHECK(s.records()[0].offset == 501);
  CHECK(s.records()[0].line_number == 7);
  CHECK(s.end->offset == 501 + c.size());
  CHECK_FALSE(s.end->unterminated);
}

TEST_CASE("kWithholdTail reports an edited last line and withholds the "
          "unterminated bytes after it",
          "[segment_scanner]") {
  const std::string a = PutLine(1), bad = Corrupted(PutLine(2));
  const std::string partial = PutLine(3).substr(0, 20);
  Scan s = Run(a + bad + partial, TailPolicy::kWithholdTail);
  REQUIRE_OK(s.end);
  REQUIRE(s.damage().size() == 1);
  CHECK(s.damage()[0].line_number == 2);
  REQUIRE(s.records().size() == 1);
  CHECK(s.end->offset == a.size() + bad.size());
  CHECK(s.end->next_line == 3);
  CHECK(s.end->withheld_bytes == partial.size());
}

TEST_CASE("a withheld tail is read once it is complete",
          "[segment_scanner]") {
  // A scan resumes where the last one stopped, as a reader catching up with
  // an append in progress does.
  const std::string a = PutLine(1), b = PutLine(2);
  const std::string half = b.substr(0, b.size() / 2);
  Scan first = Run(a + half, TailPolicy::kWithholdTail);
  REQUIRE_OK(first.end);
  REQUIRE(first.end->withheld_bytes == half.size());
  Scan second = Run(b, TailPolicy::kWithholdTail, first.end->offset,
                    first.end->next_line);
  REQUIRE_OK(second.end);
  CHECK(second.damage().empty());
  REQUIRE(second.records().size() == 1);
  CHECK(second.records()[0].seq == 2);
  CHECK(second.records()[0].offset == a.size());
  CHECK(second.records()[0].line_number == 2);
}

TEST_CASE("kReportAll reports a damaged last line", "[segment_scanner]") {
  const std::string a = PutLine(1), bad = Corrupted(PutLine(2));
  Scan s = Run(a + bad, TailPolicy::kReportAll);
  REQUIRE_OK(s.end);
  REQUIRE(s.damage().size() == 1);
  CHECK(s.damage()[0].offset == a.size());
  CHECK(s.damage()[0].line_number == 2);
  CHECK(s.damage()[0].reason.find("checksum mismatch") != std::string::npos);
  CHECK(s.end->offset == a.size() + bad.size());
  CHECK(s.end->next_line == 3);
  CHECK(s.end->withheld_bytes == 0);
}

TEST_CASE("kReportAll reports damaged unterminated bytes", "[segment_scanner]") {
  const std::string a = PutLine(1), b = PutLine(2);
  const std::string partial = b.substr(0, b.size() / 2);
  Scan s = Run(a + partial, TailPolicy::kReportAll, 50, 3);
  REQUIRE_OK(s.end);
  REQUIRE(s.records().size() == 1);
  REQUIRE(s.damage().size() == 1);
  CHECK(s.damage()[0].offset == 50 + a.size());
  CHECK(s.damage()[0].line_number == 4);
  CHECK_FALSE(s.damage()[0].reason.empty());
  CHECK(s.end->offset == 50 + a.size() + partial.size());
  CHECK(s.end->next_line == 5);
  CHECK(s.end->withheld_bytes == 0);
}

TEST_CASE("kReportAll reports a damaged last line and the unterminated bytes "
          "after it, in order",
          "[segment_scanner]") {
  const std::string a = PutLine(1), bad = Corrupted(PutLine(2));
  const std::string partial = PutLine(3).substr(0, 20);
  Scan s = Run(a + bad + partial, TailPolicy::kReportAll);
  REQUIRE_OK(s.end);
  REQUIRE(s.damage().size() == 2);
  CHECK(s.damage()[0].line_number == 2);
  CHECK(s.damage()[0].offset == a.size());
  CHECK(s.damage()[1].line_number == 3);
  CHECK(s.damage()[1].offset == a.size() + bad.size());
  CHECK(s.end->offset == a.size() + bad.size() + partial.size());
  CHECK(s.end->withheld_bytes == 0);
}

TEST_CASE("an unterminated but intact last line of a sealed segment is "
          "accepted",
          "[segment_scanner]") {
  const std::string a = PutLine(1), b = PutLine(2);
  const std::string unterminated = b.substr(0, b.size() - 1);
  Scan s = Run(a + unterminated, TailPolicy::kReportAll);
  REQUIRE_OK(s.end);
  CHECK(s.damage().empty());
  REQUIRE(s.records().size() == 2);
  CHECK(s.records()[1].seq == 2);
  CHECK(s.records()[1].offset == a.size());
  CHECK(s.records()[1].line_number == 2);
  CHECK(s.records()[1].bytes == unterminated);
  CHECK(s.end->offset == a.size() + unterminated.size());
  CHECK(s.end->next_line == 3);
  CHECK(s.end->withheld_bytes == 0);
}

TEST_CASE("an on_record error stops the scan and is returned",
          "[segment_scanner]") {
  const std::string a = PutLine(1), bad = Corrupted(PutLine(3));
  const std::string b = PutLine(2), c = PutLine(4);
  for (const TailPolicy policy : kBothPolicies) {
    SegmentScanner scanner;
    PaddedBuffer data;
    data.Assign(a + b + bad + c);
    std::vector<uint64_t> seen;
    int damage = 0;
    absl::StatusOr<ScanEnd> end = scanner.Scan(
        data, 0, 1, false, policy,
        [&](const ScannedLine& line) {
          seen.push_back(line.decoded->seq);
          if (line.decoded->seq == 2) return absl::AbortedError("stop here");
          return absl::OkStatus();
        },
        [&](const DamagedLine&) { ++damage; });
    REQUIRE_FALSE(end.ok());
    CHECK(end.status().code() == absl::StatusCode::kAborted);
    CHECK(end.status().message() == "stop here");
    CHECK(seen == std::vector<uint64_t>{1, 2});
    CHECK(damage == 0);
  }
}

TEST_CASE("an on_record error on an unterminated last line is returned",
          "[segment_scanner]") {
  const std::string a = PutLine(1), b = PutLine(2);
  SegmentScanner scanner;
  PaddedBuffer data;
  data.Assign(a + b.substr(0, b.size() - 1));
  int calls = 0;
  absl::StatusOr<ScanEnd> end = scanner.Scan(
      data, 0, 1, false, TailPolicy::kReportAll,
      [&](const ScannedLine& line) {
        ++calls;
        if (line.decoded->seq == 2) return absl::InternalError("full");
        return absl::OkStatus();
      },
      [&](const DamagedLine&) { FAIL("no damage expected"); });
  CHECK(calls == 2);
  REQUIRE_FALSE(end.ok());
  CHECK(end.status().code() == absl::StatusCode::kInternal);
}

TEST_CASE("a scanner can be reused for another file", "[segment_scanner]") {
  SegmentScanner scanner;
  for (int round = 0; round < 2; ++round) {
    PaddedBuffer data;
    data.Assign(Header() + PutLine(round + 1) + Corrupted(PutLine(9)) +
                PutLine(round + 10));
    std::vector<uint64_t> seqs;
    int damage = 0;
    auto end = scanner.Scan(
        data, 0, 1, false, TailPolicy::kReportAll,
        [&](const ScannedLine& line) {
          if (!line.decoded->is_header) seqs.push_back(line.decoded->seq);
          return absl::OkStatus();
        },
        [&](const DamagedLine&) { ++damage; });
    REQUIRE_OK(end);
    CHECK(seqs == std::vector<uint64_t>{uint64_t(round + 1), uint64_t(round + 10)});
    CHECK(damage == 1);
  }
}

}  // namespace
}  // namespace dotlog
