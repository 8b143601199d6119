#include "format/segment_scanner.h"

#include <cstring>
#include <vector>

namespace dotlog {

absl::StatusOr<ScanEnd> SegmentScanner::Scan(
    const PaddedBuffer& data, uint64_t offset, uint64_t line_number,
    TailPolicy policy,
    absl::FunctionRef<absl::Status(const ScannedLine&)> on_record,
    absl::FunctionRef<void(const DamagedLine&)> on_damage) {
  const std::string_view bytes = data.view();
  size_t pos = 0;
  // Damaged lines are reported only once an intact line after them proves
  // they are not a torn tail (see TailPolicy::kWithholdTail).
  std::vector<DamagedLine> pending;
  size_t pending_pos = 0;
  uint64_t pending_line = 0;
  while (pos < bytes.size()) {
    const void* nl = std::memchr(bytes.data() + pos, '\n', bytes.size() - pos);
    if (nl == nullptr) break;  // unterminated remainder
    const size_t end = static_cast<const char*>(nl) - bytes.data();
    const std::string_view line = bytes.substr(pos, end - pos);
    absl::Status s = decoder_.Decode(line, data.readable() - pos, &decoded_);
    if (s.ok()) {
      for (const DamagedLine& d : pending) on_damage(d);
      pending.clear();
      ScannedLine scanned{offset + pos, line_number, line, &decoded_};
      if (absl::Status r = on_record(scanned); !r.ok()) return r;
    } else {
      if (pending.empty()) pending_pos = pos, pending_line = line_number;
      pending.push_back(
          DamagedLine{offset + pos, line_number, std::string(s.message())});
    }
    pos = end + 1;
    ++line_number;
  }
  if (policy == TailPolicy::kWithholdTail) {
    if (!pending.empty()) {
      return ScanEnd{offset + pending_pos, pending_line,
                     bytes.size() - pending_pos};
    }
    return ScanEnd{offset + pos, line_number, bytes.size() - pos};
  }
  for (const DamagedLine& d : pending) on_damage(d);
  if (pos < bytes.size()) {
    // A sealed segment's last line lost its newline; its checksum decides.
    const std::string_view line = bytes.substr(pos);
    if (decoder_.Decode(line, data.readable() - pos, &decoded_).ok()) {
      ScannedLine scanned{offset + pos, line_number, line, &decoded_};
      if (absl::Status r = on_record(scanned); !r.ok()) return r;
    } else {
      on_damage(DamagedLine{offset + pos, line_number,
                            "unterminated last line (file cut short)"});
    }
    ++line_number;
  }
  return ScanEnd{offset + bytes.size(), line_number, 0};
}

}  // namespace dotlog
