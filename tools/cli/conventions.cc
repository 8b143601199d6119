#include "cli/conventions.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "store/mutation.h"
#include "util/closest_match.h"
#include "util/strings.h"

namespace dotlog::cli {
namespace {

constexpr int64_t kMaxDurationMs = int64_t{100} * 366 * 24 * 3600 * 1000;

absl::Status BadDuration(std::string_view text, std::string_view why) {
  std::string quoted;
  AppendJsonString(&quoted, IsValidUtf8(text) ? text : "?");
  return absl::InvalidArgumentError(absl::StrCat(
      "duration ", quoted, ": ", AV(why),
      " (expected whole numbers each with a unit s, m, h or d, e.g. 90s, "
      "15m, 12h, 30d, 1h30m)"));
}

}  // namespace

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
      return kExitUsage;
    default:
      return kExitStoreError;
  }
}

absl::Status AsStoreError(const absl::Status& status) {
  const int code = ExitCodeFor(status);
  if (code == kExitOk || code == kExitStoreError ||
      absl::IsInvalidArgument(status)) {
    return status;
  }
  return absl::UnavailableError(status.message());
}

std::string ErrorLine(std::string_view program, std::string_view message) {
  std::string line = absl::StrCat(AV(program), ": ", AV(message));
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return line;
}

absl::StatusOr<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return BadDuration(text, "empty");
  if (text[0] == '-') return BadDuration(text, "negative");
  int64_t total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    int64_t n = 0;
    const size_t digits_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > kMaxDurationMs) return BadDuration(text, "too long");
      ++i;
    }
    if (i == digits_start) return BadDuration(text, "missing number");
    if (i == text.size()) return BadDuration(text, "missing unit");
    if (text[i] == '.' || text[i] == ',') {
      return BadDuration(text, "not a whole number (write 1h30m, not 1.5h)");
    }
    // The unit as typed: everything up to the next digit.
    size_t end = i;
    while (end < text.size() && (text[end] < '0' || text[end] > '9')) ++end;
    const std::string_view unit = text.substr(i, end - i);
    const int64_t unit_ms = unit == "s"   ? 1000
                            : unit == "m" ? 60 * 1000
                            : unit == "h" ? 3600 * 1000
                            : unit == "d" ? 24 * 3600 * 1000
                                          : 0;
    if (unit_ms == 0) {
      return BadDuration(text, absl::StrCat("unknown unit ", QuoteKey(unit)));
    }
    i = end;
    if (n > (kMaxDurationMs - total_ms) / unit_ms) {
      return BadDuration(text, "too long");
    }
    total_ms += n * unit_ms;
  }
  return std::chrono::milliseconds(total_ms);
}

std::string Plural(uint64_t n, std::string_view noun) {
  if (n == 1) return absl::StrCat(n, " ", AV(noun));
  const bool es = noun.ends_with('s') || noun.ends_with('x') ||
                  noun.ends_with("ch") || noun.ends_with("sh");
  return absl::StrCat(n, " ", AV(noun), es ? "es" : "s");
}

absl::StatusOr<int64_t> ParseInteger(std::string_view what,
                                     std::string_view text, int64_t min,
                                     int64_t max) {
  int64_t n = 0;
  if (!absl::SimpleAtoi(AV(text), &n) || n < min || n > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(AV(what), " ", QuoteKey(text),
                     ": expected a whole number from ", min, " to ", max));
  }
  return n;
}

std::optional<std::string> ClosestName(std::string_view word,
                                       const std::vector<std::string>& names) {
  std::optional<std::string> best;
  size_t best_distance = std::min<size_t>(3, word.size());
  for (const std::string& name : names) {
    const size_t dist = EditDistance(word, name);
    if (dist < best_distance) {
      best = name;
      best_distance = dist;
    }
  }
  return best;
}

}  // namespace dotlog::cli
