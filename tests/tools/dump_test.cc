// The dump formats: their exact text, parsing them back, and loading.
#include "dotlog/dump.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "dotlog/store.h"
#include "dotlog/write_batch.h"
#include "format/timestamp.h"
#include "support/memory_env.h"
#include "support/status_helpers.h"
#include "format/pretty_json.h"

namespace dotlog::testing {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kHostileKeys = {
    "with space", "quote\"d",      "new\nline",   "back\\slash",
    "ünï/日本/🎉", "line\u2028sep", "ctl\x01\x1f", "{\"json\":1}"};

Item MakeItem(std::string key, std::string value) {
  return Item{std::move(key), std::move(value), std::nullopt, 0};
}

// A store on an in-memory file system.
struct Fixture : MemoryEnv {
  explicit Fixture(const std::string& dir = "/s") : dir(dir) {
    options.auto_compact = false;
    store = Value(Store::Open(dir, options));
  }
  std::unique_ptr<Store> Open(const std::string& other) {
    return Value(Store::Open(other, options));
  }
  std::string Dump(Store& s, DumpFormat format, std::string_view prefix = "") {
    std::string out;
    REQUIRE_OK(DumpStore(s, prefix, format, [&](std::string_view text) {
      out.append(text);
      return absl::OkStatus();
    }));
    return out;
  }
  std::string History(std::string_view prefix = "") {
    std::string out;
    REQUIRE_OK(DumpHistory(dir, &fs, prefix, [&](std::string_view text) {
      out.append(text);
      return absl::OkStatus();
    }));
    return out;
  }

  std::string dir;
  std::unique_ptr<Store> store;
};

TEST_CASE("pretty JSON indents by 2 and keeps tokens", "[dump]") {
  std::string out;
  AppendPrettyJson(
      "{\"a\":[1,2.50e3,{}],\"b\":{\"c\":\"{,:[\\\"]}\"},\"d\":[]}", 0, &out);
  CHECK(out ==
        "{\n"
        "  \"a\": [\n"
        "    1,\n"
        "    2.50e3,\n"
        "    {}\n"
        "  ],\n"
        "  \"b\": {\n"
        "    \"c\": \"{,:[\\\"]}\"\n"
        "  },\n"
        "  \"d\": []\n"
        "}");
  out.clear();
  AppendPrettyJson("\"just a string\"", 3, &out);
  CHECK(out == "\"just a string\"");
}

TEST_CASE("the json format is one pretty object", "[dump]") {
  std::string out;
  AppendJsonDump({}, &out);
  CHECK(out == "{}\n");
  out.clear();
  AppendJsonDump({MakeItem("a\"b", "1"), MakeItem("c", "{\"d\":[true]}")},
                 &out);
  CHECK(out ==
        "{\n"
        "  \"a\\\"b\": 1,\n"
        "  \"c\": {\n"
        "    \"d\": [\n"
        "      true\n"
        "    ]\n"
        "  }\n"
        "}\n");
}

TEST_CASE("the jsonl format has key, value and expires on each line",
          "[dump]") {
  std::string out;
  Item item = MakeItem("new\nline", "[1]");
  AppendJsonlLine(item, &out);
  item.expires_at = FromUnixMillis(1767225600123);
  AppendJsonlLine(item, &out);
  CHECK(out ==
        "{\"key\":\"new\\nline\",\"value\":[1],\"expires\":null}\n"
        "{\"key\":\"new\\nline\",\"value\":[1],\"expires\":\"2026-01-01T00:00:"
        "00.123Z\"}\n");
}

TEST_CASE("history lines carry seq, time, op, key, value and expiry",
          "[dump]") {
  Change put;
  put.key = "k";
  put.value = "{\"a\":1}";
  put.ts = "2026-01-01T00:00:00.000Z";
  put.seq = 7;
  Change del = put;
  del.op = Change::Op::kDelete;
  del.value.clear();
  std::string out;
  AppendHistoryLine(put, &out);
  AppendHistoryLine(del, &out);
  put.expires_at = FromUnixMillis(1767225601000);
  AppendHistoryLine(put, &out);
  CHECK(out ==
        "{\"seq\":7,\"ts\":\"2026-01-01T00:00:00.000Z\",\"op\":\"put\",\"key\":"
        "\"k\",\"value\":{\"a\":1}}\n"
        "{\"seq\":7,\"ts\":\"2026-01-01T00:00:00.000Z\",\"op\":\"del\",\"key\":"
        "\"k\"}\n"
        "{\"seq\":7,\"ts\":\"2026-01-01T00:00:00.000Z\",\"op\":\"put\",\"key\":"
        "\"k\",\"value\":{\"a\":1},\"expires\":\"2026-01-01T00:00:01.000Z\"}\n");
}

TEST_CASE("format names", "[dump]") {
  CHECK(*ParseDumpFormat("json") == DumpFormat::kJson);
  CHECK(*ParseDumpFormat("jsonl") == DumpFormat::kJsonl);
  CHECK(*ParseDumpFormat("history") == DumpFormat::kHistory);
  CHECK(absl::IsInvalidArgument(ParseDumpFormat("yaml").status()));
}

TEST_CASE("DumpStore writes a snapshot by prefix", "[dump]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("p/a", "1"));
  REQUIRE_OK(f.store->Put("p/b", "2", PutOptions{.ttl = 1s}));
  REQUIRE_OK(f.store->Put("q", "3"));
  CHECK(f.Dump(*f.store, DumpFormat::kJson, "p/") ==
        "{\n  \"p/a\": 1,\n  \"p/b\": 2\n}\n");
  CHECK(f.Dump(*f.store, DumpFormat::kJsonl, "q") ==
        "{\"key\":\"q\",\"value\":3,\"expires\":null}\n");
  f.clock.Advance(1s);
  CHECK(f.Dump(*f.store, DumpFormat::kJson, "p/") == "{\n  \"p/a\": 1\n}\n");
  CHECK(absl::IsInvalidArgument(
      DumpStore(*f.store, "", DumpFormat::kHistory,
                [](std::string_view) { return absl::OkStatus(); })));
}

TEST_CASE("DumpStore hands a big store to its sink in chunks, with the "
          "text List would give",
          "[dump]") {
  Fixture f;
  const std::string value = "\"" + std::string(8 << 10, 'v') + "\"";
  for (int i = 0; i < 300; ++i) {
    REQUIRE_OK(f.store->Put("k/" + std::to_string(i), value));
  }
  const std::vector<Item> items = Value(f.store->List(""));
  for (DumpFormat format : {DumpFormat::kJson, DumpFormat::kJsonl}) {
    std::string whole;
    size_t largest = 0, pieces = 0;
    REQUIRE_OK(DumpStore(*f.store, "", format, [&](std::string_view text) {
      whole.append(text);
      largest = std::max(largest, text.size());
      ++pieces;
      return absl::OkStatus();
    }));
    std::string expected;
    if (format == DumpFormat::kJson) {
      AppendJsonDump(items, &expected);
    } else {
      for (const Item& item : items) AppendJsonlLine(item, &expected);
    }
    CHECK(whole == expected);
    CHECK(whole.size() > (2 << 20));
    CHECK(pieces > 10);
    CHECK(largest < (80 << 10));
  }
}

TEST_CASE("DumpHistory lists every record with batches expanded", "[dump]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("a", "1"));
  WriteBatch batch;
  batch.Put("b", "2");
  batch.Delete("a");
  REQUIRE_OK(f.store->Write(batch));
  const std::string ts = "\"2026-01-01T00:00:00.000Z\"";
  CHECK(f.History() == "{\"seq\":1,\"ts\":" + ts +
                           ",\"op\":\"put\",\"key\":\"a\",\"value\":1}\n"
                           "{\"seq\":2,\"ts\":" +
                           ts +
                           ",\"op\":\"put\",\"key\":\"b\",\"value\":2}\n"
                           "{\"seq\":2,\"ts\":" +
                           ts + ",\"op\":\"del\",\"key\":\"a\"}\n");
  CHECK(f.History("b") == "{\"seq\":2,\"ts\":" + ts +
                              ",\"op\":\"put\",\"key\":\"b\",\"value\":2}\n");
  CHECK(
      absl::IsNotFound(DumpHistory("/missing", &f.fs, "", [](std::string_view) {
        return absl::OkStatus();
      })));
}

TEST_CASE("ParseDump reads both formats and detects which", "[dump]") {
  const std::string jsonl =
      "{\"key\":\"a\",\"value\":{ \"x\" : 1 },\"expires\":null}\n"
      "\n"
      "{\"expires\":\"2026-01-01T00:00:00.123Z\",\"value\":\"s\",\"key\":\"b\"}"
      "\n";
  const std::string json =
      "{\n  \"a\": {\n    \"x\": 1\n  },\n  \"b\": \"s\"\n}\n";
  for (auto format :
       {std::optional<DumpFormat>(), std::optional(DumpFormat::kJsonl)}) {
    auto items = Value(ParseDump(jsonl, format));
    REQUIRE(items.size() == 2);
    CHECK(items[0].key == "a");
    CHECK(items[0].value == "{\"x\":1}");
    CHECK_FALSE(items[0].expires_at);
    CHECK(items[1].value == "\"s\"");
    REQUIRE(items[1].expires_at);
    CHECK(ToUnixMillis(*items[1].expires_at) == 1767225600123);
  }
  for (auto format :
       {std::optional<DumpFormat>(), std::optional(DumpFormat::kJson)}) {
    auto items = Value(ParseDump(json, format));
    REQUIRE(items.size() == 2);
    CHECK(items[0].key == "a");
    CHECK(items[0].value == "{\"x\":1}");
    CHECK(items[1].key == "b");
  }
  CHECK(Value(ParseDump("")).empty());
  CHECK(Value(ParseDump("{}\n")).empty());
}

TEST_CASE("ParseDump refuses malformed input, naming where", "[dump]") {
  const auto error = [](std::string_view text,
                        std::optional<DumpFormat> format = std::nullopt) {
    auto items = ParseDump(text, format);
    REQUIRE(absl::IsInvalidArgument(items.status()));
    return std::string(items.status().message());
  };
  const std::string good = "{\"key\":\"a\",\"value\":1,\"expires\":null}\n";
  CHECK(error(good + "{\"key\":\"b\",\"value\":tru,\"expires\":null}\n")
            .rfind("line 2: ", 0) == 0);
  CHECK(error(good + "{\"key\":\"b\",\"value\":1}\n").rfind("line 2: ", 0) ==
        0);
  CHECK(error(good + "{\"key\":\"b\",\"value\":1,\"expires\":null,\"x\":0}\n")
            .find("unexpected field \"x\"") != std::string::npos);
  CHECK(error(good + "{\"key\":2,\"value\":1,\"expires\":null}\n")
            .find("\"key\" is not a string") != std::string::npos);
  CHECK(error(good + "{\"key\":\"b\",\"value\":1,\"expires\":\"soon\"}\n")
            .rfind("line 2: ", 0) == 0);
  CHECK(error(good + good).find("given twice") != std::string::npos);
  CHECK(error("{\"a\":1,\"a\":2}", DumpFormat::kJson).find("given twice") !=
        std::string::npos);
  CHECK(error("[1,2]").find("not a JSON object") != std::string::npos);
  CHECK(error("{\"a\": 1").rfind("json dump: ", 0) == 0);
  CHECK(error(good, DumpFormat::kHistory).find("history") != std::string::npos);
}

TEST_CASE("dump, parse and load give an identical store", "[dump]") {
  Fixture f;
  for (size_t i = 0; i < kHostileKeys.size(); ++i) {
    REQUIRE_OK(
        f.store->Put(kHostileKeys[i], "[" + std::to_string(i) + ",1.50]"));
  }
  REQUIRE_OK(f.store->Put("expiring", "true", PutOptions{.ttl = 1h}));
  const std::string jsonl = f.Dump(*f.store, DumpFormat::kJsonl);
  const std::string json = f.Dump(*f.store, DumpFormat::kJson);

  auto copy = f.Open("/copy");
  auto result = Value(LoadItems(*copy, Value(ParseDump(jsonl)), f.clock.Now()));
  CHECK(result.loaded == kHostileKeys.size() + 1);
  CHECK(result.batches == 1);
  CHECK(f.Dump(*copy, DumpFormat::kJsonl) == jsonl);

  auto from_json = f.Open("/from-json");
  REQUIRE_OK(LoadItems(*from_json, Value(ParseDump(json)), f.clock.Now()));
  CHECK(f.Dump(*from_json, DumpFormat::kJson) == json);
}

TEST_CASE("LoadItems validates everything before writing anything", "[dump]") {
  Fixture f;
  std::vector<Item> items;
  for (int i = 0; i < 1500; ++i)
    items.push_back(MakeItem("k" + std::to_string(i), "1"));
  SECTION("a bad value") { items.push_back(MakeItem("bad", "{oops")); }
  SECTION("a bad key") { items.push_back(MakeItem("", "1")); }
  SECTION("an expiry past year 9999") {
    Item far = MakeItem("far", "1");
    far.expires_at = FromUnixMillis(253402300800000);
    items.push_back(far);
  }
  auto result = LoadItems(*f.store, items, f.clock.Now());
  CHECK(absl::IsInvalidArgument(result.status()));
  CHECK(Value(f.store->GetStats()).records == 0);
  CHECK(f.fs.mutation_count() == 0);  // not even a segment was created
}

TEST_CASE("LoadItems writes batches of at most 1000 keys and skips the expired",
          "[dump]") {
  Fixture f;
  std::vector<Item> items;
  for (int i = 0; i < 2500; ++i)
    items.push_back(MakeItem("k" + std::to_string(i), "1"));
  Item old = MakeItem("old", "1");
  old.expires_at = f.clock.Now();
  items.push_back(old);
  auto result = Value(LoadItems(*f.store, items, f.clock.Now()));
  CHECK(result.loaded == 2500);
  CHECK(result.batches == 3);
  CHECK(result.skipped_expired == 1);
  auto stats = Value(f.store->GetStats());
  CHECK(stats.records == 3);
  CHECK(stats.live_keys == 2500);
}

}  // namespace
}  // namespace dotlog::testing
