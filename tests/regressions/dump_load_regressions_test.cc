// Values a store accepts must come back through dump and load, load must
// not guess between the dump formats, and what load writes compaction must
// not make bigger.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "dotlog/dump.h"
#include "dotlog/limits.h"
#include "dotlog/store.h"
#include "dotlog/write_batch.h"
#include "support/memory_env.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

using testing::Value;

// Stores on one in-memory file system.
struct Fixture : testing::MemoryEnv {
  Fixture() { options.auto_compact = false; }
  std::unique_ptr<Store> Open(const std::string& dir) {
    return Value(Store::Open(dir, options));
  }
  std::string Dump(Store& s, DumpFormat format) {
    std::string out;
    REQUIRE_OK(DumpStore(s, "", format, [&](std::string_view text) {
      out.append(text);
      return absl::OkStatus();
    }));
    return out;
  }
  // Dumps `from` in `format`, loads the dump into a new store at `dir`
  // and returns that store.
  std::unique_ptr<Store> RoundTrip(Store& from, DumpFormat format,
                                   const std::string& dir) {
    auto to = Open(dir);
    const std::string dump = Dump(from, format);
    auto items = ParseDump(dump, format);
    INFO(items.status().ToString());
    REQUIRE_OK(items);
    REQUIRE_OK(LoadItems(*to, *items, clock.Now()));
    return to;
  }
};

std::string Nested(size_t depth) {
  return std::string(depth, '[') + "1" + std::string(depth, ']');
}

TEST_CASE("a value nested as deep as the limit goes through dump and load; "
          "deeper ones are refused naming the limit",
          "[regression]") {
  Fixture f;
  auto store = f.Open("/s");
  const std::string deepest = Nested(kMaxValueDepth);
  REQUIRE_OK(store->Put("deep", deepest));
  // In a batch the value sits three levels inside its record.
  WriteBatch batch;
  batch.Put("deep-in-batch", deepest);
  batch.Put("other", "1");
  REQUIRE_OK(store->Write(batch));
  // Read back from the files by a new handle.
  auto reopened = f.Open("/s");
  CHECK(Value(reopened->Get("deep")) == deepest);
  CHECK(Value(reopened->Get("deep-in-batch")) == deepest);

  for (DumpFormat format : {DumpFormat::kJsonl, DumpFormat::kJson}) {
    auto copy = f.RoundTrip(*store, format,
                            format == DumpFormat::kJson ? "/json" : "/jsonl");
    CHECK(Value(copy->Get("deep")) == deepest);
    CHECK(Value(copy->Get("deep-in-batch")) == deepest);
  }

  for (size_t depth : {kMaxValueDepth + 1, size_t{1024}, size_t{5000}}) {
    INFO("depth " << depth);
    const absl::Status s = store->Put("deeper", Nested(depth));
    INFO(s.ToString());
    CHECK(absl::IsInvalidArgument(s));
    CHECK(absl::StrContains(s.message(), "deep"));
    CHECK(absl::StrContains(s.message(), "limit of 1000"));
  }
  // A dump holding a value deeper than the limit says which limit.
  const std::string dump =
      "{\"key\":\"a\",\"value\":1,\"expires\":null}\n"
      "{\"key\":\"b\",\"value\":" + Nested(kMaxValueDepth + 1) +
      ",\"expires\":null}\n";
  const absl::Status s = ParseDump(dump).status();
  INFO(s.ToString());
  CHECK(absl::IsInvalidArgument(s));
  CHECK(absl::StrContains(s.message(), "line 2"));
  CHECK(absl::StrContains(s.message(), "limit of 1000"));
}

TEST_CASE("a one-line json object with the keys key, value and expires is "
          "not taken for jsonl without being told",
          "[regression]") {
  const std::string line = R"({"key":"a","value":1,"expires":null})" "\n";
  const absl::Status s = ParseDump(line).status();
  INFO(s.ToString());
  CHECK(absl::IsInvalidArgument(s));
  CHECK(absl::StrContains(s.message(), "--format"));

  // Told, each reading is what it says.
  auto as_json = Value(ParseDump(line, DumpFormat::kJson));
  REQUIRE(as_json.size() == 3);
  CHECK(as_json[0].key == "key");
  CHECK(as_json[0].value == "\"a\"");
  CHECK(as_json[2].key == "expires");
  auto as_jsonl = Value(ParseDump(line, DumpFormat::kJsonl));
  REQUIRE(as_jsonl.size() == 1);
  CHECK(as_jsonl[0].key == "a");

  // What cannot be misread is still detected: the json format's layout,
  // several jsonl lines, a one-line object that is no jsonl entry.
  CHECK(Value(ParseDump("{\n  \"key\": \"a\",\n  \"value\": 1,\n"
                        "  \"expires\": null\n}\n"))
            .size() == 3);
  CHECK(Value(ParseDump(line + R"({"key":"b","value":2,"expires":null})"
                               "\n"))
            .size() == 2);
  CHECK(Value(ParseDump(R"({"key":"a","value":1})" "\n")).size() == 2);
}

TEST_CASE("every valid JSON number is a value, kept as written through "
          "reopen, dump and load",
          "[regression]") {
  const std::vector<std::string> numbers = {
      "12345678901234567890123",
      "-12345678901234567890123",
      "18446744073709551616",
      "1e400",
      "-1E+400",
      "1e-400",
      "123456789012345678901234567890.123456789e-99999",
      R"({"big":[1e400,12345678901234567890123,{"x":-0.0e0}]})",
  };
  Fixture f;
  auto store = f.Open("/s");
  for (size_t i = 0; i < numbers.size(); ++i) {
    INFO(numbers[i]);
    CHECK_OK(store->Put("n" + std::to_string(i), numbers[i]));
  }
  auto reopened = f.Open("/s");
  auto copy = f.RoundTrip(*reopened, DumpFormat::kJsonl, "/copy");
  for (size_t i = 0; i < numbers.size(); ++i) {
    INFO(numbers[i]);
    CHECK(Value(reopened->Get("n" + std::to_string(i))) == numbers[i]);
    CHECK(Value(copy->Get("n" + std::to_string(i))) == numbers[i]);
  }

  // Not numbers by the grammar, alone or next to a big one.
  for (const char* bad : {"01", "-01", "1.", ".5", "+1", "-", "1e", "1e+",
                          "0x10", "NaN", "Infinity", "[1e400,]", "[1e400 2]",
                          "[12345678901234567890123,01]", "1e400x"}) {
    INFO(bad);
    const absl::Status s = store->Put("bad", bad);
    CHECK(absl::IsInvalidArgument(s));
    CHECK(absl::StrContains(s.message(), "not valid JSON"));
  }
}

TEST_CASE("compacting a store written by load makes it no bigger",
          "[regression]") {
  Fixture f;
  auto store = f.Open("/s");
  std::vector<Item> items;
  for (int i = 0; i < 2500; ++i) {
    items.push_back(Item{"key/" + std::to_string(i),
                         "{\"n\":" + std::to_string(i) + "}", std::nullopt,
                         0});
  }
  const LoadResult loaded = Value(LoadItems(*store, items, f.clock.Now()));
  REQUIRE(loaded.batches == 3);
  const Stats before = Value(store->GetStats());
  REQUIRE(before.records == 3);

  SECTION("every key of the batches live") {
    REQUIRE_OK(store->Compact());
    const Stats after = Value(store->GetStats());
    INFO("bytes " << before.total_bytes << " -> " << after.total_bytes);
    CHECK(after.records == 3);
    CHECK(after.live_bytes <= before.live_bytes);
    // Only the headers of the base and of the next segment may add bytes.
    CHECK(after.total_bytes <= before.total_bytes + 256);
  }
  SECTION("some keys of a batch overwritten since") {
    for (int i = 0; i < 10; ++i) {
      REQUIRE_OK(store->Put("key/" + std::to_string(i), "0"));
    }
    const Stats written = Value(store->GetStats());
    REQUIRE_OK(store->Compact());
    const Stats after = Value(store->GetStats());
    INFO("bytes " << written.total_bytes << " -> " << after.total_bytes);
    // The survivors of the first batch stay one record.
    CHECK(after.records == 3 + 10);
    CHECK(after.total_bytes < written.total_bytes);
    CHECK(Value(store->Get("key/0")) == "0");
    CHECK(Value(store->Get("key/10")) == "{\"n\":10}");
  }
  CHECK(Value(store->GetStats()).live_keys == 2500);
}

}  // namespace
}  // namespace dotlog
