// The change feed: every change after a position, read from the segment
// files, across segments, torn tails, damage and compaction.
#include "dotlog/change_feed.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "dotlog/store.h"
#include "dotlog/write_batch.h"
#include "format/record.h"
#include "store/segment.h"
#include "support/fault_file_system.h"
#include "support/memory_env.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kDir[] = "/s";

// A store on an in-memory file system, and a feed on the same directory.
struct Fixture : MemoryEnv {
  explicit Fixture(uint64_t segment_bytes = 8 << 20) {
    options.segment_bytes = segment_bytes;
    options.auto_compact = false;
    store = Value(Store::Open(kDir, options));
  }

  // "put k=v" / "del k" for each change.
  static std::vector<std::string> Describe(const std::vector<Change>& changes) {
    std::vector<std::string> out;
    for (const Change& c : changes) {
      out.push_back(c.op == Change::Op::kPut ? "put " + c.key + "=" + c.value
                                             : "del " + c.key);
    }
    return out;
  }

  std::vector<std::string> Read(FeedPosition* position) {
    return Describe(Value(feed.ReadAfter(position)));
  }

  std::string Segment(int n) {
    char name[64];
    std::snprintf(name, sizeof(name), "%s/segment-%06d.jsonl", kDir, n);
    return name;
  }

  std::unique_ptr<Store> store;
  ChangeFeed feed{kDir, &fs};
};

TEST_CASE("the feed delivers every change from the log's start, in order",
          "[change_feed]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("a", "1"));
  REQUIRE_OK(f.store->Put("b", "{ \"x\" : [1, 2] }"));
  REQUIRE_OK(f.store->Delete("a"));
  FeedPosition position;
  CHECK(f.Read(&position) ==
        std::vector<std::string>{"put a=1", "put b={\"x\":[1,2]}", "del a"});
  CHECK(position.seq == 3);
  CHECK(position.segment == 1);
}

TEST_CASE("a change carries its record's seq, ts and expiry", "[change_feed]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("k", "\"v\"", PutOptions{.ttl = 90s}));
  FeedPosition position;
  auto changes = Value(f.feed.ReadAfter(&position));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].seq == 1);
  CHECK(changes[0].ts == "2026-01-01T00:00:00.000Z");
  REQUIRE(changes[0].expires_at);
  CHECK(*changes[0].expires_at == f.clock.Now() + 90s);
}

TEST_CASE("a batch expands into its operations, all with its seq",
          "[change_feed]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("gone", "0"));
  WriteBatch batch;
  batch.Put("x", "1");
  batch.Delete("gone");
  batch.Put("y", "[]");
  REQUIRE_OK(f.store->Write(batch));
  FeedPosition position;
  auto changes = Value(f.feed.ReadAfter(&position));
  CHECK(Fixture::Describe(changes) ==
        std::vector<std::string>{"put gone=0", "put x=1", "del gone",
                                 "put y=[]"});
  CHECK(changes[1].seq == 2);
  CHECK(changes[3].seq == 2);
}

TEST_CASE("a read after a position returns only what came later",
          "[change_feed]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("a", "1"));
  FeedPosition position = Value(f.feed.End());
  CHECK(f.Read(&position).empty());
  REQUIRE_OK(f.store->Put("b", "2"));
  REQUIRE_OK(f.store->Put("c", "3"));
  CHECK(f.Read(&position) == std::vector<std::string>{"put b=2", "put c=3"});
  CHECK(f.Read(&position).empty());
}

TEST_CASE("the feed follows the log into new segments", "[change_feed]") {
  Fixture f(/*segment_bytes=*/4096);
  const std::string big(1500, 'x');
  FeedPosition position;
  std::vector<std::string> expected;
  for (int i = 0; i < 12; ++i) {
    const std::string key = "k" + std::to_string(i);
    REQUIRE_OK(f.store->Put(key, "\"" + big + "\""));
    expected.push_back("put " + key + "=\"" + big + "\"");
    if (i % 5 == 0) {
      auto got = f.Read(&position);
      CHECK(got == expected);
      expected.clear();
    }
  }
  CHECK(f.Read(&position) == expected);
  CHECK(position.segment > 2);
}

TEST_CASE("a torn last line is left until it is complete", "[change_feed]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("a", "1"));
  REQUIRE_OK(f.store->Put("b", "2"));
  const std::string path = f.Segment(1);
  const std::string whole = Value(f.fs.ReadAll(path));
  const size_t last_line = whole.rfind('\n', whole.size() - 2) + 1;

  // The last record cut in the middle, as an append in progress looks.
  REQUIRE_OK(f.fs.WriteRaw(path, whole.substr(0, last_line + 10)));
  FeedPosition position;
  CHECK(f.Read(&position) == std::vector<std::string>{"put a=1"});
  REQUIRE_OK(f.fs.WriteRaw(path, whole));
  CHECK(f.Read(&position) == std::vector<std::string>{"put b=2"});
}

TEST_CASE("a damaged middle line is skipped", "[change_feed]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("a", "1"));
  REQUIRE_OK(f.store->Put("b", "2"));
  REQUIRE_OK(f.store->Put("c", "3"));
  const std::string path = f.Segment(1);
  std::string bytes = Value(f.fs.ReadAll(path));
  const size_t b = bytes.find("\"value\":2");
  REQUIRE(b != std::string::npos);
  bytes[b + 8] = '9';  // checksum no longer matches
  REQUIRE_OK(f.fs.WriteRaw(path, bytes));
  FeedPosition position;
  CHECK(f.Read(&position) == std::vector<std::string>{"put a=1", "put c=3"});
}

TEST_CASE("compaction is not delivered again", "[change_feed][compaction]") {
  Fixture f(/*segment_bytes=*/4096);
  const std::string big(1500, 'v');
  for (int i = 0; i < 6; ++i) {
    REQUIRE_OK(f.store->Put("k" + std::to_string(i % 2), "\"" + big + "\""));
  }
  REQUIRE_OK(f.store->Put("batch-a", "1"));
  FeedPosition read_all;
  REQUIRE(f.Read(&read_all).size() == 7);
  FeedPosition behind = read_all;

  SECTION("a reader that had read everything sees only what follows") {
    REQUIRE_OK(f.store->Compact());
    CHECK(f.Read(&read_all).empty());
    REQUIRE_OK(f.store->Put("after", "1"));
    CHECK(f.Read(&read_all) == std::vector<std::string>{"put after=1"});
  }
  SECTION("a reader behind the compaction gets the rest once") {
    REQUIRE_OK(f.store->Put("x", "1"));
    for (int i = 0; i < 4; ++i)
      REQUIRE_OK(f.store->Put("z", "\"" + big + "\""));
    REQUIRE_OK(f.store->Compact());
    REQUIRE_OK(f.store->Put("after", "1"));
    // Of z's versions, compaction kept only the newest.
    CHECK(f.Read(&behind) == std::vector<std::string>{"put x=1",
                                                      "put z=\"" + big + "\"",
                                                      "put after=1"});
    CHECK(f.Read(&behind).empty());
  }
}

// Compaction splits a batch into one record per key, all with the batch's
// sequence number.
TEST_CASE("a batch split by compaction arrives whole, once",
          "[change_feed][compaction]") {
  Fixture f(/*segment_bytes=*/4096);
  const std::string big(1500, 'v');
  REQUIRE_OK(f.store->Put("a", "1"));
  FeedPosition behind;
  REQUIRE(f.Read(&behind).size() == 1);
  WriteBatch batch;
  batch.Put("x", "1");
  batch.Put("y", "2");
  REQUIRE_OK(f.store->Write(batch));
  for (int i = 0; i < 4; ++i) REQUIRE_OK(f.store->Put("z", "\"" + big + "\""));
  REQUIRE_OK(f.store->Compact());
  CHECK(f.Read(&behind) == std::vector<std::string>{"put x=1", "put y=2",
                                                    "put z=\"" + big + "\""});
  CHECK(f.Read(&behind).empty());
}

TEST_CASE("a base segment renamed over the one being read is read again by seq",
          "[change_feed][compaction]") {
  // Written by hand, as compaction lays it out: segment 1 held a put, a
  // batch and a put; its base replacement splits the batch in two records.
  FaultFileSystem fs;
  REQUIRE_OK(fs.CreateDir(kDir));
  const std::string path = std::string(kDir) + "/segment-000001.jsonl";
  const auto put = [](const std::string& key) {
    return Mutation{false, key, "1", 0};
  };
  std::string original, base;
  EncodeHeader(1, 4096, 0, &original);
  EncodeRecord(1, 0, {put("a")}, &original);
  const size_t after_a = original.size();
  EncodeRecord(2, 0, {put("x"), put("y")}, &original);
  EncodeRecord(3, 0, {put("z")}, &original);
  EncodeHeader(1, 4096, 0, &base, /*base=*/true);
  EncodeRecord(2, 0, {put("x")}, &base);
  EncodeRecord(2, 0, {put("y")}, &base);
  EncodeRecord(3, 0, {put("z")}, &base);

  REQUIRE_OK(fs.WriteRaw(path, original.substr(0, after_a)));
  ChangeFeed feed(kDir, &fs);
  FeedPosition position;
  REQUIRE(Value(feed.ReadAfter(&position)).size() == 1);
  REQUIRE_OK(fs.WriteRaw(path, base));
  CHECK(Fixture::Describe(Value(feed.ReadAfter(&position))) ==
        std::vector<std::string>{"put x=1", "put y=1", "put z=1"});
  CHECK(Value(feed.ReadAfter(&position)).empty());
}

TEST_CASE("a snapshot holds the newest live value per key and where to follow",
          "[change_feed]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("p/a", "1"));
  REQUIRE_OK(f.store->Put("p/a", "2"));
  REQUIRE_OK(f.store->Put("p/deleted", "1"));
  REQUIRE_OK(f.store->Delete("p/deleted"));
  REQUIRE_OK(f.store->Put("p/expiring", "1", PutOptions{.ttl = 10s}));
  REQUIRE_OK(f.store->Put("q/other", "1"));
  FeedPosition end;
  auto live = Value(f.feed.Snapshot("p/", f.clock.Now(), &end));
  CHECK(Fixture::Describe(live) ==
        std::vector<std::string>{"put p/a=2", "put p/expiring=1"});
  live = Value(f.feed.Snapshot("p/", f.clock.Now() + 10s, &end));
  CHECK(Fixture::Describe(live) == std::vector<std::string>{"put p/a=2"});
  CHECK(f.Read(&end).empty());
  REQUIRE_OK(f.store->Put("p/b", "3"));
  CHECK(f.Read(&end) == std::vector<std::string>{"put p/b=3"});
}

TEST_CASE(
    "a snapshot gives each change its record's ts text exactly, the "
    "writer's or one written by hand",
    "[change_feed]") {
  FaultFileSystem fs;
  REQUIRE_OK(fs.CreateDir(kDir));
  std::string log;
  EncodeHeader(1, 4096, 0, &log);
  EncodeRecord(1, 1767225600123, {Mutation{false, "a", "1", 0}}, &log);
  // By hand: a time without milliseconds, then one that is not a time.
  for (const char* body :
       {R"({"seq":2,"ts":"2026-01-01T00:00:00Z","op":"put","key":"b","value":2)",
        R"({"seq":3,"ts":"yesterday","op":"put","key":"c","value":3)"}) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(RecordChecksum(body)));
    log += std::string(body) + ",\"xxh3\":\"" + hex + "\"}\n";
  }
  REQUIRE_OK(fs.WriteRaw(std::string(kDir) + "/segment-000001.jsonl", log));
  ChangeFeed feed(kDir, &fs);
  FeedPosition end;
  std::vector<std::string> got;
  REQUIRE_OK(feed.Snapshot("", std::chrono::system_clock::now(), &end,
                           [&](const Change& c) {
                             got.push_back(c.key + " " + c.ts);
                             return absl::OkStatus();
                           }));
  CHECK(got == std::vector<std::string>{"a 2026-01-01T00:00:00.123Z",
                                        "b 2026-01-01T00:00:00Z",
                                        "c yesterday"});
}

TEST_CASE("a snapshot and a read of a store many pieces big hold a piece of "
          "it at a time, not its values",
          "[change_feed]") {
  Fixture f;
  const std::string value = "\"" + std::string(64 << 10, 'v') + "\"";
  for (int i = 0; i < 100; ++i) REQUIRE_OK(f.store->Put("k/" + std::to_string(i), value));
  for (int i = 0; i < 100; i += 2) REQUIRE_OK(f.store->Put("k/" + std::to_string(i), "0"));
  // One base segment of about 3 MiB: more than two pieces.
  REQUIRE_OK(f.store->Compact());
  REQUIRE_OK(f.store->Put("k/new", "1"));
  f.fs.ResetLargestIo();
  FeedPosition end;
  size_t live = 0;
  REQUIRE_OK(f.feed.Snapshot("k/", f.clock.Now(), &end, [&](const Change& c) {
    CHECK(c.value == (c.key == "k/new" ? "1" : std::stoi(c.key.substr(2)) % 2 == 0 ? "0" : value));
    ++live;
    return absl::OkStatus();
  }));
  CHECK(live == 101);
  FeedPosition start;
  CHECK(Value(f.feed.ReadAfter(&start)).size() == 101);
  CHECK(start == end);
  CHECK(f.fs.largest_read() <= kLinePieceBytes + (64 << 10));
}

TEST_CASE("an empty or missing store", "[change_feed]") {
  FaultFileSystem fs;
  REQUIRE_OK(fs.CreateDir("/empty"));
  ChangeFeed empty("/empty", &fs);
  FeedPosition position;
  CHECK(Value(empty.ReadAfter(&position)).empty());
  CHECK(position == FeedPosition{});
  ChangeFeed missing("/missing", &fs);
  CHECK(absl::IsNotFound(missing.ReadAfter(&position).status()));
  CHECK(absl::IsNotFound(missing.Watch()));
}

TEST_CASE("an error from the callback stops the read before that record",
          "[change_feed]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("a", "1"));
  REQUIRE_OK(f.store->Put("b", "2"));
  FeedPosition position;
  int calls = 0;
  absl::Status s = f.feed.ReadAfter(&position, [&](const Change& c) {
    ++calls;
    return c.key == "b" ? absl::CancelledError("stop") : absl::OkStatus();
  });
  CHECK(absl::IsCancelled(s));
  CHECK(calls == 2);
  CHECK(f.Read(&position) == std::vector<std::string>{"put b=2"});
}

TEST_CASE("Wait wakes when another thread writes", "[change_feed][watch]") {
  Fixture f;
  REQUIRE_OK(f.feed.Watch());
  FeedPosition position = Value(f.feed.End());
  // Waits without a deadline that matters: only the write can end it.
  absl::Status waited;  // Catch2 assertions belong to the main thread
  std::thread waiter([&] { waited = f.feed.Wait(std::chrono::hours(1)); });
  REQUIRE_OK(f.store->Put("k", "1"));
  waiter.join();
  REQUIRE_OK(waited);
  CHECK(f.Read(&position) == std::vector<std::string>{"put k=1"});
}

TEST_CASE("a change made before Wait is not missed", "[change_feed][watch]") {
  Fixture f;
  REQUIRE_OK(f.feed.Watch());
  REQUIRE_OK(f.store->Put("k", "1"));
  REQUIRE_OK(f.feed.Wait(std::chrono::hours(1)));  // returns at once
  CHECK(absl::IsFailedPrecondition(ChangeFeed(kDir, &f.fs).Wait(1ms)));
}

TEST_CASE("Wait on a real directory wakes on a write by the store",
          "[change_feed][watch][posix]") {
  TempDir tmp;
  auto store = Value(Store::Open(tmp.path(), Options{}));
  ChangeFeed feed(tmp.path());
  REQUIRE_OK(feed.Watch());
  FeedPosition position = Value(feed.End());
  absl::Status waited;
  std::thread waiter([&] { waited = feed.Wait(std::chrono::hours(1)); });
  REQUIRE_OK(store->Put("k", "\"v\""));
  waiter.join();
  REQUIRE_OK(waited);
  auto changes = Value(feed.ReadAfter(&position));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].value == "\"v\"");
  // With nothing new, Wait returns once its timeout passes.
  REQUIRE_OK(feed.Wait(1ms));
}

}  // namespace
}  // namespace dotlog::testing
