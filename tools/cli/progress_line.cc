#include "cli/progress_line.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "cli/io.h"
#include "util/strings.h"

namespace dotlog::cli {

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

std::string ProgressLine::Text(std::string_view label, std::string_view what,
                               uint64_t done, uint64_t total) {
  if (total == 0) {
    return absl::StrCat(AV(label), ": ", done, " ", AV(what));
  }
  return absl::StrCat(AV(label), ": ", done, "/", total, " ", AV(what));
}

ProgressFn ProgressLine::Fn() {
  if (!enabled_) return {};
  return [this](std::string_view what, uint64_t done, uint64_t total) {
    Report(what, done, total);
  };
}

void ProgressLine::Report(std::string_view what, uint64_t done,
                          uint64_t total) {
  const auto now = std::chrono::steady_clock::now();
  const bool first = !written_ || what != last_what_;
  const bool last = total != 0 && done == total;
  if (!first && !last && now - last_ < std::chrono::milliseconds(100)) {
    return;
  }
  last_ = now;
  last_what_ = std::string(what);
  std::string text = Text(label_, what, done, total);
  const size_t width = text.size();
  // Blank out what a longer earlier report left on the line.
  if (width < last_width_) text.append(last_width_ - width, ' ');
  last_width_ = width;
  WriteStderr("\r" + text);
  written_ = true;
}

void ProgressLine::Finish() {
  if (!written_) return;
  WriteStderr("\n");
  written_ = false;
  last_width_ = 0;
}

}  // namespace dotlog::cli
