// Tests of record timestamps: RFC 3339 text <-> milliseconds since the epoch.
#include "format/timestamp.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "support/status_helpers.h"

namespace dotlog {
namespace {

// 2026-01-01T00:00:00.123Z
constexpr int64_t kNewYear2026Ms = 1767225600123;
// 9999-12-31T23:59:59.999Z, the last time a four-digit year can hold.
constexpr int64_t kLastMs = 253402300799999;

int64_t ParseOrDie(const std::string& text) {
  auto ms = ParseTimestamp(text);
  INFO(text << ": " << ms.status().ToString());
  REQUIRE_OK(ms);
  return *ms;
}

TEST_CASE("a timestamp is formatted in UTC with three millisecond digits and Z",
          "[timestamp]") {
  CHECK(FormatTimestamp(kNewYear2026Ms) == "2026-01-01T00:00:00.123Z");
  CHECK(FormatTimestamp(0) == "1970-01-01T00:00:00.000Z");
  CHECK(FormatTimestamp(1767225600005) == "2026-01-01T00:00:00.005Z");
  CHECK(FormatTimestamp(1795751633123) == "2026-11-27T03:53:53.123Z");
  CHECK(FormatTimestamp(kLastMs) == "9999-12-31T23:59:59.999Z");
}

TEST_CASE("a time before the epoch is formatted as a positive fraction",
          "[timestamp]") {
  CHECK(FormatTimestamp(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("every millisecond across seconds, days and years formats as absl does",
          "[timestamp]") {
  // One thread's successive records mostly share a second; these walk
  // within and across seconds, forwards and backwards, as clocks may.
  for (const int64_t start : {kNewYear2026Ms - 1500, int64_t{-2500}, kLastMs - 2999}) {
    for (int64_t ms : {start, start + 1, start + 999, start + 1000, start + 1, start + 2001,
                       start + 2001, start + 1999, start + 2998}) {
      INFO(ms);
      CHECK(FormatTimestamp(ms) == absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                                                    absl::FromUnixMillis(ms),
                                                    absl::UTCTimeZone()));
    }
  }
}

TEST_CASE("AppendTimestamp appends and keeps what was there", "[timestamp]") {
  std::string out = "ts=";
  AppendTimestamp(&out, kNewYear2026Ms);
  CHECK(out == "ts=2026-01-01T00:00:00.123Z");
}

TEST_CASE("a UTC time with milliseconds parses to milliseconds",
          "[timestamp]") {
  CHECK(ParseOrDie("2026-01-01T00:00:00.123Z") == kNewYear2026Ms);
  CHECK(ParseOrDie("1970-01-01T00:00:00.000Z") == 0);
}

TEST_CASE("a time with a UTC offset parses to the same instant",
          "[timestamp]") {
  CHECK(ParseOrDie("2026-01-01T02:00:00.123+02:00") == kNewYear2026Ms);
  CHECK(ParseOrDie("2025-12-31T19:30:00.123-04:30") == kNewYear2026Ms);
  CHECK(ParseOrDie("2026-01-01T00:00:00.123+00:00") == kNewYear2026Ms);
  CHECK(ParseOrDie("2026-01-01T00:00:00.123-00:00") == kNewYear2026Ms);
}

TEST_CASE("a time without a fraction parses to whole seconds", "[timestamp]") {
  CHECK(ParseOrDie("2026-01-01T00:00:00Z") == 1767225600000);
  CHECK(ParseOrDie("2026-01-01T05:45:00+05:45") == 1767225600000);
}

TEST_CASE("fractions of any length parse, finer than milliseconds truncated",
          "[timestamp]") {
  CHECK(ParseOrDie("2026-01-01T00:00:00.1Z") == 1767225600100);
  CHECK(ParseOrDie("2026-01-01T00:00:00.12Z") == 1767225600120);
  CHECK(ParseOrDie("2026-01-01T00:00:00.123456Z") == kNewYear2026Ms);
  CHECK(ParseOrDie("2026-01-01T00:00:00.123999999Z") == kNewYear2026Ms);
}

TEST_CASE("lowercase t and z, which RFC 3339 allows, parse", "[timestamp]") {
  CHECK(ParseOrDie("2026-01-01t00:00:00.123z") == kNewYear2026Ms);
}

TEST_CASE("every formatted timestamp parses back to the same milliseconds",
          "[timestamp]") {
  for (const int64_t ms :
       {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{999}, int64_t{1000},
        kNewYear2026Ms, int64_t{951782400000} /* 2000-02-29 */,
        int64_t{-62135596800000} /* 0001-01-01 */, kLastMs}) {
    INFO(ms);
    const std::string text = FormatTimestamp(ms);
    CHECK(ParseOrDie(text) == ms);
  }
}

TEST_CASE(
    "times in the written form parse as the general RFC 3339 parser reads "
    "them, every day of four centuries and across years 1 to 9999",
    "[timestamp]") {
  // The written form is read by a parser of its own; absl::ParseTime, the
  // reference, reads every other form. One sample per day, each at a
  // different time of day, and a sample every 97 days across all years.
  uint64_t mix = 0x9e3779b97f4a7c15ULL;
  auto check = [&](int64_t ms) {
    const std::string text = FormatTimestamp(ms);
    absl::Time reference;
    std::string error;
    REQUIRE(absl::ParseTime(absl::RFC3339_full, text, &reference, &error));
    INFO(text);
    CHECK(ParseOrDie(text) == absl::ToUnixMillis(reference));
    CHECK(ParseOrDie(text) == ms);
  };
  constexpr int64_t kDayMs = 86400000;
  for (int64_t day = -73000; day < 73050; ++day) {
    mix = mix * 6364136223846793005ULL + 1442695040888963407ULL;
    check(day * kDayMs + static_cast<int64_t>((mix >> 20) % kDayMs));
  }
  for (int64_t ms = -62135596800000; ms <= kLastMs; ms += 97 * kDayMs + 7) {
    check(ms);
  }
  check(kLastMs);
}

TEST_CASE("the written form with an impossible field is refused as before",
          "[timestamp]") {
  for (const char* bad :
       {"2026-02-29T00:00:00.000Z", "2026-04-31T00:00:00.000Z",
        "2026-00-10T00:00:00.000Z", "2026-01-00T00:00:00.000Z",
        "2026-01-01T24:00:00.000Z", "2026-01-01T00:60:00.000Z",
        "2026-01-01T00:00:00.0a0Z", "2026-01-01T00:00:00.000+"}) {
    INFO(bad);
    CHECK(absl::IsInvalidArgument(ParseTimestamp(bad).status()));
  }
  // A leap second, which the general parser accepts, is still accepted.
  CHECK(ParseOrDie("2016-12-31T23:59:60.000Z") ==
        ParseOrDie("2017-01-01T00:00:00.000Z"));
}

TEST_CASE("time points convert to and from milliseconds without loss",
          "[timestamp]") {
  const TimePoint t = FromUnixMillis(kNewYear2026Ms);
  CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(
            t.time_since_epoch())
            .count() == kNewYear2026Ms);
  CHECK(ToUnixMillis(t) == kNewYear2026Ms);
  CHECK(ToUnixMillis(FromUnixMillis(-1)) == -1);
  // Sub-millisecond parts of a time point are dropped.
  CHECK(ToUnixMillis(t + std::chrono::microseconds(999)) == kNewYear2026Ms);
}

TEST_CASE("times up to the year 2262 convert to a time point and back exactly",
          "[timestamp]") {
  // 2200-01-01, the latest expiry a write may set, and the last whole
  // millisecond a nanosecond system_clock holds (2262-04-11T23:47:16.854Z).
  for (const int64_t ms : {int64_t{7258118400000}, int64_t{9223372036853},
                           int64_t{-9223372036853}}) {
    INFO(ms << " = " << FormatTimestamp(ms));
    CHECK(ToUnixMillis(FromUnixMillis(ms)) == ms);
  }
}

TEST_CASE("a time beyond what a time point holds saturates instead of "
          "wrapping",
          "[timestamp]") {
  // A record on disk may name any four-digit year.
  for (const int64_t ms : {int64_t{9223372036855},
                           int64_t{32503680000000} /* 3000-01-01 */, kLastMs,
                           INT64_MAX}) {
    INFO(ms << " = " << FormatTimestamp(ms));
    CHECK(FromUnixMillis(ms) == TimePoint::max());
    CHECK(FromUnixMillis(ms) > FromUnixMillis(kNewYear2026Ms));
  }
  for (const int64_t ms : {int64_t{-9223372036855},
                           int64_t{-62135596800000} /* 0001-01-01 */,
                           INT64_MIN}) {
    INFO(ms);
    CHECK(FromUnixMillis(ms) == TimePoint::min());
  }
}

TEST_CASE("text that is not an RFC 3339 time is InvalidArgument",
          "[timestamp]") {
  for (const char* bad : {
           "",
           "garbage",
           "2026-01-01",                      // no time
           "2026-01-01T00:00:00",             // no offset
           "2026-01-01T00:00:00.123",         // no offset
           "2026-01-01T00:00:00.Z",           // empty fraction
           "2026-01-01T00:00Z",               // no seconds
           "2026-13-01T00:00:00Z",            // month 13
           "2026-01-32T00:00:00Z",            // day 32
           "2026-02-30T00:00:00Z",            // no such day
           "2026-01-01T24:00:01Z",            // hour 24
           "2026-01-01T00:00:00.123Zjunk",    // text after the time
           "1767225600123",                   // milliseconds, not text
       }) {
    INFO("\"" << bad << "\"");
    auto ms = ParseTimestamp(bad);
    REQUIRE_FALSE(ms.ok());
    CHECK(ms.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_FALSE(ms.status().message().empty());
  }
}

TEST_CASE("the error for bad text quotes the text", "[timestamp]") {
  auto ms = ParseTimestamp("not-a-time");
  REQUIRE_FALSE(ms.ok());
  CHECK(std::string(ms.status().message()).find("not-a-time") !=
        std::string::npos);
}

TEST_CASE("a clock is trusted from 2000-01-01 up to, not including, "
          "2200-01-01",
          "[timestamp]") {
  CHECK_OK(CheckClock(*ParseTimestamp("2000-01-01T00:00:00Z")));
  CHECK_OK(CheckClock(*ParseTimestamp("2199-12-31T23:59:59.999Z")));
  for (const char* bad : {"1999-12-31T23:59:59.999Z", "2200-01-01T00:00:00Z",
                          "1700-01-01T00:00:00Z", "1970-01-01T00:00:00Z"}) {
    INFO(bad);
    const absl::Status s = CheckClock(*ParseTimestamp(bad));
    CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
    CHECK(std::string(s.message()).find(std::string(bad).substr(0, 10)) !=
          std::string::npos);
  }
}

}  // namespace
}  // namespace dotlog
