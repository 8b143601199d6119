// Counters describing a store's files and index.
#ifndef DOTLOG_STATS_H_
#define DOTLOG_STATS_H_

#include <cstdint>

namespace dotlog {

// A snapshot of a store's size, taken by Store::GetStats.
struct Stats {
  uint64_t live_keys = 0;        // keys visible now (unexpired, undeleted)
  uint64_t records = 0;          // intact records in all segments
  uint64_t segments = 0;         // segment files
  uint64_t total_bytes = 0;      // bytes in all segment files
  uint64_t live_bytes = 0;       // bytes of the records that hold live values
  uint64_t dead_bytes = 0;       // total_bytes - live_bytes
  uint64_t damaged_records = 0;  // damaged lines skipped since open
  uint64_t torn_tail_bytes = 0;  // crash leftover after the last record
  uint64_t last_seq = 0;         // highest sequence number seen
  // Keys the handle took from the index snapshot instead of reading their
  // records (0 when it read every segment).
  uint64_t snapshot_keys = 0;
  // Memory the handle's index takes: what it holds on the heap plus the
  // size of the index snapshot it maps (shared with other processes'
  // mappings through the page cache).
  uint64_t index_bytes = 0;
};

}  // namespace dotlog

#endif  // DOTLOG_STATS_H_
