#include "format/timestamp.h"

#include <chrono>
#include <optional>

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
  // Formatting a time costs more than the rest of encoding a record, and
  // the records a thread writes in one second share all but the
  // milliseconds: each thread keeps the last second it formatted.
  struct Second {
    int64_t unix_s = 0;
    std::string text;  // "YYYY-MM-DDThh:mm:ss", or empty
  };
  thread_local Second last;
  const int64_t unix_s = unix_ms / 1000 - (unix_ms % 1000 < 0 ? 1 : 0);
  const int64_t ms = unix_ms - unix_s * 1000;  // 0 to 999
  if (last.text.empty() || last.unix_s != unix_s) {
    last.unix_s = unix_s;
    last.text = absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(unix_s),
                                 absl::UTCTimeZone());
  }
  out->append(last.text);
  const char fraction[] = {'.', static_cast<char>('0' + ms / 100),
                           static_cast<char>('0' + ms / 10 % 10),
                           static_cast<char>('0' + ms % 10), 'Z'};
  out->append(fraction, sizeof(fraction));
}

std::string FormatTimestamp(int64_t unix_ms) {
  std::string out;
  AppendTimestamp(&out, unix_ms);
  return out;
}

namespace {

// The value of the `n` decimal digits at `text[at]`, or -1 if one is not a
// digit.
int Digits(std::string_view text, size_t at, size_t n) {
  int value = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// The form AppendTimestamp writes, "YYYY-MM-DDTHH:MM:SS.mmmZ", read
// directly: absl::ParseTime's general parser costs microseconds per call,
// and a cache check reads three timestamps. nullopt for any other text
// (another offset, another fraction, a leap second, a bad date), which
// the general parser then decides.
std::optional<int64_t> ParseOwnForm(std::string_view text) {
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' ||
      text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != '.' || text[23] != 'Z') {
    return std::nullopt;
  }
  const int year = Digits(text, 0, 4), month = Digits(text, 5, 2),
            day = Digits(text, 8, 2), hour = Digits(text, 11, 2),
            minute = Digits(text, 14, 2), second = Digits(text, 17, 2),
            millis = Digits(text, 20, 3);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{
      std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  const int64_t days =
      std::chrono::sys_days(date).time_since_epoch().count();
  return ((days * 24 + hour) * 60 + minute) * 60000 + second * 1000 + millis;
}

}  // namespace

absl::StatusOr<int64_t> ParseTimestamp(std::string_view text) {
  if (std::optional<int64_t> ms = ParseOwnForm(text)) return *ms;
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, AV(text), &t, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad RFC 3339 time \"", AV(text), "\": ", error));
  }
  return absl::ToUnixMillis(t);
}

}  // namespace dotlog
