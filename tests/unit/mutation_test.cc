// Tests of input validation: keys, values, expiry and batches.
#include "store/mutation.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "dotlog/limits.h"
#include "format/json_text.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

using std::chrono::milliseconds;

constexpr int64_t kNow = 1767225600000;  // 2026-01-01T00:00:00.000Z
// 2200-01-01T00:00:00.000Z: the latest expiry a write may set.
constexpr int64_t kLastMs = 7258118400000;

bool Contains(const absl::Status& s, std::string_view text) {
  return std::string(s.message()).find(text) != std::string::npos;
}

void CheckInvalid(const absl::Status& s, std::string_view mentions = "") {
  INFO(s.ToString());
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(Contains(s, mentions));
}

PutOptions Ttl(int64_t ms) {
  PutOptions o;
  o.ttl = milliseconds(ms);
  return o;
}

PutOptions ExpiresAt(int64_t ms) {
  PutOptions o;
  o.expires_at = std::chrono::system_clock::time_point(milliseconds(ms));
  return o;
}

// ---- Keys ------------------------------------------------------------------

TEST_CASE("an empty key is refused", "[mutation]") {
  CheckInvalid(CheckKey(""), "empty");
  CheckInvalid(MakePut("", "1", {}, kNow).status(), "empty");
  CheckInvalid(MakeDelete("").status(), "empty");
}

TEST_CASE("a key of kMaxKeyBytes (4096) bytes is accepted", "[mutation]") {
  REQUIRE(kMaxKeyBytes == 4096);
  const std::string key(4096, 'k');
  CHECK_OK(CheckKey(key));
  auto put = MakePut(key, "1", {}, kNow);
  REQUIRE_OK(put);
  CHECK(put->key == key);
  CHECK_OK(MakeDelete(key));
  // Counted in bytes, not characters: 1024 four-byte emoji.
  std::string emoji;
  for (int i = 0; i < 1024; ++i) emoji += "\xF0\x9F\x98\x80";
  REQUIRE(emoji.size() == 4096);
  CHECK_OK(CheckKey(emoji));
}

TEST_CASE("a key of 4097 bytes is refused, naming both sizes", "[mutation]") {
  const std::string key(4097, 'k');
  CheckInvalid(CheckKey(key), "4097");
  CheckInvalid(CheckKey(key), "4096");
  CheckInvalid(MakePut(key, "1", {}, kNow).status(), "4097");
  CheckInvalid(MakeDelete(key).status(), "4097");
  std::string emoji;
  for (int i = 0; i < 1024; ++i) emoji += "\xF0\x9F\x98\x80";
  CheckInvalid(CheckKey(emoji + "x"), "4097");
}

TEST_CASE("a key that is not valid UTF-8 is refused", "[mutation]") {
  for (const std::string& key :
       {std::string("\xFF"), std::string("ab\xC3"), std::string("\xC0\xAF"),
        std::string("\xED\xA0\x80") /* a surrogate */,
        std::string("\xF4\x90\x80\x80") /* above U+10FFFF */}) {
    CheckInvalid(CheckKey(key), "UTF-8");
    CheckInvalid(MakePut(key, "1", {}, kNow).status(), "UTF-8");
    CheckInvalid(MakeDelete(key).status(), "UTF-8");
  }
}

TEST_CASE("a key may hold any valid UTF-8, control characters included",
          "[mutation]") {
  std::string key("nul\0tab\tnl\n", 11);
  key += "\xE2\x80\xA8 caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\" \\";
  CHECK_OK(CheckKey(key));
  auto put = MakePut(key, "1", {}, kNow);
  REQUIRE_OK(put);
  CHECK(put->key == key);
}

// ---- Values ----------------------------------------------------------------

TEST_CASE("a put's value is stored minified", "[mutation]") {
  auto put = MakePut("k", "{\n  \"a\" : [ 1 , 2.50 ],\n\t\"b\" : \"x  y\"\r\n}\n",
                     {}, kNow);
  REQUIRE_OK(put);
  CHECK_FALSE(put->is_delete);
  CHECK(put->key == "k");
  CHECK(put->value == "{\"a\":[1,2.50],\"b\":\"x  y\"}");
  CHECK(put->expires_ms == 0);
}

TEST_CASE("a value that is not valid JSON is refused, naming the key",
          "[mutation]") {
  for (const char* bad : {"", "{", "[1,]", "tru", "1 2", "'x'", "{\"a\":1}}",
                          "\"a\tb\"", "NaN"}) {
    INFO(bad);
    auto put = MakePut("users/ann", bad, {}, kNow);
    CheckInvalid(put.status(), "users/ann");
    CheckInvalid(put.status(), "JSON");
  }
}

TEST_CASE("a value that is not valid UTF-8 is refused", "[mutation]") {
  CheckInvalid(MakePut("k", "\"\xFF\"", {}, kNow).status(), "\"k\"");
}

TEST_CASE("a value longer than kMaxValueBytes minified is refused",
          "[mutation]") {
  const std::string big = "\"" + std::string(kMaxValueBytes - 2, 'v') + "\"";
  CHECK_OK(MakePut("k", big, {}, kNow));
  const std::string too_big = "\"" + std::string(kMaxValueBytes - 1, 'v') + "\"";
  CheckInvalid(MakePut("k", too_big, {}, kNow).status(), "limit");
  // Whitespace that minifies away does not count.
  CHECK_OK(MakePut("k", big + std::string(100, ' '), {}, kNow));
}

TEST_CASE("an error about a long key shows its start, cut short", "[mutation]") {
  const std::string key = std::string(200, 'a');
  auto put = MakePut(key, "{", {}, kNow);
  REQUIRE_FALSE(put.ok());
  const std::string message(put.status().message());
  CHECK(message.find("\"" + std::string(80, 'a') + "\"...") !=
        std::string::npos);
  CHECK(message.find(std::string(81, 'a')) == std::string::npos);
}

TEST_CASE("an error about a long non-ASCII key is valid UTF-8", "[mutation]") {
  // 100 three-byte characters: cutting at a byte count must not split one.
  std::string key;
  for (int i = 0; i < 100; ++i) key += "\xE2\x82\xAC";  // U+20AC
  auto put = MakePut(key, "{", {}, kNow);
  REQUIRE_FALSE(put.ok());
  INFO(put.status().ToString());
  CHECK(IsValidUtf8(std::string(put.status().message())));
}

// ---- Expiry ----------------------------------------------------------------

TEST_CASE("a ttl expires that long after now", "[mutation]") {
  auto put = MakePut("k", "1", Ttl(60000), kNow);
  REQUIRE_OK(put);
  CHECK(put->expires_ms == kNow + 60000);
}

TEST_CASE("expires_at is stored as is", "[mutation]") {
  auto put = MakePut("k", "1", ExpiresAt(kNow + 5), kNow);
  REQUIRE_OK(put);
  CHECK(put->expires_ms == kNow + 5);
}

TEST_CASE("an expiry at or before the epoch is stored as expired, not never",
          "[mutation]") {
  for (const int64_t ms : {int64_t{0}, int64_t{-1}, int64_t{-86400000}}) {
    auto put = MakePut("k", "1", ExpiresAt(ms), kNow);
    REQUIRE_OK(put);
    CHECK(put->expires_ms == 1);
  }
  auto put = MakePut("k", "1", Ttl(-kNow), kNow);
  REQUIRE_OK(put);
  CHECK(put->expires_ms == 1);
}

TEST_CASE("a ttl and an expires_at together are refused", "[mutation]") {
  PutOptions both;
  both.ttl = milliseconds(1000);
  both.expires_at = std::chrono::system_clock::time_point(milliseconds(kNow));
  CheckInvalid(MakePut("both/key", "1", both, kNow).status(), "both/key");
  WriteBatch batch;
  batch.Put("both/key", "1", both);
  CheckInvalid(MakeBatch(batch, kNow).status(), "not both");
}

TEST_CASE("an expiry after 2200-01-01 is refused", "[mutation]") {
  // The limit keeps every expiry well inside what a system_clock time point
  // holds (nanoseconds in 64 bits: until 2262), so Item::expires_at is exact.
  auto last = MakePut("k", "1", ExpiresAt(kLastMs), kNow);
  REQUIRE_OK(last);
  CHECK(last->expires_ms == kLastMs);
  CheckInvalid(MakePut("k", "1", ExpiresAt(kLastMs + 1), kNow).status(),
               "2200-01-01");
  PutOptions far;
  far.expires_at = std::chrono::system_clock::time_point::max();
  CheckInvalid(MakePut("k", "1", far, kNow).status(), "\"k\"");
}

TEST_CASE("a ttl reaching past 2200-01-01 is refused", "[mutation]") {
  auto last = MakePut("k", "1", Ttl(kLastMs - kNow), kNow);
  REQUIRE_OK(last);
  CHECK(last->expires_ms == kLastMs);
  CheckInvalid(MakePut("k", "1", Ttl(kLastMs - kNow + 1), kNow).status(),
               "\"k\"");
  PutOptions forever;
  forever.ttl = milliseconds::max();
  CheckInvalid(MakePut("k", "1", forever, kNow).status(), "\"k\"");
}

// ---- Deletes and batches ---------------------------------------------------

TEST_CASE("a delete carries its key and nothing else", "[mutation]") {
  auto del = MakeDelete("k");
  REQUIRE_OK(del);
  CHECK(del->is_delete);
  CHECK(del->key == "k");
  CHECK(del->value.empty());
  CHECK(del->expires_ms == 0);
}

TEST_CASE("a batch is validated into its mutations, in order", "[mutation]") {
  WriteBatch batch;
  batch.Put("a", " [ 1 ] ");
  batch.Delete("b");
  batch.Put("c", "true", Ttl(10));
  batch.Put("a", "2");
  auto ops = MakeBatch(batch, kNow);
  REQUIRE_OK(ops);
  REQUIRE(ops->size() == 4);
  CHECK((*ops)[0].key == "a");
  CHECK((*ops)[0].value == "[1]");
  CHECK((*ops)[1].is_delete);
  CHECK((*ops)[1].key == "b");
  CHECK((*ops)[2].expires_ms == kNow + 10);
  CHECK((*ops)[3].value == "2");
}

TEST_CASE("an empty batch is refused", "[mutation]") {
  WriteBatch batch;
  CheckInvalid(MakeBatch(batch, kNow).status(), "empty");
  batch.Put("k", "1");
  batch.Clear();
  CheckInvalid(MakeBatch(batch, kNow).status(), "empty");
}

TEST_CASE("a batch error names the operation's index and key", "[mutation]") {
  {
    WriteBatch batch;
    batch.Put("a", "1");
    batch.Put("bad/value", "{");
    auto s = MakeBatch(batch, kNow).status();
    CheckInvalid(s, "batch operation 1");
    CheckInvalid(s, "bad/value");
  }
  {
    WriteBatch batch;
    batch.Put("a", "1");
    batch.Delete("b");
    batch.Delete("");
    CheckInvalid(MakeBatch(batch, kNow).status(), "batch operation 2");
  }
  {
    WriteBatch batch;
    batch.Put(std::string(4097, 'k'), "1");
    CheckInvalid(MakeBatch(batch, kNow).status(), "batch operation 0");
  }
  {
    WriteBatch batch;
    for (int i = 0; i < 12; ++i) batch.Put("k" + std::to_string(i), "1");
    batch.Put("late", "1", Ttl(kLastMs));
    CheckInvalid(MakeBatch(batch, kNow).status(), "batch operation 12");
  }
}

TEST_CASE("a batch larger than kMaxRecordBytes is refused", "[mutation]") {
  // Five values of 13 MiB each: every one is allowed, together they are not.
  const std::string value = "\"" + std::string(13 << 20, 'v') + "\"";
  WriteBatch batch;
  for (int i = 0; i < 5; ++i) batch.Put("k" + std::to_string(i), value);
  CheckInvalid(MakeBatch(batch, kNow).status(), "record limit");
  batch.Clear();
  for (int i = 0; i < 4; ++i) batch.Put("k" + std::to_string(i), value);
  CHECK_OK(MakeBatch(batch, kNow));
}

}  // namespace
}  // namespace dotlog
