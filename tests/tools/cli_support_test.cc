// The command-line conventions and subcommand logic in tools/cli/.
#include "cli/conventions.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "dotlog/store.h"
#include "support/memory_env.h"
#include "support/status_helpers.h"
#include "cli/verb_output.h"

namespace dotlog::cli {
namespace {

using namespace std::chrono_literals;
using testing::Value;

struct Fixture : testing::MemoryEnv {
  Fixture() { store = Value(Store::Open("/s", options)); }
  std::unique_ptr<Store> store;
};

TEST_CASE("durations", "[cli]") {
  CHECK(*ParseDuration("90s") == 90s);
  CHECK(*ParseDuration("15m") == 15min);
  CHECK(*ParseDuration("12h") == 12h);
  CHECK(*ParseDuration("30d") == 30 * 24h);
  CHECK(*ParseDuration("1h30m") == 90min);
  CHECK(*ParseDuration("0s") == 0s);
  for (const char* bad : {"", "5", "s", "-5s", "5x", "1.5h", " 5s", "5s ",
                          "99999999999999999999d", "36600d1d"}) {
    INFO(bad);
    CHECK(absl::IsInvalidArgument(ParseDuration(bad).status()));
  }
  CHECK_OK(ParseDuration("36500d"));
}

TEST_CASE("counts agree in number with their noun", "[cli]") {
  CHECK(Plural(0, "key") == "0 keys");
  CHECK(Plural(1, "key") == "1 key");
  CHECK(Plural(1, "batch") == "1 batch");
  CHECK(Plural(2, "batch") == "2 batches");
  CHECK(Plural(3, "problem") == "3 problems");
}

TEST_CASE("integers outside their range name the argument and the range",
          "[cli]") {
  CHECK(*ParseInteger("-n", "5", 1, 10) == 5);
  CHECK(*ParseInteger("BY", "-3", -10, 10) == -3);
  for (const char* bad :
       {"0", "11", "-1", "x", "", "1.5", "99999999999999999999"}) {
    INFO(bad);
    auto n = ParseInteger("-n", bad, 1, 10);
    CHECK(absl::IsInvalidArgument(n.status()));
    CHECK(std::string(n.status().message()).rfind("-n \"", 0) == 0);
  }
}

TEST_CASE("the closest name is suggested only for a likely typo", "[cli]") {
  const std::vector<std::string> names = {"get", "set", "ls", "history",
                                          "watch"};
  CHECK(ClosestName("gte", names) == "get");
  CHECK(ClosestName("hsitory", names) == "history");
  CHECK(ClosestName("wach", names) == "watch");
  CHECK(ClosestName("lss", names) == "ls");
  CHECK(ClosestName("frobnicate", names) == std::nullopt);
  CHECK(ClosestName("x", names) == std::nullopt);
}

TEST_CASE("exit codes come from status codes in one place", "[cli]") {
  CHECK(ExitCodeFor(absl::OkStatus()) == 0);
  CHECK(ExitCodeFor(absl::NotFoundError("k")) == 1);
  CHECK(ExitCodeFor(absl::InvalidArgumentError("bad")) == 2);
  CHECK(ExitCodeFor(absl::OutOfRangeError("overflow")) == 2);
  CHECK(ExitCodeFor(absl::FailedPreconditionError("not an integer")) == 2);
  CHECK(ExitCodeFor(absl::DeadlineExceededError("lock")) == 3);
  CHECK(ExitCodeFor(absl::DataLossError("damage")) == 3);
  CHECK(ExitCodeFor(absl::PermissionDeniedError("open")) == 3);
  CHECK(ExitCodeFor(absl::UnknownError("io")) == 3);
  CHECK(ExitCodeFor(absl::ResourceExhaustedError("seq used up")) == 3);
  // A store that cannot be opened is a store error, never "key not found".
  CHECK(ExitCodeFor(AsStoreError(absl::NotFoundError("no dir"))) == 3);
  CHECK(ExitCodeFor(
            AsStoreError(absl::FailedPreconditionError("newer format"))) == 3);
  CHECK(AsStoreError(absl::NotFoundError("no dir")).message() == "no dir");
  CHECK(ExitCodeFor(AsStoreError(absl::InvalidArgumentError("empty dir"))) ==
        2);
}

TEST_CASE("an error line is one line", "[cli]") {
  CHECK(ErrorLine("dotlog", "key \"k\": bad\nvalue\r") ==
        "dotlog: key \"k\": bad value ");
}

TEST_CASE("set --string and get --raw", "[cli]") {
  CHECK(*ValueToStore("k", "{\"a\":1}", false) == "{\"a\":1}");
  CHECK(*ValueToStore("k", "say \"hi\"\n", true) == "\"say \\\"hi\\\"\\n\"");
  CHECK(absl::IsInvalidArgument(ValueToStore("k", "\xff", true).status()));
  CHECK(*ValueToPrint("\"say \\\"hi\\\"\\n\\u00e9\"", false) ==
        "\"say \\\"hi\\\"\\n\\u00e9\"");
  CHECK(*ValueToPrint("\"say \\\"hi\\\"\\n\\u00e9\"", true) ==
        "say \"hi\"\n\xc3\xa9");
  CHECK(*ValueToPrint("[\"a\"]", true) == "[\"a\"]");
  CHECK(*ValueToPrint("12", true) == "12");
}

TEST_CASE("DeleteKeys deletes present keys at once and checks every key first",
          "[cli]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("a", "1"));
  REQUIRE_OK(f.store->Put("b", "2"));
  CHECK(absl::IsInvalidArgument(DeleteKeys(*f.store, {"a", ""}).status()));
  CHECK(*f.store->Contains("a"));
  const uint64_t records = Value(f.store->GetStats()).records;
  CHECK(Value(DeleteKeys(*f.store, {"a", "b", "absent"})) == 2);
  CHECK(Value(f.store->GetStats()).records == records + 1);  // one batch
  CHECK(Value(DeleteKeys(*f.store, {"a"})) == 0);
  CHECK(Value(f.store->GetStats()).records == records + 1);  // nothing written
}

TEST_CASE("ListText", "[cli]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("p/b", "[1]"));
  REQUIRE_OK(f.store->Put("p/a", "\"x\""));
  REQUIRE_OK(f.store->Put("q", "1"));
  CHECK(*ListText(*f.store, "p/", false) == "p/a\np/b\n");
  CHECK(*ListText(*f.store, "p/", true) == "{\"p/a\":\"x\",\"p/b\":[1]}\n");
  CHECK(*ListText(*f.store, "none", false) == "");
  CHECK(*ListText(*f.store, "none", true) == "{}\n");
}

TEST_CASE("SecondsToLive rounds up and says -1 for never", "[cli]") {
  Fixture f;
  REQUIRE_OK(f.store->Put("forever", "1"));
  REQUIRE_OK(f.store->Put("brief", "1", PutOptions{.ttl = 1500ms}));
  CHECK(*SecondsToLive(*f.store, "forever", f.clock.Now()) == -1);
  CHECK(*SecondsToLive(*f.store, "brief", f.clock.Now()) == 2);
  CHECK(*SecondsToLive(*f.store, "brief", f.clock.Now() + 1499ms) == 1);
  CHECK(absl::IsNotFound(
      SecondsToLive(*f.store, "brief", f.clock.Now() + 1500ms).status()));
  f.clock.Advance(1500ms);
  CHECK(absl::IsNotFound(
      SecondsToLive(*f.store, "brief", f.clock.Now()).status()));
  CHECK(absl::IsNotFound(
      SecondsToLive(*f.store, "absent", f.clock.Now()).status()));
}

TEST_CASE("stats and verify texts", "[cli]") {
  Stats stats;
  stats.live_keys = 2;
  stats.last_seq = 9;
  stats.snapshot_keys = 7;
  stats.index_bytes = 4096;
  const std::string text = StatsText(stats, false);
  CHECK(text.rfind("live_keys: 2\nrecords: 0\n", 0) == 0);
  CHECK(text.ends_with("last_seq: 9\nsnapshot_keys: 7\nindex_bytes: 4096\n"));
  const std::string json = StatsText(stats, true);
  CHECK(json.rfind("{\"live_keys\":2,\"records\":0,", 0) == 0);
  CHECK(json.ends_with(",\"last_seq\":9,\"snapshot_keys\":7,\"index_bytes\":4096}\n"));

  VerifyReport report;
  report.segments = 2;
  report.records = 5;
  CHECK(ProblemsText(report).empty());
  CHECK(VerifySummary(report) == "2 segments, 5 records: clean\n");
  report.errors.push_back(
      {"/s/segment-000001.jsonl", 3, 100, "checksum mismatch"});
  report.warnings.push_back({"/s/segment-000002.jsonl", 4, 50, "torn tail"});
  CHECK(ProblemsText(report) ==
        "/s/segment-000001.jsonl:3: checksum mismatch\n"
        "/s/segment-000002.jsonl:4: warning: torn tail\n");
  CHECK(VerifySummary(report) ==
        "2 segments, 5 records: 1 problem (1 warning)\n");
}

}  // namespace
}  // namespace dotlog::cli
