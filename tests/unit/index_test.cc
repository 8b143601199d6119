// Tests of the in-memory index: which record of a key wins, tombstones,
// prefix listing and live-byte accounting.
#include "store/index.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dotlog {
namespace {

constexpr int64_t kNow = 1767225600000;

IndexEntry Value(uint64_t seq, uint32_t charged = 10, int64_t expires_ms = 0) {
  IndexEntry e;
  e.seq = seq;
  e.expires_ms = expires_ms;
  e.segment = 1;
  e.value_offset = seq * 100;
  e.value_size = 5;
  e.charged_bytes = charged;
  return e;
}

IndexEntry Tombstone(uint64_t seq) {
  IndexEntry e;
  e.seq = seq;
  e.segment = 1;
  e.value_size = IndexEntry::kTombstone;
  return e;
}

// The entry `index` holds for `key`; fails the test if it holds none.
const IndexEntry& Found(const Index& index, std::string_view key) {
  const IndexEntry* e = index.Find(key);
  REQUIRE(e != nullptr);
  return *e;
}

std::vector<std::string> Keys(const Index& index, std::string_view prefix,
                              int64_t now = kNow) {
  std::vector<std::string> out;
  for (const auto& [key, entry] : index.Prefix(prefix, now)) out.emplace_back(key);
  return out;
}

TEST_CASE("an empty index finds nothing", "[index]") {
  Index index;
  CHECK(index.Find("k") == nullptr);
  CHECK(index.size() == 0);
  CHECK(index.live_bytes() == 0);
  CHECK(index.CountLive(kNow) == 0);
  CHECK(index.Prefix("", kNow).empty());
}

TEST_CASE("an applied entry is found", "[index]") {
  Index index;
  index.Apply("k", Value(1), false);
  const IndexEntry* e = index.Find("k");
  REQUIRE(e != nullptr);
  CHECK(e->seq == 1);
  CHECK(e->value_offset == 100);
  CHECK(e->value_size == 5);
  CHECK(index.Find("other") == nullptr);
  CHECK(index.Find("") == nullptr);
}

TEST_CASE("a later seq wins", "[index]") {
  Index index;
  index.Apply("k", Value(1), false);
  index.Apply("k", Value(2), false);
  CHECK(Found(index, "k").seq == 2);
  CHECK(Found(index, "k").value_offset == 200);
  CHECK(index.size() == 1);
}

TEST_CASE("an older seq applied later is ignored", "[index]") {
  Index index;
  index.Apply("k", Value(5, 50), false);
  index.Apply("k", Value(3, 30), false);
  CHECK(Found(index, "k").seq == 5);
  CHECK(Found(index, "k").value_offset == 500);
  CHECK(index.live_bytes() == 50);
}

TEST_CASE("among equal seqs (one batch) the later call wins", "[index]") {
  Index index;
  index.Apply("k", Value(4, 10), false);
  IndexEntry second = Value(4, 20);
  second.value_offset = 999;
  index.Apply("k", second, false);
  CHECK(Found(index, "k").value_offset == 999);
  CHECK(index.live_bytes() == 20);
}

TEST_CASE("a tombstone outside a load removes the key", "[index]") {
  Index index;
  index.Apply("k", Value(1), false);
  index.Apply("k", Tombstone(2), false);
  CHECK(index.Find("k") == nullptr);
  CHECK(index.size() == 0);
  // A tombstone of an absent key leaves nothing behind either.
  index.Apply("never", Tombstone(3), false);
  CHECK(index.size() == 0);
}

TEST_CASE("an older tombstone does not remove a newer value", "[index]") {
  Index index;
  index.Apply("k", Value(5), false);
  index.Apply("k", Tombstone(4), false);
  CHECK(Found(index, "k").seq == 5);
  index.Apply("j", Value(5), true);
  index.Apply("j", Tombstone(4), true);
  CHECK(Found(index, "j").seq == 5);
}

TEST_CASE("tombstones are kept while loading so an older put met later stays "
          "deleted",
          "[index]") {
  Index index;
  // Segments may be read out of order: the delete (seq 2) arrives first.
  index.Apply("k", Tombstone(2), true);
  CHECK(index.Find("k") == nullptr);
  CHECK(index.size() == 1);
  index.Apply("k", Value(1), true);
  CHECK(index.Find("k") == nullptr);
  CHECK(index.live_bytes() == 0);
  CHECK(index.CountLive(kNow) == 0);
  CHECK(index.Prefix("", kNow).empty());
  // A newer put does bring the key back.
  index.Apply("k", Value(3), true);
  CHECK(Found(index, "k").seq == 3);
}

TEST_CASE("DropTombstones drops every kept tombstone and nothing else",
          "[index]") {
  Index index;
  index.Apply("a", Value(1, 10), true);
  index.Apply("b", Value(2, 20), true);
  index.Apply("b", Tombstone(3), true);
  index.Apply("c", Tombstone(4), true);
  CHECK(index.size() == 3);
  CHECK(index.live_bytes() == 10);
  index.DropTombstones();
  CHECK(index.size() == 1);
  REQUIRE(index.Find("a") != nullptr);
  CHECK(index.Find("b") == nullptr);
  CHECK(index.Find("c") == nullptr);
  CHECK(index.live_bytes() == 10);
  CHECK(index.CountLive(kNow) == 1);
}

TEST_CASE("Prefix lists live keys with the prefix in byte order", "[index]") {
  Index index;
  for (const char* key : {"b/2", "a/1", "b/10", "b/1", "c", "b", "b/\xC3\xA9",
                          "b/Z"}) {
    index.Apply(key, Value(1), false);
  }
  CHECK(Keys(index, "b/") ==
        std::vector<std::string>{"b/1", "b/10", "b/2", "b/Z", "b/\xC3\xA9"});
  CHECK(Keys(index, "") == std::vector<std::string>{"a/1", "b", "b/1", "b/10",
                                                    "b/2", "b/Z", "b/\xC3\xA9",
                                                    "c"});
  CHECK(Keys(index, "b/1") == std::vector<std::string>{"b/1", "b/10"});
  CHECK(Keys(index, "x").empty());
  const auto entries = index.Prefix("c", kNow);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].second.seq == 1);
}

TEST_CASE("Prefix skips expired and deleted keys", "[index]") {
  Index index;
  index.Apply("k/live", Value(1), true);
  index.Apply("k/future", Value(2, 10, kNow + 1), true);
  index.Apply("k/now", Value(3, 10, kNow), true);        // expires exactly now
  index.Apply("k/past", Value(4, 10, kNow - 1000), true);
  index.Apply("k/deleted", Value(5), true);
  index.Apply("k/deleted", Tombstone(6), true);
  index.Apply("k/tomb", Tombstone(7), true);
  CHECK(Keys(index, "k/") == std::vector<std::string>{"k/future", "k/live"});
  CHECK(index.CountLive(kNow) == 2);
  // Later, the future key has expired too.
  CHECK(Keys(index, "k/", kNow + 1) == std::vector<std::string>{"k/live"});
  CHECK(index.CountLive(kNow + 1) == 1);
  // Earlier, the expired keys were live.
  CHECK(Keys(index, "k/", kNow - 1000 - 1) ==
        std::vector<std::string>{"k/future", "k/live", "k/now", "k/past"});
}

TEST_CASE("expiry is judged against the time given", "[index]") {
  IndexEntry e = Value(1, 10, kNow);
  CHECK(e.expired(kNow));
  CHECK(e.expired(kNow + 1));
  CHECK_FALSE(e.expired(kNow - 1));
  CHECK_FALSE(Value(1).expired(INT64_MAX));
  CHECK(Tombstone(1).is_tombstone());
  CHECK_FALSE(Value(1).is_tombstone());
}

TEST_CASE("live_bytes is the sum of charged bytes over undeleted keys",
          "[index]") {
  Index index;
  index.Apply("a", Value(1, 100), false);
  CHECK(index.live_bytes() == 100);
  index.Apply("b", Value(2, 50), false);
  CHECK(index.live_bytes() == 150);
  // An overwrite replaces the old charge.
  index.Apply("a", Value(3, 30), false);
  CHECK(index.live_bytes() == 80);
  // An ignored older record changes nothing.
  index.Apply("a", Value(2, 7), false);
  CHECK(index.live_bytes() == 80);
  // A delete releases the charge, whether or not the tombstone is kept.
  index.Apply("b", Tombstone(4), false);
  CHECK(index.live_bytes() == 30);
  index.Apply("a", Tombstone(5), true);
  CHECK(index.live_bytes() == 0);
  // A put over a kept tombstone charges again.
  index.Apply("a", Value(6, 40), true);
  CHECK(index.live_bytes() == 40);
  index.DropTombstones();
  CHECK(index.live_bytes() == 40);
}

TEST_CASE("live_bytes still counts expired keys until they are replaced",
          "[index]") {
  Index index;
  index.Apply("a", Value(1, 100, kNow - 1), false);
  CHECK(index.CountLive(kNow) == 0);
  CHECK(index.live_bytes() == 100);
  index.Apply("a", Tombstone(2), false);
  CHECK(index.live_bytes() == 0);
}

TEST_CASE("keys erased and added in any number stay found with their own "
          "entries while the key buffer is rewritten", "[index]") {
  Index index;
  auto key = [](int i) { return "wallpaper/cache/img" + std::to_string(i) + ".png"; };
  uint64_t seq = 0;
  for (int i = 0; i < 3000; ++i) index.Apply(key(i), Value(++seq), false);
  // Erase most keys: their bytes become most of the key buffer, which is
  // then rewritten; the survivors must still map to their own entries.
  for (int i = 0; i < 3000; ++i) {
    if (i % 4 != 0) index.Apply(key(i), Tombstone(++seq), false);
  }
  CHECK(index.size() == 750);
  for (int i = 0; i < 3000; ++i) {
    const IndexEntry* e = index.Find(key(i));
    INFO("key " << i);
    if (i % 4 != 0) {
      CHECK(e == nullptr);
    } else {
      REQUIRE(e != nullptr);
      CHECK(e->seq == static_cast<uint64_t>(i + 1));
    }
  }
  // Erased slots are reused by new keys without disturbing the others.
  for (int i = 3000; i < 5000; ++i) index.Apply(key(i), Value(++seq), false);
  CHECK(index.size() == 2750);
  for (int i = 0; i < 5000; i += 4) {
    const IndexEntry* e = index.Find(key(i));
    REQUIRE(e != nullptr);
    CHECK(index.Prefix(key(i), kNow).front().first == key(i));
  }
  uint64_t listed = 0;
  index.ForEachLive([&](std::string_view k, const IndexEntry& e) {
    ++listed;
    CHECK(index.Find(k) == &e);
  });
  CHECK(listed == 2750);
  index.Clear();
  CHECK(index.size() == 0);
  CHECK(index.Find(key(0)) == nullptr);
}

TEST_CASE("memory_bytes counts what the overlay holds: after ShrinkToFit, "
          "48 bytes per entry and 5 per table slot besides the key", "[index]") {
  Index index;
  CHECK(index.memory_bytes() == 0);
  constexpr int kKeys = 20000;
  uint64_t key_bytes = 0;
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = "wallpaper/cache/home/user/walls/img" + std::to_string(i) + ".png";
    key_bytes += key.size();
    index.Apply(key, Value(static_cast<uint64_t>(i + 1)), false);
  }
  // The entries alone take 48 bytes each.
  CHECK(index.memory_bytes() >= key_bytes + 48 * kKeys);
  index.ShrinkToFit();
  CHECK(index.memory_bytes() >= key_bytes + 48 * kKeys);
  // The table holds at most 7/8 of its slots, at least half of them
  // after a shrink.
  CHECK(index.memory_bytes() <= key_bytes + 48 * kKeys + 5 * 2 * kKeys * 8 / 7);
  CHECK(index.Find("wallpaper/cache/home/user/walls/img123.png")->seq == 124);
  index.Clear();
  CHECK(index.memory_bytes() == 0);
}

}  // namespace
}  // namespace dotlog
