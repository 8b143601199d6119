// Tests of the line decoder: what EncodeRecord writes decodes back, and
// every kind of damage is DataLoss with a reason.
#include "format/line_decoder.h"

#include <catch2/catch.hpp>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "format/record.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

constexpr int64_t kTs = 1767225600123;       // 2026-01-01T00:00:00.123Z
constexpr int64_t kExpires = 1767312000000;  // 2026-01-02T00:00:00.000Z
constexpr char kTsText[] = "2026-01-01T00:00:00.123Z";

Mutation Put(std::string key, std::string value, int64_t expires_ms = 0) {
  return Mutation{false, std::move(key), std::move(value), expires_ms};
}
Mutation Del(std::string key) { return Mutation{true, std::move(key), "", 0}; }

// The record line EncodeRecord writes, without its '\n'.
std::string Encoded(uint64_t seq, const std::vector<Mutation>& ops) {
  std::string out;
  EncodeRecord(seq, kTs, ops, &out);
  REQUIRE(out.back() == '\n');
  out.pop_back();
  return out;
}

// `body` followed by the checksum trailer that makes it intact: the way a
// hand-built line gets a correct checksum.
std::string Seal(const std::string& body) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016" PRIx64, RecordChecksum(body));
  return body + ",\"xxh3\":\"" + hex + "\"}";
}

// Decodes `line` from a padded copy, as the scanner does.
struct Decoded {
  absl::Status status;
  std::string line;  // the bytes decoded (offsets are relative to these)
  DecodedLine out;
  std::vector<std::string> keys;  // copies: DecodedOp::key is short-lived

  std::string_view value(size_t i) const {
    return std::string_view(line).substr(out.ops[i].value_offset,
                                         out.ops[i].value_size);
  }
};

Decoded Decode(const std::string& line) {
  static LineDecoder decoder;
  Decoded d;
  d.line = line;
  PaddedBuffer buf;
  buf.Assign(line);
  d.status = decoder.Decode(buf.view(), buf.readable(), &d.out);
  // Keys and ts point into the decoder: copy the keys now. (Offsets are
  // relative to the line, so they index d.line as well as buf.)
  for (const DecodedOp& op : d.out.ops) d.keys.emplace_back(op.key);
  return d;
}

Decoded DecodeOk(const std::string& line) {
  Decoded d = Decode(line);
  INFO(line);
  INFO(d.status.ToString());
  REQUIRE_OK(d.status);
  return d;
}

// Checks that `d` is the header of segment `segment`, of format version
// kFormatVersion and at most `max_bytes` bytes, with no operations.
void CheckHeader(const Decoded& d, uint64_t segment, uint64_t max_bytes) {
  CHECK(d.out.is_header);
  CHECK(d.out.format_version == kFormatVersion);
  CHECK(d.out.segment == segment);
  CHECK(d.out.max_bytes == max_bytes);
  CHECK(d.out.ops.empty());
}

// Requires `line` to be rejected as DataLoss with a message that contains
// `reason` (with any message when `reason` is empty).
void CheckDamaged(const std::string& line, std::string_view reason = "") {
  Decoded d = Decode(line);
  INFO("line: " << line);
  INFO("status: " << d.status.ToString());
  REQUIRE_FALSE(d.status.ok());
  CHECK(d.status.code() == absl::StatusCode::kDataLoss);
  CHECK_FALSE(d.status.message().empty());
  CHECK(std::string(d.status.message()).find(reason) != std::string::npos);
}

const std::string kTsField = std::string("\"ts\":\"") + kTsText + "\"";

// ---- Intact lines ----------------------------------------------------------

TEST_CASE("a put decodes to its seq, ts, key and exact value text",
          "[line_decoder]") {
  const std::string value = "{\"name\":\"Ann\",\"tags\":[1,2],\"x\":{}}";
  Decoded d = DecodeOk(Encoded(42, {Put("user/1", value)}));
  CHECK_FALSE(d.out.is_header);
  CHECK_FALSE(d.out.is_batch);
  CHECK(d.out.seq == 42);
  CHECK(d.out.ts == kTsText);
  REQUIRE(d.out.ops.size() == 1);
  CHECK_FALSE(d.out.ops[0].is_delete);
  CHECK(d.keys[0] == "user/1");
  CHECK(d.value(0) == value);
  CHECK(d.out.ops[0].expires_ms == 0);
}

TEST_CASE("value offsets point at the exact text of every kind of value",
          "[line_decoder]") {
  for (const char* value :
       {"0", "-12.5e+3", "1.50", "true", "false", "null", "\"\"",
        "\"a \\\"quoted\\\" \\\\ string\"", "\"caf\xC3\xA9 \\u00e9\"", "[]",
        "[1,[2,[3]],{\"a\":null}]", "{}", "{\"k\":\"}\",\"l\":\"]\"}"}) {
    INFO(value);
    Decoded d = DecodeOk(Encoded(1, {Put("k", value)}));
    REQUIRE(d.out.ops.size() == 1);
    CHECK(d.value(0) == value);
    // The offset is where the value starts within the line.
    CHECK(d.out.ops[0].value_offset ==
          d.line.find(std::string(",\"value\":") + value) + 9);
  }
}

TEST_CASE(
    "EncodeRecord's value offsets are the ones the decoder finds, for puts, "
    "deletes, expiries, escaped keys and batches",
    "[line_decoder]") {
  const std::vector<std::vector<Mutation>> records = {
      {Put("k", "1")},
      {Del("gone")},
      {Put("t", "\"s\"", kExpires)},
      {Put("quote\"and\\slash\n\u00e9", "[1,{\"a\":null}]")},
      {Put("a", "true"), Del("b"), Put("c\"", "{\"x\":[]}", kExpires),
       Put("d", "-0.5e3")},
  };
  for (const std::vector<Mutation>& ops : records) {
    std::string line;
    std::vector<uint32_t> offsets = {99};  // appended to, not replaced
    EncodeRecord(3, kTs, ops, &line, &offsets);
    INFO(line);
    REQUIRE(offsets.size() == ops.size() + 1);
    line.pop_back();
    Decoded d = DecodeOk(line);
    REQUIRE(d.out.ops.size() == ops.size());
    for (size_t i = 0; i < ops.size(); ++i) {
      CHECK(d.out.ops[i].value_offset == offsets[i + 1]);
      if (!ops[i].is_delete) CHECK(d.value(i) == ops[i].value);
    }
  }
}

TEST_CASE("a put with expiry decodes its expiry in milliseconds",
          "[line_decoder]") {
  Decoded d = DecodeOk(Encoded(3, {Put("k", "1", kExpires)}));
  REQUIRE(d.out.ops.size() == 1);
  CHECK(d.out.ops[0].expires_ms == kExpires);
}

TEST_CASE("an expiry at the epoch decodes as expired, not as never",
          "[line_decoder]") {
  Decoded d = DecodeOk(Seal("{\"seq\":1," + kTsField +
                            ",\"op\":\"put\",\"key\":\"k\",\"value\":1,"
                            "\"expires\":\"1970-01-01T00:00:00.000Z\""));
  REQUIRE(d.out.ops.size() == 1);
  CHECK(d.out.ops[0].expires_ms != 0);
  CHECK(d.out.ops[0].expires_ms <= 1);
}

TEST_CASE("a delete decodes with its key and no value", "[line_decoder]") {
  Decoded d = DecodeOk(Encoded(5, {Del("gone")}));
  CHECK(d.out.seq == 5);
  CHECK_FALSE(d.out.is_batch);
  REQUIRE(d.out.ops.size() == 1);
  CHECK(d.out.ops[0].is_delete);
  CHECK(d.keys[0] == "gone");
  CHECK(d.out.ops[0].value_size == 0);
  CHECK(d.out.ops[0].expires_ms == 0);
}

TEST_CASE("a batch decodes its operations in order", "[line_decoder]") {
  Decoded d = DecodeOk(Encoded(
      9, {Put("a", "1"), Del("b"), Put("c", "[true]", kExpires), Put("a", "2")}));
  CHECK(d.out.seq == 9);
  CHECK(d.out.is_batch);
  REQUIRE(d.out.ops.size() == 4);
  CHECK(d.keys == std::vector<std::string>{"a", "b", "c", "a"});
  CHECK_FALSE(d.out.ops[0].is_delete);
  CHECK(d.value(0) == "1");
  CHECK(d.out.ops[1].is_delete);
  CHECK(d.out.ops[1].value_size == 0);
  CHECK(d.value(2) == "[true]");
  CHECK(d.out.ops[2].expires_ms == kExpires);
  CHECK(d.out.ops[0].expires_ms == 0);
  CHECK(d.value(3) == "2");
}

TEST_CASE("a header decodes its version, segment number and size",
          "[line_decoder]") {
  std::string line;
  EncodeHeader(12, 4096, kTs, &line);
  line.pop_back();
  CheckHeader(DecodeOk(line), 12, 4096);
}

TEST_CASE("a base header decodes as base, a plain header as not",
          "[line_decoder]") {
  std::string base, plain;
  EncodeHeader(3, 4096, kTs, &base, /*base=*/true, /*last_seq=*/77);
  EncodeHeader(4, 4096, kTs, &plain);
  base.pop_back();
  plain.pop_back();
  // Decode the base header first: the flag must not stick to the next line.
  const struct {
    const std::string& line;
    bool base;
    uint64_t last_seq;
    uint64_t segment;
  } expected[] = {{base, true, 77, 3}, {plain, false, 0, 4}};
  LineDecoder decoder;
  DecodedLine out;
  PaddedBuffer buf;
  for (const auto& want : expected) {
    INFO(want.line);
    buf.Assign(want.line);
    REQUIRE_OK(decoder.Decode(buf.view(), buf.readable(), &out));
    CHECK(out.is_header);
    CHECK(out.base == want.base);
    CHECK(out.last_seq == want.last_seq);
    CHECK(out.segment == want.segment);
  }
}

TEST_CASE("a seal line decodes as a seal, neither header nor record",
          "[line_decoder]") {
  std::string seal;
  EncodeSeal(kTs, &seal);
  seal.pop_back();
  LineDecoder decoder;
  DecodedLine out;
  PaddedBuffer buf;
  buf.Assign(seal);
  REQUIRE_OK(decoder.Decode(buf.view(), buf.readable(), &out));
  CHECK(out.is_seal);
  CHECK_FALSE(out.is_header);
  CHECK(out.ops.empty());
  CHECK(out.ts == kTsText);
  // The flag does not stick to the next line.
  buf.Assign(Encoded(2, {Put("k", "1")}));
  REQUIRE_OK(decoder.Decode(buf.view(), buf.readable(), &out));
  CHECK_FALSE(out.is_seal);
  CHECK(out.ops.size() == 1);
}

TEST_CASE("escaped keys decode to their original bytes", "[line_decoder]") {
  std::string key("q\"b\\s\n\t\x01\x1f", 9);
  key.push_back('\0');
  key += "\xE2\x80\xA8\xE2\x80\xA9 caf\xC3\xA9 \xF0\x9F\x98\x80";
  Decoded d = DecodeOk(Encoded(1, {Put(key, "1"), Del(key)}));
  REQUIRE(d.keys.size() == 2);
  CHECK(d.keys[0] == key);
  CHECK(d.keys[1] == key);
}

TEST_CASE("a decoder reused for another line forgets the previous one",
          "[line_decoder]") {
  LineDecoder decoder;
  DecodedLine out;
  PaddedBuffer buf;
  buf.Assign(Encoded(1, {Put("a", "1"), Put("b", "2")}));
  REQUIRE_OK(decoder.Decode(buf.view(), buf.readable(), &out));
  REQUIRE(out.ops.size() == 2);
  buf.Assign(Encoded(2, {Del("c")}));
  REQUIRE_OK(decoder.Decode(buf.view(), buf.readable(), &out));
  CHECK_FALSE(out.is_batch);
  REQUIRE(out.ops.size() == 1);
  CHECK(out.ops[0].key == "c");
  std::string header;
  EncodeHeader(1, 4096, kTs, &header);
  header.pop_back();
  buf.Assign(header);
  REQUIRE_OK(decoder.Decode(buf.view(), buf.readable(), &out));
  CHECK(out.is_header);
  CHECK(out.ops.empty());
  buf.Assign(Encoded(3, {Put("d", "4")}));
  REQUIRE_OK(decoder.Decode(buf.view(), buf.readable(), &out));
  CHECK_FALSE(out.is_header);
  CHECK(out.seq == 3);
}

TEST_CASE("unknown fields are ignored", "[line_decoder]") {
  Decoded d = DecodeOk(
      Seal("{\"seq\":4,\"future\":{\"nested\":[1,{\"op\":\"del\"}]}," +
           kTsField +
           ",\"op\":\"put\",\"key\":\"k\",\"value\":[1,2],\"note\":\"x\""));
  CHECK(d.out.seq == 4);
  REQUIRE(d.out.ops.size() == 1);
  CHECK_FALSE(d.out.ops[0].is_delete);
  CHECK(d.keys[0] == "k");
  CHECK(d.value(0) == "[1,2]");
}

TEST_CASE("unknown fields inside batch operations are ignored",
          "[line_decoder]") {
  Decoded d = DecodeOk(Seal(
      "{\"seq\":4," + kTsField +
      ",\"op\":\"batch\",\"ops\":[{\"op\":\"put\",\"why\":[\"x\"],\"key\":"
      "\"a\",\"value\":7},{\"extra\":null,\"op\":\"del\",\"key\":\"b\"}]"));
  CHECK(d.out.is_batch);
  REQUIRE(d.out.ops.size() == 2);
  CHECK(d.keys == std::vector<std::string>{"a", "b"});
  CHECK(d.value(0) == "7");
  CHECK(d.out.ops[1].is_delete);
}

TEST_CASE("unknown fields in a header are ignored", "[line_decoder]") {
  CheckHeader(DecodeOk(Seal("{\"dotlog\":1,\"segment\":3,\"writer\":\"v2\","
                            "\"max_bytes\":8192,"
                            "\"created\":\"2026-01-01T00:00:00.000Z\"")),
              3, 8192);
}

TEST_CASE("field order does not matter", "[line_decoder]") {
  Decoded d = DecodeOk(Seal(
      "{\"expires\":\"2026-01-02T00:00:00.000Z\",\"value\":{\"a\":1},"
      "\"key\":\"k\",\"op\":\"put\"," +
      kTsField + ",\"seq\":11"));
  CHECK(d.out.seq == 11);
  CHECK(d.out.ts == kTsText);
  REQUIRE(d.out.ops.size() == 1);
  CHECK(d.keys[0] == "k");
  CHECK(d.value(0) == "{\"a\":1}");
  CHECK(d.out.ops[0].expires_ms == kExpires);

  Decoded b = DecodeOk(Seal(
      "{\"ops\":[{\"key\":\"x\",\"op\":\"del\"},{\"value\":2,\"key\":\"y\","
      "\"op\":\"put\"}],\"op\":\"batch\",\"seq\":12," +
      kTsField));
  CHECK(b.out.is_batch);
  CHECK(b.out.seq == 12);
  REQUIRE(b.out.ops.size() == 2);
  CHECK(b.keys == std::vector<std::string>{"x", "y"});
  CHECK(b.out.ops[0].is_delete);
  CHECK(b.value(1) == "2");

  CheckHeader(DecodeOk(Seal("{\"max_bytes\":8192,"
                            "\"created\":\"2026-01-01T00:00:00.000Z\","
                            "\"segment\":5,\"dotlog\":1")),
              5, 8192);
}

// ---- Damaged lines ---------------------------------------------------------

TEST_CASE("a line whose checksum does not match is damaged",
          "[line_decoder][damage]") {
  std::string line = Encoded(1, {Put("k", "1")});
  const size_t v = line.find("\"value\":1") + 8;
  line[v] = '2';
  CheckDamaged(line, "checksum mismatch");
}

TEST_CASE("a line whose stored checksum was changed is damaged",
          "[line_decoder][damage]") {
  std::string line = Encoded(1, {Put("k", "1")});
  char& digit = line[line.size() - 3];
  digit = digit == '0' ? '1' : '0';
  CheckDamaged(line, "checksum mismatch");
}

TEST_CASE("a line without the checksum trailer is damaged",
          "[line_decoder][damage]") {
  CheckDamaged("{\"seq\":1," + kTsField +
                   ",\"op\":\"put\",\"key\":\"k\",\"value\":1}",
               "checksum trailer");
  CheckDamaged("", "checksum trailer");
  CheckDamaged("{}", "checksum trailer");
  // The right length but the wrong field name.
  std::string line = Encoded(1, {Put("k", "1")});
  line.replace(line.size() - 24, 4, "xxh4");
  CheckDamaged(line, "checksum trailer");
}

TEST_CASE("a checksum in uppercase hex is damaged", "[line_decoder][damage]") {
  // Find a record whose checksum has a letter in it.
  std::string line;
  for (uint64_t seq = 1;; ++seq) {
    line = Encoded(seq, {Put("k", "1")});
    const std::string digits = line.substr(line.size() - 18, 16);
    if (digits.find_first_of("abcdef") != std::string::npos) break;
  }
  for (size_t i = line.size() - 18; i < line.size() - 2; ++i) {
    if (line[i] >= 'a' && line[i] <= 'f') line[i] = line[i] - 'a' + 'A';
  }
  CheckDamaged(line, "lowercase hex");
}

TEST_CASE("a checksum with fewer or more than 16 digits is damaged",
          "[line_decoder][damage]") {
  const std::string line = Encoded(1, {Put("k", "1")});
  std::string shorter = line;
  shorter.erase(shorter.size() - 3, 1);
  Decoded a = Decode(shorter);
  CHECK(a.status.code() == absl::StatusCode::kDataLoss);
  std::string longer = line;
  longer.insert(longer.size() - 2, "0");
  Decoded b = Decode(longer);
  CHECK(b.status.code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("a truncated line is damaged", "[line_decoder][damage]") {
  const std::string line = Encoded(1, {Put("k", "{\"a\":[1,2,3]}", kExpires)});
  CheckDamaged(line.substr(0, line.size() / 2), "checksum trailer");
  CheckDamaged(line.substr(0, line.size() - 1), "checksum trailer");
  // Every proper prefix, each cut at a different point.
  for (size_t n = 0; n < line.size(); ++n) {
    INFO("prefix of " << n << " bytes");
    Decoded d = Decode(line.substr(0, n));
    CHECK(d.status.code() == absl::StatusCode::kDataLoss);
    CHECK_FALSE(d.status.message().empty());
  }
}

TEST_CASE("a record without seq is damaged", "[line_decoder][damage]") {
  CheckDamaged(Seal("{" + kTsField +
                    ",\"op\":\"put\",\"key\":\"k\",\"value\":1"),
               "missing \"seq\"");
}

TEST_CASE("a seq that is not an unsigned integer is damaged",
          "[line_decoder][damage]") {
  for (const char* seq : {"\"7\"", "-7", "7.5", "null", "18446744073709551616"}) {
    INFO(seq);
    CheckDamaged(Seal(std::string("{\"seq\":") + seq + "," + kTsField +
                      ",\"op\":\"del\",\"key\":\"k\""),
                 "seq");
  }
}

TEST_CASE("a record with an unknown op is damaged", "[line_decoder][damage]") {
  CheckDamaged(Seal("{\"seq\":1," + kTsField +
                    ",\"op\":\"upsert\",\"key\":\"k\",\"value\":1"),
               "unknown op");
  CheckDamaged(Seal("{\"seq\":1," + kTsField + ",\"key\":\"k\",\"value\":1"),
               "unknown op");
  CheckDamaged(Seal("{\"seq\":1," + kTsField +
                    ",\"op\":\"batch\",\"ops\":[{\"op\":\"batch\","
                    "\"key\":\"k\"}]"),
               "unknown op");
}

TEST_CASE("a put without value is damaged", "[line_decoder][damage]") {
  CheckDamaged(Seal("{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\""),
               "put without \"value\"");
  CheckDamaged(Seal("{\"seq\":1," + kTsField +
                    ",\"op\":\"batch\",\"ops\":[{\"op\":\"put\",\"key\":\"k\"}]"),
               "put without \"value\"");
}

TEST_CASE("a put or delete without key is damaged", "[line_decoder][damage]") {
  CheckDamaged(Seal("{\"seq\":1," + kTsField + ",\"op\":\"put\",\"value\":1"),
               "missing \"key\"");
  CheckDamaged(Seal("{\"seq\":1," + kTsField + ",\"op\":\"del\""),
               "missing \"key\"");
}

TEST_CASE("a batch without operations is damaged", "[line_decoder][damage]") {
  CheckDamaged(Seal("{\"seq\":1," + kTsField + ",\"op\":\"batch\""),
               "batch without operations");
  CheckDamaged(Seal("{\"seq\":1," + kTsField + ",\"op\":\"batch\",\"ops\":[]"),
               "batch without operations");
}

TEST_CASE("a batch whose ops is not an array of objects is damaged",
          "[line_decoder][damage]") {
  CheckDamaged(Seal("{\"seq\":1," + kTsField + ",\"op\":\"batch\",\"ops\":{}"),
               "ops");
  CheckDamaged(Seal("{\"seq\":1," + kTsField + ",\"op\":\"batch\",\"ops\":[1]"),
               "ops");
}

TEST_CASE("text after the JSON object is damaged", "[line_decoder][damage]") {
  // The checksum covers `{...} {"a":1`, so the trailer closes a second
  // object: the line holds two.
  CheckDamaged(Seal("{\"seq\":1," + kTsField +
                    ",\"op\":\"put\",\"key\":\"k\",\"value\":1} {\"a\":1"),
               "text after the JSON object");
}

TEST_CASE("text before the JSON object is damaged", "[line_decoder][damage]") {
  for (const std::string before : {" ", "\t", "x", "[", "1 "}) {
    INFO(before);
    CheckDamaged(Seal(before + "{\"seq\":1," + kTsField +
                      ",\"op\":\"put\",\"key\":\"k\",\"value\":1"),
                 "text before the JSON object");
  }
}

TEST_CASE("anything after the fields of the object is damaged, whatever the "
          "record",
          "[line_decoder][damage]") {
  for (const std::string& body : std::vector<std::string>{
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\",\"value\":1}1,{\"a\":1",
           "{\"seq\":1," + kTsField + ",\"op\":\"del\",\"key\":\"k\"} {\"a\":1",
           "{\"seq\":1," + kTsField + ",\"op\":\"batch\",\"ops\":[{\"op\":\"del\",\"key\":\"k\"}]}[],{\"a\":1",
           "{\"dotlog\":1,\"segment\":1,\"max_bytes\":4096}{\"a\":1",
       }) {
    INFO(body);
    CheckDamaged(Seal(body), "text after the JSON object");
  }
}

TEST_CASE("invalid JSON with a correct checksum is damaged",
          "[line_decoder][damage]") {
  for (const std::string& body : std::vector<std::string>{
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\",\"value\":[1,",
           "{\"seq\":1,," + kTsField + ",\"op\":\"put\",\"key\":\"k\",\"value\":1",
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":k,\"value\":1",
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\",\"value\":tru",
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\",\"value\":01",
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\",\"value\":'x'",
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\",\"value\"",
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\",\"value\":\"a\tb\"",
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\\q\",\"value\":1",
           "[1,2",
           "\"seq\":1",
           "{\"seq\":1,\"ts\":\"not a time\",\"op\":\"put\",\"key\":\"k\",\"value\":1,"
           "\"expires\":\"tomorrow\"",
       }) {
    INFO(body);
    CheckDamaged(Seal(body));
  }
}

TEST_CASE("invalid UTF-8 with a correct checksum is damaged",
          "[line_decoder][damage]") {
  for (const std::string& body : std::vector<std::string>{
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"\xFF\",\"value\":1",
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\",\"value\":\"\xC3\"",
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\",\"value\":\"\xED\xA0\x80\"",
           "{\"seq\":1," + kTsField + ",\"op\":\"put\",\"key\":\"k\",\"value\":\"\xC0\xAF\"",
           "{\"seq\":1," + kTsField + ",\"x\":\"\xF8\x88\x80\x80\x80\",\"op\":\"del\",\"key\":\"k\"",
       }) {
    INFO(body);
    CheckDamaged(Seal(body));
  }
}

TEST_CASE("a bad expiry with a correct checksum is damaged",
          "[line_decoder][damage]") {
  CheckDamaged(Seal("{\"seq\":1," + kTsField +
                    ",\"op\":\"put\",\"key\":\"k\",\"value\":1,\"expires\":5"),
               "expires");
  Decoded d = Decode(Seal("{\"seq\":1," + kTsField +
                          ",\"op\":\"put\",\"key\":\"k\",\"value\":1,"
                          "\"expires\":\"2026-13-45T00:00:00Z\""));
  CHECK(d.status.code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("every single-byte change to a line is damage, never a crash",
          "[line_decoder][damage]") {
  const std::vector<std::string> lines = {
      Encoded(1, {Put("k", "{\"a\":[1,\"x\"]}", kExpires)}),
      Encoded(2, {Put("a", "1"), Del("b")}),
  };
  for (const std::string& line : lines) {
    for (size_t i = 0; i < line.size(); ++i) {
      for (const unsigned char mask : {0x01, 0x20, 0x80, 0xFF}) {
        std::string bad = line;
        bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
        Decoded d = Decode(bad);
        INFO("byte " << i << " ^ " << int{mask} << ": " << bad);
        CHECK(d.status.code() == absl::StatusCode::kDataLoss);
        CHECK_FALSE(d.status.message().empty());
      }
    }
  }
}

TEST_CASE("arbitrary sealed bytes never crash the decoder",
          "[line_decoder][damage]") {
  // Sealed prefixes of a record: each has a correct checksum, so only the
  // JSON parser stands between these bytes and the index.
  const std::string line = Encoded(7, {Put("a", "{\"b\":[1,2,{\"c\":\"d\"}]}"),
                                       Del("e"), Put("f", "\"g\"", kExpires)});
  const size_t body = line.size() - kChecksumTrailerBytes;
  for (size_t n = 0; n < body; ++n) {
    Decoded d = Decode(Seal(line.substr(0, n)));
    INFO(d.line);
    CHECK(d.status.code() == absl::StatusCode::kDataLoss);
  }
  // Every byte value in the value position.
  for (int c = 0; c < 256; ++c) {
    const std::string sealed = Seal("{\"seq\":1," + kTsField +
                                    ",\"op\":\"put\",\"key\":\"k\",\"value\":" +
                                    std::string(1, static_cast<char>(c)));
    Decoded d = Decode(sealed);
    INFO("byte " << c << ": " << d.status.ToString());
    if (c >= '0' && c <= '9') {
      CHECK_OK(d.status);
      if (d.status.ok()) CHECK(d.value(0) == std::string(1, static_cast<char>(c)));
    } else {
      CHECK(d.status.code() == absl::StatusCode::kDataLoss);
    }
  }
}

}  // namespace
}  // namespace dotlog

namespace dotlog {
namespace {

// Found by fuzzing: a put line may not smuggle in a batch's operations, and
// whitespace after an object or array value is not part of the value.
std::string Sealed(std::string body) {
  std::string line = body + ",\"xxh3\":\"" +
                     std::string(absl::StrCat(absl::Hex(RecordChecksum(body), absl::kZeroPad16))) +
                     "\"}";
  return line;
}

TEST_CASE("a put or delete that also carries ops is damaged", "[line_decoder]") {
  LineDecoder decoder;
  DecodedLine out;
  for (const char* body :
       {R"({"seq":1,"ts":"2026-01-01T00:00:00.000Z","op":"put","key":"k","value":1,"ops":[{"op":"del","key":"x"}])",
        R"({"seq":1,"ts":"2026-01-01T00:00:00.000Z","op":"del","key":"k","ops":[{"op":"put","key":"x","value":2}])"}) {
    PaddedBuffer buffer;
    buffer.Assign(Sealed(body));
    absl::Status s = decoder.Decode(buffer.view(), buffer.readable(), &out);
    INFO(body);
    CHECK(absl::IsDataLoss(s));
  }
}

TEST_CASE("whitespace after an object or array value is not part of it", "[line_decoder]") {
  LineDecoder decoder;
  DecodedLine out;
  for (const char* value : {"{}", "[1]", "2"}) {
    PaddedBuffer buffer;
    const std::string line = Sealed(std::string(R"({"seq":1,"op":"put","key":"k","value":)") +
                                    value + " \r\t ");
    buffer.Assign(line);
    REQUIRE_OK(decoder.Decode(buffer.view(), buffer.readable(), &out));
    REQUIRE(out.ops.size() == 1);
    CHECK(line.substr(out.ops[0].value_offset, out.ops[0].value_size) == value);
  }
}

}  // namespace
}  // namespace dotlog
