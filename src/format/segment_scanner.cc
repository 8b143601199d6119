#include "format/segment_scanner.h"

#include <cstring>
#include <vector>

#include "dotlog/limits.h"
#include "format/record.h"

namespace dotlog {
namespace {

// True if `line`, a damaged complete line, was once a record some writer
// finished (a hand edit, a CRLF conversion): a crash leaves a prefix of an
// append, zeros or noise, none of which holds the checksum field.
bool WasWrittenLine(std::string_view line) {
  return line.find(kChecksumPrefix.substr(1)) != std::string_view::npos;
}

}  // namespace

absl::StatusOr<ScanEnd> SegmentScanner::Scan(
    const PaddedBuffer& data, uint64_t offset, uint64_t line_number,
    bool after_unterminated, TailPolicy policy,
    absl::FunctionRef<absl::Status(const ScannedLine&)> on_record,
    absl::FunctionRef<void(const DamagedLine&)> on_damage) {
  const std::string_view bytes = data.view();
  size_t pos = 0;
  if (after_unterminated) {
    if (bytes.empty()) return ScanEnd{offset, line_number, 0, true};
    if (bytes[0] == '\n') pos = 1;  // ends the line read before
  }
  // Damaged lines are reported only once an intact line after them proves
  // they are not a torn tail (see TailPolicy::kWithholdTail).
  std::vector<DamagedLine> pending;
  // Where the pending lines after the last one that was a finished record
  // begin (pending.size() if the last pending line was one): only those can
  // be what a crash left.
  size_t unwritten = 0;
  size_t unwritten_pos = 0;
  uint64_t unwritten_line = 0;
  while (pos < bytes.size()) {
    const void* nl = std::memchr(bytes.data() + pos, '\n', bytes.size() - pos);
    if (nl == nullptr) break;  // unterminated remainder
    const size_t end = static_cast<const char*>(nl) - bytes.data();
    const std::string_view line = bytes.substr(pos, end - pos);
    absl::Status s = decoder_.Decode(line, data.readable() - pos, &decoded_);
    if (s.ok()) {
      for (const DamagedLine& d : pending) on_damage(d);
      pending.clear();
      unwritten = 0;
      ScannedLine scanned{offset + pos, line_number, line, &decoded_};
      if (absl::Status r = on_record(scanned); !r.ok()) return r;
    } else {
      if (WasWrittenLine(line)) {
        unwritten = pending.size() + 1;
      } else if (unwritten == pending.size()) {
        unwritten_pos = pos;
        unwritten_line = line_number;
      }
      pending.push_back(
          DamagedLine{offset + pos, line_number, std::string(s.message())});
    }
    pos = end + 1;
    ++line_number;
  }
  const std::string_view rest = bytes.substr(pos);
  if (!rest.empty() &&
      decoder_.Decode(rest, data.readable() - pos, &decoded_).ok()) {
    // An intact last line that lacks only its newline is a record.
    for (const DamagedLine& d : pending) on_damage(d);
    ScannedLine scanned{offset + pos, line_number, rest, &decoded_};
    if (absl::Status r = on_record(scanned); !r.ok()) return r;
    return ScanEnd{offset + bytes.size(), line_number + 1, 0, true};
  }
  if (policy == TailPolicy::kWithholdTail && rest.size() <= kMaxRecordBytes) {
    // The unterminated rest is a torn append; the complete damaged lines
    // just before it are one too if a crash can have left them: those after
    // the last line that was ever a finished record. This depends only on
    // the lines themselves, so a reader that scans in pieces decides as one
    // that scans the whole.
    if (unwritten < pending.size() &&
        bytes.size() - unwritten_pos <= kMaxRecordBytes) {
      for (size_t i = 0; i < unwritten; ++i) on_damage(pending[i]);
      return ScanEnd{offset + unwritten_pos, unwritten_line,
                     bytes.size() - unwritten_pos, false};
    }
    for (const DamagedLine& d : pending) on_damage(d);
    return ScanEnd{offset + pos, line_number, rest.size(), false};
  }
  for (const DamagedLine& d : pending) on_damage(d);
  if (rest.empty()) return ScanEnd{offset + pos, line_number, 0, false};
  on_damage(DamagedLine{
      offset + pos, line_number,
      policy == TailPolicy::kReportAll
          ? "unterminated last line (file cut short)"
          : "unterminated last line longer than any record: not a torn "
            "append; kept"});
  return ScanEnd{offset + bytes.size(), line_number + 1, 0, true};
}

}  // namespace dotlog
