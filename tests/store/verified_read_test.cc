// Checking a batch line as the encoder writes it, without decoding it: it
// must answer yes only for exactly what EncodeRecord wrote for the key and
// index entry asked about, and leave everything else to the decoder.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "format/record.h"
#include "store/index.h"
#include "store/verified_read.h"

namespace dotlog {
namespace {

constexpr uint64_t kLineAt = 1000;  // where the line starts in its file
constexpr int64_t kTs = 1767225600000;

Mutation Put(std::string key, std::string value, int64_t expires_ms = 0) {
  Mutation m;
  m.key = std::move(key);
  m.value = std::move(value);
  m.expires_ms = expires_ms;
  return m;
}

// A batch record line (without its '\n') and where each value starts.
struct Line {
  std::string bytes;
  std::vector<uint32_t> offsets;
};

Line Encode(uint64_t seq, const std::vector<Mutation>& ops) {
  Line line;
  EncodeRecord(seq, kTs, ops, &line.bytes, &line.offsets);
  line.bytes.pop_back();
  return line;
}

// What the index says of op `i` of `ops` in `line`, written with `seq`.
IndexEntry EntryFor(const Line& line, const std::vector<Mutation>& ops, size_t i,
                    uint64_t seq) {
  IndexEntry e;
  e.seq = seq;
  e.value_offset = kLineAt + line.offsets[i];
  e.value_size = static_cast<uint32_t>(ops[i].value.size());
  e.expires_ms = ops[i].expires_ms;
  return e;
}

const std::vector<Mutation> kOps = {
    Put("wallpaper/a.png", "{\"n\":1}"),
    Put("k \"quoted\"\n", "[1,2,3]", kTs + 60000),
    Put("z", "\"last\""),
};

TEST_CASE("every put of a batch line as the encoder wrote it matches its key "
          "and index entry",
          "[verified_read]") {
  const Line line = Encode(42, kOps);
  for (size_t i = 0; i < kOps.size(); ++i) {
    INFO(i);
    CHECK(MatchesEncodedBatchPut(line.bytes, kLineAt, kOps[i].key, EntryFor(line, kOps, i, 42)));
  }
}

TEST_CASE("a batch line with any one byte changed never matches", "[verified_read]") {
  const Line line = Encode(42, kOps);
  for (size_t at = 0; at < line.bytes.size(); ++at) {
    std::string changed = line.bytes;
    changed[at] = static_cast<char>(changed[at] ^ 0x04);
    for (size_t i = 0; i < kOps.size(); ++i) {
      INFO("byte " << at << ", op " << i);
      REQUIRE_FALSE(MatchesEncodedBatchPut(changed, kLineAt, kOps[i].key,
                                           EntryFor(line, kOps, i, 42)));
    }
  }
}

TEST_CASE("another key, sequence number, offset, size or expiry than the line "
          "holds never matches",
          "[verified_read]") {
  const Line line = Encode(42, kOps);
  const IndexEntry right = EntryFor(line, kOps, 1, 42);
  CHECK(MatchesEncodedBatchPut(line.bytes, kLineAt, kOps[1].key, right));
  CHECK_FALSE(MatchesEncodedBatchPut(line.bytes, kLineAt, kOps[0].key, right));
  CHECK_FALSE(MatchesEncodedBatchPut(line.bytes, kLineAt, "k \"quoted\"", right));
  IndexEntry e = right;
  e.seq = 41;
  CHECK_FALSE(MatchesEncodedBatchPut(line.bytes, kLineAt, kOps[1].key, e));
  e = right;
  e.value_offset += 1;
  CHECK_FALSE(MatchesEncodedBatchPut(line.bytes, kLineAt, kOps[1].key, e));
  e = right;
  e.value_size -= 1;
  CHECK_FALSE(MatchesEncodedBatchPut(line.bytes, kLineAt, kOps[1].key, e));
  e = right;
  e.expires_ms += 1000;
  CHECK_FALSE(MatchesEncodedBatchPut(line.bytes, kLineAt, kOps[1].key, e));
  e = right;
  e.expires_ms = 0;
  CHECK_FALSE(MatchesEncodedBatchPut(line.bytes, kLineAt, kOps[1].key, e));
  // The same line read at another place in the file.
  CHECK_FALSE(MatchesEncodedBatchPut(line.bytes, kLineAt + 1, kOps[1].key, right));
}

TEST_CASE("a key put again later in the same batch is left to the decoder, and "
          "so is a record of one operation",
          "[verified_read]") {
  const std::vector<Mutation> ops = {Put("k", "1"), Put("j", "2"), Put("k", "3")};
  const Line line = Encode(7, ops);
  CHECK_FALSE(MatchesEncodedBatchPut(line.bytes, kLineAt, "k", EntryFor(line, ops, 0, 7)));
  CHECK(MatchesEncodedBatchPut(line.bytes, kLineAt, "j", EntryFor(line, ops, 1, 7)));
  CHECK(MatchesEncodedBatchPut(line.bytes, kLineAt, "k", EntryFor(line, ops, 2, 7)));
  const std::vector<Mutation> one = {Put("k", "1")};
  const Line single = Encode(8, one);
  CHECK_FALSE(MatchesEncodedBatchPut(single.bytes, kLineAt, "k", EntryFor(single, one, 0, 8)));
}

}  // namespace
}  // namespace dotlog
