// Timestamps as records store them: RFC 3339 in UTC with milliseconds,
// e.g. "2026-11-27T03:53:53.123Z". In memory: milliseconds since the epoch.
#ifndef DOTLOG_FORMAT_TIMESTAMP_H_
#define DOTLOG_FORMAT_TIMESTAMP_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dotlog {

using TimePoint = std::chrono::system_clock::time_point;

// The times a store works with: a clock reading, a record's "ts", an
// expiry. From 2000-01-01T00:00:00Z up to, not including,
// 2200-01-01T00:00:00Z, well inside what std::chrono::system_clock holds
// (nanoseconds in 64 bits, years 1677 to 2262: a system clock set past 2262
// wraps around and reads as the 1600s).
inline constexpr int64_t kMinTimeMs = 946684800000;    // 2000-01-01
inline constexpr int64_t kMaxTimeMs = 7258118400000;   // 2200-01-01

// OK if `now_ms`, a clock reading, lies within [kMinTimeMs, kMaxTimeMs);
// FailedPrecondition naming the reading and the range otherwise: a store
// writes no record and compacts nothing on such a reading.
absl::Status CheckClock(int64_t now_ms);

int64_t ToUnixMillis(TimePoint t);
// Saturates at TimePoint::min() and max() (years 1677 and 2262).
TimePoint FromUnixMillis(int64_t ms);

// Appends `unix_ms` formatted as "YYYY-MM-DDThh:mm:ss.mmmZ".
void AppendTimestamp(std::string* out, int64_t unix_ms);
std::string FormatTimestamp(int64_t unix_ms);

// Parses any RFC 3339 time (with or without fraction, any UTC offset) to
// milliseconds since the epoch, truncating finer fractions.
absl::StatusOr<int64_t> ParseTimestamp(std::string_view text);

}  // namespace dotlog

#endif  // DOTLOG_FORMAT_TIMESTAMP_H_
