// How compaction reads its inputs: whole, in pieces, with a checksum of
// each (InputReader); how many operations each line holds (LineOps); and,
// at the second reading, the surviving records copied out of each piece
// (SurvivorCopier). The choice of survivors is in compaction.cc.
#ifndef DOTLOG_STORE_COMPACTION_READING_H_
#define DOTLOG_STORE_COMPACTION_READING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "dotlog/file_system.h"
#include "format/line_decoder.h"
#include "format/segment_scanner.h"
#include "store/compaction.h"
#include "store/segment.h"

namespace dotlog {

// Bytes of output gathered before they are appended to the base file.
inline constexpr size_t kWriteChunkBytes = kLinePieceBytes;

// Reads the inputs one piece at a time, and sums each input's bytes.
class InputReader {
 public:
  explicit InputReader(FileSystem* fs) : fs_(fs) {}

  // Reads `in` whole, handing each intact record and each damaged line to
  // the caller; returns the checksum of its bytes.
  absl::StatusOr<uint64_t> Read(
      const CompactionInput& in,
      absl::FunctionRef<absl::Status(const ScannedLine&)> on_record,
      absl::FunctionRef<void(const DamagedLine&, std::string_view line)>
          on_damage);

  // Reads `in` whole, handing each piece (which begins a line) and its
  // offset to `on_piece`; returns the checksum of its bytes, the same as
  // Read's for the same bytes.
  absl::StatusOr<uint64_t> ReadPieces(
      const CompactionInput& in,
      absl::FunctionRef<absl::Status(uint64_t offset, const PaddedBuffer&)>
          on_piece);

 private:
  FileSystem* const fs_;
  SegmentScanner scanner_;
  PaddedBuffer buffer_;
};

// How many operations each line of one input holds, by line number: none
// for a header, a seal or a damaged line. One byte a line; the rare line
// of more operations than a byte counts keeps its count aside.
class LineOps {
 public:
  void Set(uint64_t line_number, size_t ops);
  // 0 for a line never Set.
  uint64_t Get(uint64_t line_number) const;

 private:
  static constexpr uint8_t kMany = 255;
  std::vector<uint8_t> counts_;
  absl::flat_hash_map<uint64_t, uint64_t> many_;
};

// The second reading: appends the surviving records of each piece of the
// inputs to the output. It knows each line's operations from the first
// reading, so it decodes no line whose operations all survive (copied byte
// for byte) or none of whose do (passed over): only a batch some of whose
// operations survive, to write a record of those, with the batch's
// sequence number and time. The bytes must be the ones the first reading
// chose from (WriteBase compares the inputs' checksums).
class SurvivorCopier {
 public:
  // `survivors`: the surviving operations by ordinal (their position in
  // the inputs, counting every operation of every record), ascending.
  SurvivorCopier(const std::vector<uint64_t>& survivors, std::string* out)
      : survivors_(survivors), out_(out) {}

  // Copies the survivors among the lines of `piece`, which begins a line
  // of input `path` (numbered *line_number, advanced past the piece), whose
  // line operations are `line_ops`. Calls `flush` whenever the output holds
  // kWriteChunkBytes or more. Returns the number of records written;
  // Aborted if a line does not hold the operations the first reading saw.
  absl::StatusOr<uint64_t> Copy(const std::string& path,
                                const LineOps& line_ops,
                                const PaddedBuffer& piece,
                                uint64_t* line_number,
                                absl::FunctionRef<absl::Status()> flush);

 private:
  // One line holding `ops` operations; whether a record was written.
  absl::StatusOr<bool> CopyLine(const std::string& path, std::string_view line,
                                size_t readable, uint64_t ops);

  const std::vector<uint64_t>& survivors_;
  std::string* const out_;
  uint64_t ordinal_ = 0;  // of the first operation of the next line
  size_t next_ = 0;       // the first of survivors_ not yet met
  LineDecoder decoder_;
  DecodedLine decoded_;
};

}  // namespace dotlog

#endif  // DOTLOG_STORE_COMPACTION_READING_H_
