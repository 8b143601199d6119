#include "tools_lib/cli_support.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "util/strings.h"

namespace dotlog::cli {
namespace {

constexpr int64_t kMaxDurationMs = int64_t{100} * 366 * 24 * 3600 * 1000;

absl::Status BadDuration(std::string_view text, std::string_view why) {
  std::string quoted;
  AppendJsonString(&quoted, IsValidUtf8(text) ? text : "?");
  return absl::InvalidArgumentError(absl::StrCat(
      "duration ", quoted, ": ", AV(why),
      " (expected a number and a unit s, m, h or d, e.g. 90s, 15m, 12h, 30d)"));
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
    int64_t unit_ms = 0;
    switch (text[i]) {
      case 's':
        unit_ms = 1000;
        break;
      case 'm':
        unit_ms = 60 * 1000;
        break;
      case 'h':
        unit_ms = 3600 * 1000;
        break;
      case 'd':
        unit_ms = 24 * 3600 * 1000;
        break;
      default:
        return BadDuration(text, "unknown unit");
    }
    ++i;
    if (n > (kMaxDurationMs - total_ms) / unit_ms) {
      return BadDuration(text, "too long");
    }
    total_ms += n * unit_ms;
  }
  return std::chrono::milliseconds(total_ms);
}

absl::StatusOr<std::string> DefaultStoreDir(
    const std::function<const char*(const char*)>& getenv) {
  constexpr std::string_view kSubdir = "/dotfiles/state";
  const char* data_home = getenv("XDG_DATA_HOME");
  // The XDG spec says a relative value is invalid and must be ignored.
  if (data_home != nullptr && data_home[0] == '/') {
    return absl::StrCat(data_home, AV(kSubdir));
  }
  const char* home = getenv("HOME");
  if (home != nullptr && home[0] != '\0') {
    return absl::StrCat(home, "/.local/share", AV(kSubdir));
  }
  return absl::InvalidArgumentError(
      "no store directory: give --dir or set DOTLOG_DIR, XDG_DATA_HOME or "
      "HOME");
}

}  // namespace dotlog::cli
