// Building a compacted base segment from sealed segments. The steps that
// publish it, and their order, are in store_compact.cc.
#ifndef DOTLOG_STORE_COMPACTION_H_
#define DOTLOG_STORE_COMPACTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/file_system.h"
#include "dotlog/options.h"
#include "dotlog/progress.h"

namespace dotlog {

// One sealed segment to compact.
struct CompactionInput {
  uint64_t number = 0;
  std::string path;
};

// What WriteBase wrote.
struct BaseSegment {
  uint64_t bytes = 0;     // the whole file: header, records, damaged lines
  uint64_t records = 0;   // records written
  uint64_t damaged = 0;   // damaged lines carried over verbatim
};

// How far the clock may run ahead of the newest record compacted and still
// be trusted to drop expired keys: one day.
inline constexpr int64_t kMaxClockLeadMs = 24 * 60 * 60 * 1000;

// Appends to `out` (without syncing it) base segment `number`, equivalent
// to `inputs` (ascending, all sealed): for every key whose newest version
// is a live, unexpired put at `now_ms`, that version and the older versions
// `history` keeps, with their original sequence numbers and timestamps, in
// the order of the inputs (the order writers appended them in).
// A record whose operations all survive is copied byte for byte; the
// surviving operations of a batch stay one record (a put or del if only one
// is left) with the batch's sequence number and time, so the base is never
// bigger than its inputs' surviving records. Damaged lines are carried over
// verbatim at the end, so they stay reported and on disk.
// When `now_ms` is more than kMaxClockLeadMs after the newest record's
// "ts", expiry and keep_for are judged at that record's time instead: a
// clock far ahead of the log drops nothing the log does not show expired.
//
// The inputs are read twice, in pieces (ReadInLinePieces): once to choose
// the surviving versions (every line decoded and its checksum verified),
// once to write them (a line decoded again only if some but not all of its
// operations survive). Memory holds the piece being read, up to about a
// piece of output not yet appended, per key only what chooses its
// versions, never a value, and one byte per line; it does not grow with
// the size of the values. Aborted if an input's bytes changed between the
// two reads. `progress` (may be empty) hears of each input read.
absl::StatusOr<BaseSegment> WriteBase(FileSystem* fs,
                                      const std::vector<CompactionInput>& inputs,
                                      uint64_t number, uint64_t max_bytes,
                                      int64_t now_ms,
                                      const std::vector<HistoryRule>& history,
                                      AppendFile* out,
                                      const ProgressFn& progress);

}  // namespace dotlog

#endif  // DOTLOG_STORE_COMPACTION_H_
