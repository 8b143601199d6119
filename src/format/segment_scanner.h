// Splits segment bytes into lines, decodes each, and sorts them into
// intact records, damaged lines and a possibly torn tail.
#ifndef DOTLOG_FORMAT_SEGMENT_SCANNER_H_
#define DOTLOG_FORMAT_SEGMENT_SCANNER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "format/line_decoder.h"

namespace dotlog {

// What a scan does with damage at the end of the bytes it is given.
enum class TailPolicy {
  // For a sealed segment: every damaged line is reported, including an
  // unterminated last line (the file was cut short).
  kReportAll,
  // For the newest segment: what follows the last intact line may be an
  // append in progress or what a crash left of one, a "torn tail". It is
  // withheld (neither applied nor reported, left for the next writer to cut
  // off or for a later scan to read) only if a crash can have left it: the
  // bytes after the last '\n', at most kMaxRecordBytes, and before them
  // damaged complete lines only if none of them was ever a finished record
  // (none holds the checksum field: a crash leaves a prefix of one append,
  // zeros or noise) and all of it is at most kMaxRecordBytes. Anything else
  // (a hand-edited last line, a file converted to CRLF) is damage: reported
  // and kept. An intact last line that lacks only its '\n' is a record
  // (ScanEnd::unterminated).
  kWithholdTail,
};

// An intact line handed to the caller.
struct ScannedLine {
  uint64_t offset = 0;       // file offset of the line's first byte
  uint64_t line_number = 0;  // 1-based
  std::string_view bytes;    // the line, without '\n'
  const DecodedLine* decoded = nullptr;
};

// A damaged line handed to the caller.
struct DamagedLine {
  uint64_t offset = 0;
  uint64_t line_number = 0;
  std::string reason;
};

// Where a scan stopped.
struct ScanEnd {
  uint64_t offset = 0;          // just past the last line consumed
  uint64_t next_line = 0;       // number of the first line not consumed
  uint64_t withheld_bytes = 0;  // bytes after `offset` left unread
  // The last line consumed lacks its '\n': a writer must write one before
  // appending, and a later scan must be told (`after_unterminated`).
  bool unterminated = false;
};

class SegmentScanner {
 public:
  // Scans `data`, the bytes of a file from `offset` on, whose first line is
  // number `line_number`. `after_unterminated` says that the line before
  // `offset` was consumed without its '\n' (ScanEnd::unterminated): a '\n'
  // at `offset` then ends that line. Calls `on_record` for each intact line and
  // `on_damage` for each damaged one, in file order; a non-OK status from
  // `on_record` stops the scan and is returned.
  absl::StatusOr<ScanEnd> Scan(
      const PaddedBuffer& data, uint64_t offset, uint64_t line_number,
      bool after_unterminated, TailPolicy policy,
      absl::FunctionRef<absl::Status(const ScannedLine&)> on_record,
      absl::FunctionRef<void(const DamagedLine&)> on_damage);

 private:
  LineDecoder decoder_;
  DecodedLine decoded_;
};

}  // namespace dotlog

#endif  // DOTLOG_FORMAT_SEGMENT_SCANNER_H_
