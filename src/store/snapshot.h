// The index snapshot: a cache of the index written beside the log so that a
// process can open a large store without reading every record. It is never
// the source of truth: a reader uses it only if its head verifies and the
// log still starts and continues exactly where the snapshot says, and
// otherwise reads the segments as if it were absent. Deleting it is always
// safe.
//
// Opening one reads only its head; each 4 KiB block of its body is checked
// against its checksum the first time a lookup touches it. A block that
// fails marks the snapshot damaged(): lookups then find nothing in it, and
// the caller must read the log instead.
//
// Layout (native little-endian; README "Index snapshot"):
//   head:
//   [0, 8)      magic "dotlogix"
//   [8, 128)    15 header fields, 8 bytes each (snapshot.cc: Field)
//   segments    segment_count x SegmentSum (56 bytes)
//   block sums  one u64 per 4 KiB block of the body: XXH3-64 of the block
//   u64         XXH3-64 (seed 0) of every byte of the head before it
//   body:
//   buckets     bucket_count x u32: entry index + 1, 0 for empty
//   entries     entry_count x IndexEntry (40 bytes)
//   key ends    entry_count x u32: where each entry's key ends in the key
//               bytes (it starts where the previous one ends)
//   keys        the key bytes
#ifndef DOTLOG_STORE_SNAPSHOT_H_
#define DOTLOG_STORE_SNAPSHOT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/file_system.h"
#include "store/file_names.h"
#include "store/index.h"

namespace dotlog {

// One segment file a snapshot covers: its content and its identity.
struct SegmentSum {
  uint64_t number = 0;
  uint64_t size = 0;  // bytes covered: the whole file, or up to the end
  uint64_t hash = 0;  // XXH3-64 of those bytes
  // The file as stat saw it when the snapshot was written, if it was then
  // exactly `size` long; all zero if unknown. A reader that finds the same
  // file unchanged by these need not read its bytes (log_view.cc).
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
};

// Where in the log a snapshot stops, and the log it was taken of.
struct SnapshotPosition {
  uint64_t segment = 0;    // the snapshot covers the log up to ...
  uint64_t offset = 0;     // ... this offset of this segment
  uint64_t next_line = 0;  // number of the line starting at `offset`
  uint64_t max_bytes = 0;  // that segment's header max_bytes
  uint64_t sealed = 0;     // 1 if that segment ends in a seal line
  uint64_t last_seq = 0;
  uint64_t records = 0;    // records in the covered part of the log
  // Every segment covered, ascending; the last is `segment`, `offset` long.
  std::vector<SegmentSum> segments;
};

class Snapshot {
 public:
  // Reads and verifies the snapshot at `path`. NotFound if there is none;
  // DataLoss if it is damaged or from another layout.
  static absl::StatusOr<std::shared_ptr<const Snapshot>> Open(FileSystem* fs,
                                                              const std::string& path);

  const SnapshotPosition& position() const { return position_; }
  // When the snapshot file was last modified (ns since the epoch), as the
  // file system recorded it; 0 if the file system cannot tell.
  int64_t written_ns() const { return written_ns_; }
  // The entry of `key`, or nullptr. Points into the mapped file. Thread-safe.
  const IndexEntry* Find(std::string_view key) const;
  // Calls `fn` for every entry, until a damaged block is met.
  void ForEach(const std::function<void(std::string_view key,
                                        const IndexEntry& entry)>& fn) const;
  // True once a lookup met a block of the body that fails its checksum:
  // everything the snapshot answered may be wrong.
  bool damaged() const { return damaged_.load(std::memory_order_acquire); }
  uint64_t size() const { return entry_count_; }
  // Bytes of the mapped file.
  uint64_t file_size() const { return bytes_.size(); }
  // Sum of the entries' charged_bytes.
  uint64_t live_bytes() const { return live_bytes_; }

 private:
  Snapshot() = default;
  // True if the body bytes [offset, offset + size) lie in the body and every
  // block they touch verifies; otherwise marks the snapshot damaged.
  bool Check(uint64_t offset, uint64_t size) const;
  const IndexEntry* EntryAt(uint64_t i) const;
  // The key of entry `i`, or nullopt (the snapshot marked damaged).
  std::optional<std::string_view> KeyAt(uint64_t i) const;
  std::unique_ptr<ReadableFile> file_;
  std::string_view bytes_;
  std::string_view body_;
  const uint64_t* block_sums_ = nullptr;
  // Per block of the body: 0 unchecked, 1 verified, 2 damaged.
  std::unique_ptr<std::atomic<uint8_t>[]> block_state_;
  mutable std::atomic<bool> damaged_{false};
  int64_t written_ns_ = 0;
  SnapshotPosition position_;
  uint64_t entry_count_ = 0;
  uint64_t live_bytes_ = 0;
  uint64_t bucket_count_ = 0;
  const uint32_t* buckets_ = nullptr;
  const char* entries_ = nullptr;
  const uint32_t* key_ends_ = nullptr;
  std::string_view keys_;
};

// Writes a snapshot of `index` at `position` to `dir`, through a temporary
// file named after `writer_id` (unique among processes writing at once) and
// renamed into place. It is a cache, so it is not synced.
absl::Status WriteSnapshot(FileSystem* fs, const std::string& dir,
                           const SnapshotPosition& position, const Index& index,
                           uint64_t writer_id);

}  // namespace dotlog

#endif  // DOTLOG_STORE_SNAPSHOT_H_
