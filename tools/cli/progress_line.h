// A progress line on standard error, for long backups, restores and
// imports, when standard error is a terminal.
#ifndef DOTLOG_TOOLS_CLI_PROGRESS_LINE_H_
#define DOTLOG_TOOLS_CLI_PROGRESS_LINE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "dotlog/progress.h"

namespace dotlog::cli {

// Rewrites one line of standard error ("\r<label>: 4000/10000 keys backed
// up") as the work goes on, at most ten times a second but always for the
// first and the last report of a phase, and ends it with a newline on
// Finish or destruction. Writes nothing at all when `enabled` is false.
class ProgressLine {
 public:
  // `label`: e.g. "dotlog backup".
  ProgressLine(std::string label, bool enabled)
      : label_(std::move(label)), enabled_(enabled) {}
  ~ProgressLine() { Finish(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // The function to give the library; empty when not enabled. Valid while
  // this object lives.
  ProgressFn Fn();
  // Ends the line, if one was written.
  void Finish();

  // The text of one report, without "\r": "<label>: 4000/10000 keys backed
  // up", or "<label>: 4000 rows mapped" when the total is unknown.
  static std::string Text(std::string_view label, std::string_view what,
                          uint64_t done, uint64_t total);

 private:
  void Report(std::string_view what, uint64_t done, uint64_t total);

  const std::string label_;
  const bool enabled_;
  bool written_ = false;
  std::string last_what_;
  size_t last_width_ = 0;
  std::chrono::steady_clock::time_point last_;
};

// True if standard error is a terminal.
bool StderrIsTerminal();

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_PROGRESS_LINE_H_
