// Tests of the record writer: the exact bytes of header and record lines.
#include "format/record.h"

#include <catch2/catch.hpp>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// An independent copy of XXH3, compiled into this test only, to check that
// RecordChecksum is XXH3-64 with seed 0 and not some other variant.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace dotlog {
namespace {

constexpr uint64_t kSeq = 7;
constexpr int64_t kTs = 1767225600123;       // 2026-01-01T00:00:00.123Z
constexpr int64_t kExpires = 1767312000000;  // 2026-01-02T00:00:00.000Z

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

Mutation Put(std::string key, std::string value, int64_t expires_ms = 0) {
  return Mutation{false, std::move(key), std::move(value), expires_ms};
}

Mutation Del(std::string key) { return Mutation{true, std::move(key), "", 0}; }

std::string Record(const std::vector<Mutation>& ops, uint64_t seq = kSeq,
                   int64_t ts = kTs) {
  std::string out;
  EncodeRecord(seq, ts, ops, &out);
  return out;
}

std::string Header(uint64_t number, uint64_t max_bytes, int64_t created) {
  std::string out;
  EncodeHeader(number, max_bytes, created, &out);
  return out;
}

// Checks that `line` is one '\n'-terminated line whose trailer is
// `,"xxh3":"<16 lowercase hex>"}` holding XXH3-64 (seed 0) of exactly the
// bytes before `,"xxh3":"`.
void CheckSealed(const std::string& line) {
  INFO(line);
  REQUIRE(line.size() > kChecksumTrailerBytes + 1);
  CHECK(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  const std::string_view body(line.data(), line.size() - 1);
  const size_t covered = body.size() - kChecksumTrailerBytes;
  CHECK(body.substr(covered, 9) == ",\"xxh3\":\"");
  CHECK(body.substr(body.size() - 2) == "\"}");
  const std::string_view digits = body.substr(covered + 9, 16);
  CHECK(digits.find_first_not_of("0123456789abcdef") == std::string_view::npos);
  // The trailer prefix occurs exactly once: nothing else could be mistaken
  // for it.
  CHECK(body.find(",\"xxh3\":\"") == covered);
  const std::string_view before = body.substr(0, covered);
  CHECK(digits == Hex16(RecordChecksum(before)));
  CHECK(digits == Hex16(XXH3_64bits(before.data(), before.size())));
}

TEST_CASE("RecordChecksum is XXH3-64 with seed 0", "[record]") {
  // The published XXH3-64 value of empty input with seed 0.
  CHECK(RecordChecksum("") == 0x2D06800538D394C2ULL);
  const std::string_view text = "{\"seq\":1";
  CHECK(RecordChecksum(text) == XXH3_64bits(text.data(), text.size()));
  CHECK(RecordChecksum(text) == XXH3_64bits_withSeed(text.data(), text.size(), 0));
  CHECK(RecordChecksum(text) != XXH64(text.data(), text.size(), 0));
}

TEST_CASE("a running checksum fed in pieces equals the checksum of the whole",
          "[record]") {
  std::string bytes;
  for (int i = 0; i < 3000; ++i) bytes += static_cast<char>('a' + i * 7 % 26);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{240}, size_t{1024}, bytes.size()}) {
    RunningChecksum running;
    running.Update(std::string_view(bytes).substr(0, cut));
    INFO("cut at " << cut);
    CHECK(running.Digest() == RecordChecksum(std::string_view(bytes).substr(0, cut)));
    running.Update(std::string_view(bytes).substr(cut));
    CHECK(running.Digest() == RecordChecksum(bytes));
  }
  // Many small pieces, and a moved-to checksum goes on from where it was.
  RunningChecksum small;
  for (char c : bytes.substr(0, 100)) small.Update(std::string_view(&c, 1));
  RunningChecksum moved = std::move(small);
  moved.Update(std::string_view(bytes).substr(100));
  CHECK(moved.Digest() == RecordChecksum(bytes));
  CHECK(RunningChecksum().Digest() == RecordChecksum(""));
}

TEST_CASE("the checksum trailer constants spell ,\"xxh3\":\"<16 hex>\"}",
          "[record]") {
  CHECK(kChecksumPrefix == ",\"xxh3\":\"");
  CHECK(kChecksumDigits == 16);
  CHECK(kChecksumSuffix == "\"}");
  CHECK(kChecksumTrailerBytes == 9 + 16 + 2);
  CHECK(kFormatVersion == 1);
}

TEST_CASE("a header is one line sealed by the checksum of the bytes before "
          "its trailer",
          "[record]") {
  CheckSealed(Header(1, 8388608, kTs));
}

TEST_CASE("a put is one line sealed by the checksum of the bytes before its "
          "trailer",
          "[record]") {
  CheckSealed(Record({Put("k", "{\"a\":[1,2]}")}));
}

TEST_CASE("a put with expiry, a delete and a batch are sealed lines too",
          "[record]") {
  CheckSealed(Record({Put("k", "1", kExpires)}));
  CheckSealed(Record({Del("k")}));
  CheckSealed(Record({Put("a", "1"), Del("b"), Put("c", "\"x\"", kExpires)}));
}

TEST_CASE("golden: the header line of segment 1", "[record][golden]") {
  CHECK(Header(1, 8388608, kTs) ==
        "{\"dotlog\":1,\"segment\":1,\"max_bytes\":8388608,"
        "\"created\":\"2026-01-01T00:00:00.123Z\","
        "\"xxh3\":\"e8545b4c898df086\"}\n");
}

TEST_CASE("golden: the header line of a compacted (base) segment",
          "[record][golden]") {
  std::string line;
  EncodeHeader(5, 4096, kTs, &line, /*base=*/true, /*last_seq=*/42);
  CHECK(line ==
        "{\"dotlog\":1,\"segment\":5,\"max_bytes\":4096,"
        "\"created\":\"2026-01-01T00:00:00.123Z\",\"base\":true,"
        "\"last_seq\":42,\"xxh3\":\"56b8c67dc6040649\"}\n");
  CheckSealed(line);
}

TEST_CASE("golden: the seal line", "[record][golden]") {
  std::string line;
  EncodeSeal(kTs, &line);
  CHECK(line ==
        "{\"sealed\":true,\"ts\":\"2026-01-01T00:00:00.123Z\","
        "\"xxh3\":\"0ebd916167936efa\"}\n");
  CheckSealed(line);
}

TEST_CASE("golden: a put", "[record][golden]") {
  CHECK(Record({Put("user/1", "{\"name\":\"Ann\",\"tags\":[1,2]}")}) ==
        "{\"seq\":7,\"ts\":\"2026-01-01T00:00:00.123Z\",\"op\":\"put\","
        "\"key\":\"user/1\",\"value\":{\"name\":\"Ann\",\"tags\":[1,2]},"
        "\"xxh3\":\"dba4424c1f9f2cf2\"}\n");
}

TEST_CASE("golden: a put with expiry", "[record][golden]") {
  CHECK(Record({Put("session", "true", kExpires)}) ==
        "{\"seq\":7,\"ts\":\"2026-01-01T00:00:00.123Z\",\"op\":\"put\","
        "\"key\":\"session\",\"value\":true,"
        "\"expires\":\"2026-01-02T00:00:00.000Z\","
        "\"xxh3\":\"24affb8b6482bb3f\"}\n");
}

TEST_CASE("golden: a delete", "[record][golden]") {
  CHECK(Record({Del("user/1")}) ==
        "{\"seq\":7,\"ts\":\"2026-01-01T00:00:00.123Z\",\"op\":\"del\","
        "\"key\":\"user/1\",\"xxh3\":\"817c491eb40554cb\"}\n");
}

TEST_CASE("golden: a batch lists its operations in order", "[record][golden]") {
  CHECK(Record({Put("a", "1"), Del("b"), Put("c", "[null]", kExpires)}) ==
        "{\"seq\":7,\"ts\":\"2026-01-01T00:00:00.123Z\",\"op\":\"batch\","
        "\"ops\":[{\"op\":\"put\",\"key\":\"a\",\"value\":1},"
        "{\"op\":\"del\",\"key\":\"b\"},"
        "{\"op\":\"put\",\"key\":\"c\",\"value\":[null],"
        "\"expires\":\"2026-01-02T00:00:00.000Z\"}],"
        "\"xxh3\":\"32ab3130338761bc\"}\n");
}

TEST_CASE("golden: a key is written as an escaped JSON string",
          "[record][golden]") {
  CHECK(Record({Del(std::string("q\"b\\n\n\x01\0", 8))}) ==
        "{\"seq\":7,\"ts\":\"2026-01-01T00:00:00.123Z\",\"op\":\"del\","
        "\"key\":\"q\\\"b\\\\n\\n\\u0001\\u0000\",\"xxh3\":\"698be600371c7c12\"}\n");
}

TEST_CASE("StoredChecksum reads the trailer of every kind of line",
          "[record]") {
  std::string seal;
  EncodeSeal(kTs, &seal);
  for (std::string line :
       {Header(1, 4096, kTs), seal, Record({Put("k", "1", kExpires)}),
        Record({Del("k")}), Record({Put("a", "1"), Del("b")})}) {
    INFO(line);
    line.pop_back();  // without its '\n'
    const std::optional<uint64_t> stored = StoredChecksum(line);
    REQUIRE(stored.has_value());
    CHECK(*stored == RecordChecksum(line.substr(0, line.size() - 27)));
  }
}

TEST_CASE("StoredChecksum rejects a malformed trailer without verifying",
          "[record]") {
  const std::string ok = "{\"a\":1,\"xxh3\":\"0123456789abcdef\"}";
  REQUIRE(StoredChecksum(ok) == std::optional<uint64_t>(0x0123456789abcdefULL));
  CHECK_FALSE(StoredChecksum("").has_value());
  CHECK_FALSE(StoredChecksum("{\"a\":1}").has_value());
  CHECK_FALSE(StoredChecksum("{\"a\":1,\"xxh3\":\"0123456789ABCDEF\"}").has_value());
  CHECK_FALSE(StoredChecksum("{\"a\":1,\"xxh3\":\"0123456789abcde\"}").has_value());
  CHECK_FALSE(StoredChecksum("{\"a\":1,\"xxh3\":\"0123456789abcdef0\"}").has_value());
  CHECK_FALSE(StoredChecksum("{\"a\":1,\"xxh3\":\"0123456789abcdeg\"}").has_value());
  CHECK_FALSE(StoredChecksum("{\"a\":1,\"xxh4\":\"0123456789abcdef\"}").has_value());
  CHECK_FALSE(StoredChecksum(ok + "\n").has_value());
  CHECK_FALSE(StoredChecksum(ok + " ").has_value());
}

TEST_CASE("StoredChecksum reads each lowercase hex digit at every place and "
          "rejects any other byte there",
          "[record]") {
  const std::string digits = "0123456789abcdef";
  for (size_t place = 0; place < 16; ++place) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string hex(16, '0');
      hex[place] = static_cast<char>(byte);
      const auto stored = StoredChecksum("{\"a\":1,\"xxh3\":\"" + hex + "\"}");
      const size_t digit = digits.find(static_cast<char>(byte));
      INFO("place " << place << ", byte " << byte);
      if (digit == std::string::npos) {
        CHECK_FALSE(stored.has_value());
      } else {
        CHECK(stored == std::optional<uint64_t>(uint64_t{digit} << (4 * (15 - place))));
      }
    }
  }
}

TEST_CASE("a value is written exactly as given", "[record]") {
  const std::string value = "{\"n\":1.50,\"e\":2E3,\"s\":\"\\u00e9\"}";
  const std::string line = Record({Put("k", value)});
  CHECK(line.find(",\"value\":" + value + ",\"xxh3\":\"") != std::string::npos);
}

TEST_CASE("a put without expiry has no expires field", "[record]") {
  CHECK(Record({Put("k", "1")}).find("expires") == std::string::npos);
  CHECK(Record({Put("a", "1"), Put("b", "2")}).find("expires") ==
        std::string::npos);
}

TEST_CASE("a one-operation record is a put or del, never a batch",
          "[record]") {
  CHECK(Record({Put("k", "1")}).find("\"op\":\"batch\"") == std::string::npos);
  CHECK(Record({Del("k")}).find("\"ops\"") == std::string::npos);
}

TEST_CASE("encoding appends to the buffer and the checksum covers only the "
          "new line",
          "[record]") {
  std::string out = "earlier bytes\n";
  EncodeRecord(kSeq, kTs, {Put("k", "1")}, &out);
  EncodeHeader(2, 4096, kTs, &out);
  const std::string record = Record({Put("k", "1")});
  const std::string header = Header(2, 4096, kTs);
  CHECK(out == "earlier bytes\n" + record + header);
}

TEST_CASE("different records get different checksums", "[record]") {
  const std::string a = Record({Put("k", "1")}, 1);
  const std::string b = Record({Put("k", "1")}, 2);
  CHECK(a.substr(a.size() - 20) != b.substr(b.size() - 20));
}

TEST_CASE("large sequence numbers and sizes are written in full", "[record]") {
  const std::string line = Record({Del("k")}, UINT64_MAX);
  CHECK(line.rfind("{\"seq\":18446744073709551615,", 0) == 0);
  CheckSealed(line);
  const std::string header = Header(UINT64_MAX, 1 << 30, 0);
  CHECK(header.rfind("{\"dotlog\":1,\"segment\":18446744073709551615,"
                     "\"max_bytes\":1073741824,"
                     "\"created\":\"1970-01-01T00:00:00.000Z\",",
                     0) == 0);
  CheckSealed(header);
}

}  // namespace
}  // namespace dotlog
