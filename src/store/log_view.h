// This process's view of the log: the segments read so far and the index
// built from them. Loading, catching up with other processes, and reading
// values all happen here; writing happens in the store.
#ifndef DOTLOG_STORE_LOG_VIEW_H_
#define DOTLOG_STORE_LOG_VIEW_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "dotlog/damage.h"
#include "dotlog/file_system.h"
#include "dotlog/stats.h"
#include "format/record.h"
#include "format/segment_scanner.h"
#include "store/index.h"
#include "store/name_check.h"
#include "store/segment.h"
#include "store/snapshot.h"
#include "store/verified_read.h"

namespace dotlog {

// Not thread-safe: the store serialises every call except ReadValue, which
// may run concurrently with other ReadValue calls.
class LogView {
 public:
  // `names`, if not null, lets Replaced skip looking up a segment's name
  // while no name in `dir` has changed; it must outlive the view.
  LogView(FileSystem* fs, std::string dir,
          std::function<void(const DamagedRecord&)> on_damage,
          NameCheck* names = nullptr);

  // Reads every segment in the directory from its start. FailedPrecondition
  // if a segment was written by a newer format version. If a compaction
  // removes files while they are being listed and opened, starts over.
  absl::Status Load();

  // Forgets everything read and loads again, for after a compaction.
  // Damage already reported is not reported again.
  absl::Status Reload();

  // Reads what was appended since the last call: the newest segment's new
  // lines and any segments created after it. Reloads instead if the newest
  // segment was replaced, removed or cut short since it was read. `names`:
  // NameCheck::Current() as the caller read it under the store's lock, if
  // it did (then it is not read again).
  absl::Status CatchUp(std::optional<uint64_t> names = std::nullopt);

  // True if `seg`'s name no longer names the file this view read (replaced
  // or removed), or that file is shorter than what was read of it. Records
  // the open file's identity in `seg`, and its size in `*size` when known.
  // `names` as for CatchUp.
  absl::StatusOr<bool> Replaced(Segment* seg, std::optional<uint64_t>* size,
                                std::optional<uint64_t> names = std::nullopt);

  // Applies the lines in `bytes`, which this process appended at `offset`
  // of segment `number`, unless CatchUp has already read them.
  absl::Status ApplyAppended(uint64_t number, uint64_t offset,
                             std::string_view bytes);

  // A record this process encoded and appended: where its line lies in the
  // file, and where in `value_offsets` (of ApplyEncoded) the offsets of its
  // values in the line begin, one per op, as EncodeRecord gave them.
  struct AppendedRecord {
    uint64_t seq = 0;
    uint64_t line_offset = 0;
    uint64_t line_bytes = 0;  // '\n' included
    const std::vector<Mutation>* ops = nullptr;
    size_t first_value = 0;
  };
  // As ApplyAppended, for `bytes` that hold `records` and nothing else, as
  // EncodeRecord wrote them: indexes them from what the encoder knew,
  // without decoding the lines again.
  absl::Status ApplyEncoded(uint64_t number, uint64_t offset,
                            std::string_view bytes,
                            const std::vector<AppendedRecord>& records,
                            const std::vector<uint32_t>& value_offsets);

  // Until the next call, Load, Reload and CatchUp read nothing of segment
  // `segment` from `offset` on, nor of any later segment: an append in
  // progress there is not durable yet. nullopt: read everything.
  void set_read_limit(std::optional<std::pair<uint64_t, uint64_t>> limit) {
    read_limit_ = limit;
  }

  // Forgets the newest segment's withheld tail once the writer has cut it.
  void DropWithheldTail();

  // Operations (a batch counts each of its own) read since the view was
  // loaded from, or last wrote, a snapshot.
  uint64_t records_since_snapshot() const { return records_since_snapshot_; }
  // Writes an index snapshot of the view as it stands. Does nothing when
  // the view has met damage (a snapshot would hide it from later opens).
  // With `wait_for_file_clock`, first waits (a clock tick, at most
  // kMostFileClockWait) until the file system's clock has passed every
  // segment's times, so that the next open can recognise segments just
  // written instead of reading them (README "Index snapshot").
  absl::Status WriteSnapshot(uint64_t writer_id, bool wait_for_file_clock);
  static constexpr std::chrono::milliseconds kMostFileClockWait{20};

  // Copies the value of `key` that `entry` points to into `out`. From a
  // segment recognised by identity (Segment::verify_reads) the record is
  // checked first (verified_read.h); if it fails, DataLoss, and
  // needs_full_read() turns true.
  // `via` kMapping copies out of the segment's mapping where it covers the
  // value (no system call); kRead reads the file, for scans of many values,
  // whose mapped pages would otherwise all count as this process's memory.
  enum class ReadVia { kMapping, kRead };
  absl::Status ReadValue(std::string_view key, const IndexEntry& entry,
                         std::string* out, ReadVia via = ReadVia::kMapping) const;

  // True if something loaded from the index snapshot proved wrong (a record
  // that does not match it, a damaged block of it): answers may be wrong
  // until the next CatchUp, which then reads every segment from its start
  // without the snapshot, reporting any damage as a first open would.
  bool needs_full_read() const {
    return distrust_snapshot_.load(std::memory_order_acquire) || index_.base_damaged();
  }

  // The newest segment, or nullptr when the store has none.
  Segment* newest();
  // Every segment read, by number.
  const std::map<uint64_t, Segment>& segments() const { return segments_; }
  const Index& index() const { return index_; }
  uint64_t last_seq() const { return last_seq_; }
  const std::vector<DamagedRecord>& damage() const { return damage_; }
  // Counts expired keys' bytes as dead (Index::ExpiredBytes).
  Stats GetStats(int64_t now_ms);
  // Bytes of live records: of undeleted keys not expired at `now_ms`.
  uint64_t LiveBytes(int64_t now_ms);
  // Bytes in all segments read, and of them those of live records.
  uint64_t total_bytes() const;

 private:
  absl::Status LoadOnce(bool use_snapshot);
  // Loads the part of the log a valid snapshot covers from the snapshot.
  // False (and nothing changed) if there is no usable snapshot.
  absl::StatusOr<bool> LoadSnapshot(const std::vector<uint64_t>& numbers);
  // True if the log still begins and continues as `snap` says; then
  // `verified` holds each covered segment, open, read up to where the
  // snapshot ends, with the checksum of those bytes.
  absl::StatusOr<bool> SnapshotMatches(const Snapshot& snap,
                                       const std::vector<uint64_t>& numbers,
                                       std::vector<Segment>* verified);
  void Reset();
  // ReadValue from a recognised segment: the record checked first.
  absl::Status ReadVerified(const Segment& seg, std::string_view key,
                            const IndexEntry& entry, std::string* out,
                            ReadVia via) const;
  // What a snapshot records of `seg`: its checksum and, if the file holds
  // exactly what was read of it, its identity.
  absl::StatusOr<SegmentSum> Summarise(Segment* seg);
  void ReportDamage(const Segment& seg, const DamagedLine& d);
  // A base segment replaces everything numbered below it.
  void DropSegmentsBelow(uint64_t number);
  // Opens segment `number` and reads it from its start.
  absl::Status AddSegment(uint64_t number, TailPolicy policy);
  // Reads segment `seg` from its scanned end to the file's end, of `size`
  // bytes if known (read from the file if not).
  absl::Status ScanFrom(Segment* seg, TailPolicy policy,
                        std::optional<uint64_t> size = std::nullopt);
  absl::Status ScanBytes(Segment* seg, uint64_t offset,
                         const PaddedBuffer& bytes, TailPolicy policy);
  absl::Status ApplyRecord(Segment* seg, const ScannedLine& line);
  // Counts a record of `seq` with `ops` operations, whose line of
  // `line_bytes` each of them is charged a share of, which it returns.
  uint32_t CountRecord(uint64_t seq, size_t ops, uint64_t line_bytes);
  // Maps more of the segment for zero-copy reads when enough was appended.
  absl::Status Remap(Segment* seg, bool sealed);

  FileSystem* const fs_;
  const std::string dir_;
  const std::function<void(const DamagedRecord&)> on_damage_;
  NameCheck* const names_;

  std::optional<std::pair<uint64_t, uint64_t>> read_limit_;
  std::map<uint64_t, Segment> segments_;
  Index index_;
  bool loading_ = false;  // keep tombstones while records arrive unordered
  uint64_t last_seq_ = 0;
  uint64_t records_ = 0;
  uint64_t records_since_snapshot_ = 0;
  std::vector<DamagedRecord> damage_;
  mutable std::atomic<bool> distrust_snapshot_{false};
  // Batch lines of recognised segments already verified, by segment and
  // end offset, so that reading each value of a large batch does not read
  // and check the whole line again. Holds at most 5/4 as many ops as the
  // index has keys, a mark counting as one (at least kMinVerifiedOps).
  mutable absl::Mutex verified_mu_;
  mutable std::map<std::pair<uint64_t, uint64_t>, std::shared_ptr<const VerifiedLine>>
      verified_lines_ ABSL_GUARDED_BY(verified_mu_);
  mutable uint64_t verified_ops_ ABSL_GUARDED_BY(verified_mu_) = 0;
  absl::flat_hash_set<std::string> reported_;  // "path:offset" of damage_
  SegmentScanner scanner_;
  PaddedBuffer buffer_;
};

}  // namespace dotlog

#endif  // DOTLOG_STORE_LOG_VIEW_H_
