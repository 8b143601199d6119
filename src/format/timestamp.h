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
