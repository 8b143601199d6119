// A damaged record that a reader skipped.
#ifndef DOTLOG_DAMAGE_H_
#define DOTLOG_DAMAGE_H_

#include <cstdint>
#include <string>

namespace dotlog {

// One line of a segment file that could not be trusted and was skipped. The
// reader resynchronises at the next newline, so every other line still loads.
struct DamagedRecord {
  std::string file;    // path of the segment file
  uint64_t line = 0;   // 1-based line number within the file
  uint64_t offset = 0; // byte offset of the line's first byte
  std::string reason;  // why the line was rejected, e.g. "checksum mismatch"
};

}  // namespace dotlog

#endif  // DOTLOG_DAMAGE_H_
