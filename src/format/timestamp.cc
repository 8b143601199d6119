#include "format/timestamp.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "util/strings.h"

namespace dotlog {

absl::Status CheckClock(int64_t now_ms) {
  if (now_ms >= kMinTimeMs && now_ms < kMaxTimeMs) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the clock reads ", FormatTimestamp(now_ms),
      ", outside the times a store supports (", FormatTimestamp(kMinTimeMs),
      " to ", FormatTimestamp(kMaxTimeMs),
      "): set the system clock right"));
}

int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             t.time_since_epoch())
      .count();
}

TimePoint FromUnixMillis(int64_t ms) {
  // A record may name a time beyond what a time_point holds: saturate.
  constexpr int64_t kLimit =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          TimePoint::duration::max())
          .count();
  if (ms >= kLimit) return TimePoint::max();
  if (ms <= -kLimit) return TimePoint::min();
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::milliseconds(ms)));
}

void AppendTimestamp(std::string* out, int64_t unix_ms) {
  out->append(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                               absl::FromUnixMillis(unix_ms),
                               absl::UTCTimeZone()));
}

std::string FormatTimestamp(int64_t unix_ms) {
  std::string out;
  AppendTimestamp(&out, unix_ms);
  return out;
}

absl::StatusOr<int64_t> ParseTimestamp(std::string_view text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, AV(text), &t, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad RFC 3339 time \"", AV(text), "\": ", error));
  }
  return absl::ToUnixMillis(t);
}

}  // namespace dotlog
