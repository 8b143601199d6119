// Tests of the lines `dotlog watch` prints (tools/cli/status_line.h).
#include "cli/status_line.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "support/status_helpers.h"

namespace dotlog::cli {
namespace {

using testing::Value;

Change Put(std::string key, std::string value) {
  Change c;
  c.key = std::move(key);
  c.value = std::move(value);
  c.ts = "2026-12-02T10:00:00.000Z";
  return c;
}

Change Del(std::string key) {
  Change c = Put(std::move(key), "");
  c.op = Change::Op::kDelete;
  return c;
}

TEST_CASE("a watch line carries op, key, value, time and expiry",
          "[status_line]") {
  Change put = Put("k", "{\"a\":1}");
  std::string out;
  AppendWatchLine(put, &out);
  AppendWatchLine(Del("k"), &out);
  put.expires_at = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(1767225601000));
  AppendWatchLine(put, &out);
  CHECK(out ==
        "{\"op\":\"put\",\"key\":\"k\",\"value\":{\"a\":1},"
        "\"ts\":\"2026-12-02T10:00:00.000Z\"}\n"
        "{\"op\":\"del\",\"key\":\"k\",\"ts\":\"2026-12-02T10:00:00.000Z\"}\n"
        "{\"op\":\"put\",\"key\":\"k\",\"value\":{\"a\":1},"
        "\"ts\":\"2026-12-02T10:00:00.000Z\","
        "\"expires\":\"2026-01-01T00:00:01.000Z\"}\n");
}

TEST_CASE("a template fills in each field from the change", "[status_line]") {
  const Change c = Put("wallpaper/current/DP-1", "\"/walls/a \\\"b\\\".png\"");
  CHECK(Value(StatusTemplate::Parse("{value}")).Render(c) ==
        "/walls/a \"b\".png");
  CHECK(Value(StatusTemplate::Parse("{json}")).Render(c) == c.value);
  CHECK(Value(StatusTemplate::Parse("{basename} on {name}")).Render(c) ==
        "a \"b\".png on DP-1");
  CHECK(Value(StatusTemplate::Parse("{{{key}}} {op} {ts}")).Render(c) ==
        "{wallpaper/current/DP-1} put 2026-12-02T10:00:00.000Z");
  CHECK(Value(StatusTemplate::Parse("{value}")).Render(Put("n", "[1,2]")) ==
        "[1,2]");
}

TEST_CASE("a bad template is refused with the reason", "[status_line]") {
  for (const char* bad : {"{nope}", "{value", "value}", "{}"}) {
    INFO(bad);
    CHECK(absl::IsInvalidArgument(StatusTemplate::Parse(bad).status()));
  }
}

TEST_CASE("a waybar line is one JSON object with text, tooltip, class, alt",
          "[status_line]") {
  const StatusTemplate text = Value(StatusTemplate::Parse("{basename}"));
  std::string out;
  AppendWaybarLine(Put("wallpaper/current/DP-1", "\"/w/sea.png\""), text, &out);
  CHECK(out ==
        "{\"text\":\"sea.png\",\"tooltip\":\"wallpaper/current/DP-1: "
        "/w/sea.png\\n2026-12-02T10:00:00.000Z\",\"class\":\"put\","
        "\"alt\":\"DP-1\"}\n");
  out.clear();
  AppendWaybarLine(Del("wallpaper/current/DP-1"), text, &out);
  CHECK(out ==
        "{\"text\":\"\",\"tooltip\":\"wallpaper/current/DP-1: deleted\\n"
        "2026-12-02T10:00:00.000Z\",\"class\":\"del\",\"alt\":\"DP-1\"}\n");
}

}  // namespace
}  // namespace dotlog::cli
