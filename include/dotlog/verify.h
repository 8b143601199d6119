// Checking a store's files: every record's checksum and the segments'
// structure, without opening the store.
#ifndef DOTLOG_VERIFY_H_
#define DOTLOG_VERIFY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/file_system.h"

namespace dotlog {

// One finding, located in a segment file.
struct VerifyProblem {
  std::string file;     // path of the segment file
  uint64_t line = 0;    // 1-based line number; 0 when about the whole file
  uint64_t offset = 0;  // byte offset of the line's first byte
  std::string reason;   // e.g. "checksum mismatch (stored ..., computed ...)"
};

// What VerifyStore found.
struct VerifyReport {
  uint64_t segments = 0;  // segment files checked
  uint64_t records = 0;   // intact records (headers not counted)
  // Damage: damaged lines, a missing or wrong header, sequence numbers that
  // do not increase, an empty sealed segment.
  std::vector<VerifyProblem> errors;
  // Not damage: a torn tail in the newest segment (a crash leftover or an
  // append in progress, which the next writer cuts off), segments that a
  // compaction's base segment replaced but that are not removed yet.
  std::vector<VerifyProblem> warnings;

  bool clean() const { return errors.empty(); }
};

// Reads every segment of the store in directory `dir` and checks that
// every line is an intact record (checksum and syntax), that each segment
// starts with a header whose "segment" number matches its file name and
// whose format version this dotlog reads, that no other header follows,
// that nothing follows a seal line (which closes a segment before it is
// full), and that sequence numbers increase within each segment (a
// compacted base segment may repeat one: it splits batches into one record
// per key).
// Files other than segments are ignored. The store may be in use meanwhile.
// `fs` is not owned; nullptr means DefaultFileSystem(). Errors (as a
// status, not in the report): NotFound if `dir` is missing, and the file
// system's errors.
absl::StatusOr<VerifyReport> VerifyStore(const std::string& dir,
                                         FileSystem* fs = nullptr);

// "FILE:LINE: reason" (or "FILE: reason" when line is 0), one line.
std::string FormatProblem(const VerifyProblem& problem);

}  // namespace dotlog

#endif  // DOTLOG_VERIFY_H_
