// Building a compacted base segment from sealed segments. The steps that
// publish it, and their order, are in store_compact.cc.
#ifndef DOTLOG_STORE_COMPACTION_H_
#define DOTLOG_STORE_COMPACTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/options.h"
#include "format/line_decoder.h"

namespace dotlog {

// The bytes of one sealed segment to compact.
struct SegmentBytes {
  uint64_t number = 0;
  std::string path;
  PaddedBuffer bytes;
};

// What BuildBase produced.
struct BaseSegment {
  std::string bytes;      // the whole file: header, records, damaged lines
  uint64_t records = 0;   // records written
  uint64_t damaged = 0;   // damaged lines carried over verbatim
};

// How far the clock may run ahead of the newest record compacted and still
// be trusted to drop expired keys: one day.
inline constexpr int64_t kMaxClockLeadMs = 24 * 60 * 60 * 1000;

// Returns base segment `number`, equivalent to `inputs` (ascending, all
// sealed): for every key whose newest version is a live, unexpired put at
// `now_ms`, that version and the older versions `history` keeps, in
// sequence order with their original sequence numbers and timestamps.
// A record whose operations all survive is copied byte for byte; the
// surviving operations of a batch stay one record (a put or del if only one
// is left) with the batch's sequence number and time, so the base is never
// bigger than its inputs' surviving records. Damaged lines
// are carried over verbatim at the end, so they stay reported and on disk.
// When `now_ms` is more than kMaxClockLeadMs after the newest record's
// "ts", expiry and keep_for are judged at that record's time instead: a
// clock far ahead of the log drops nothing the log does not show expired.
absl::StatusOr<BaseSegment> BuildBase(const std::vector<SegmentBytes>& inputs,
                                      uint64_t number, uint64_t max_bytes,
                                      int64_t now_ms,
                                      const std::vector<HistoryRule>& history);

}  // namespace dotlog

#endif  // DOTLOG_STORE_COMPACTION_H_
