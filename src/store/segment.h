// Segment files: this process's reading state of each (their names are in
// store/file_names.h).
#ifndef DOTLOG_STORE_SEGMENT_H_
#define DOTLOG_STORE_SEGMENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/file_system.h"
#include "format/line_decoder.h"
#include "format/record.h"
#include "store/file_names.h"

namespace dotlog {

// One segment file as this process has read it so far.
// A writer starts segment N+1 only after N is full (max_bytes) or sealed.
struct Segment {
  uint64_t number = 0;
  std::string path;
  std::unique_ptr<ReadableFile> file;
  // The open file's identity (an open file's never changes), once a
  // catch-up has read it; nullopt until then.
  std::optional<FileInfo> identity;
  // NameCheck::Current() when `path` was last found to name `file`; 0
  // until then.
  uint64_t name_checked = 0;
  uint64_t max_bytes = 0;       // from the header; 0 until one is read
  bool sealed = false;          // ends in a seal line
  uint64_t scanned_end = 0;     // bytes consumed: intact or reported
  uint64_t next_line = 1;       // number of the line at scanned_end
  uint64_t withheld_bytes = 0;  // possibly torn tail after scanned_end
  bool unterminated = false;    // the last line read lacks its '\n'
  std::string_view mapped;      // zero-copy view of the file's start
  RunningChecksum checksum;     // of the bytes before scanned_end ...
  // ... unless the segment was recognised by its identity from an index
  // snapshot: then its bytes were not read, and `checksum` is unused while
  // `known_hash` holds the snapshot's XXH3-64 of the first `known_size`.
  bool checksum_valid = true;
  uint64_t known_size = 0;
  uint64_t known_hash = 0;
  // Its records were not checked when the view was loaded (recognised by
  // identity): each one is checked when a value is read from it.
  bool verify_reads = false;

  // True once no record can follow: the next segment may exist.
  bool closed() const {
    return sealed || max_bytes == 0 || scanned_end >= max_bytes;
  }
};

// True if `file` (at `path`) begins with the header line of a base segment,
// one written by compaction, which replaces every segment numbered below it.
absl::StatusOr<bool> IsBaseSegment(ReadableFile* file, const std::string& path);

// The numbers of the segment files in `dir` that make up the log, ascending:
// those from the newest base segment on. Lower ones are leftovers of a
// compaction interrupted between its commit and its cleanup, which every
// reader ignores, as the store does; `replaced`, if not null, receives them.
// `misnamed`, if not null, receives the names ListSegmentFiles reports.
absl::StatusOr<std::vector<uint64_t>> ListLogSegments(
    FileSystem* fs, const std::string& dir,
    std::vector<uint64_t>* replaced = nullptr,
    std::vector<std::string>* misnamed = nullptr);

// Reads `size` bytes at `offset` of `file` into `out`. DataLoss if the file
// is shorter than that.
absl::Status ReadRange(ReadableFile* file, const std::string& path,
                       uint64_t offset, uint64_t size, PaddedBuffer* out);

// Bytes ReadInLinePieces reads at a time, unless a line is longer.
inline constexpr uint64_t kLinePieceBytes = 256 << 10;

// Reads [begin, end) of `file` in consecutive pieces, each about
// kLinePieceBytes long and ending just after a '\n' (the last one at
// `end`), so that no line is split between pieces; a line longer than that
// makes its piece as long as the line. Calls `scan` with each piece (held in
// `buffer`) and the file offset of its first byte, and stops at the first
// non-OK status it returns. Memory stays at one piece however long the file.
absl::Status ReadInLinePieces(
    ReadableFile* file, const std::string& path, uint64_t begin, uint64_t end,
    PaddedBuffer* buffer,
    absl::FunctionRef<absl::Status(uint64_t offset, const PaddedBuffer& piece)>
        scan);

}  // namespace dotlog

#endif  // DOTLOG_STORE_SEGMENT_H_
