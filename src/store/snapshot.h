// The index snapshot: a cache of the index written beside the log so that a
// process can open a large store without reading every record. It is never
// the source of truth: a reader uses it only if its checksum verifies and
// the log still starts and continues exactly where the snapshot says, and
// otherwise reads the segments as if it were absent. Deleting it is always
// safe.
//
// Layout (native little-endian; README "Index snapshot"):
//   [0, 8)      magic "dotlogix"
//   [8, 120)    14 header fields, 8 bytes each (snapshot.cc: Field)
//   buckets     bucket_count x u32: entry index + 1, 0 for empty
//   entries     entry_count x IndexEntry (40 bytes)
//   key ends    entry_count x u32: where each entry's key ends in the key
//               bytes (it starts where the previous one ends)
//   keys        the key bytes
//   segments    segment_count x {number, size, XXH3-64 of those bytes}
//   [end-8,end) XXH3-64 (seed 0) of every byte before it
#ifndef DOTLOG_STORE_SNAPSHOT_H_
#define DOTLOG_STORE_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/file_system.h"
#include "store/file_names.h"
#include "store/index.h"

namespace dotlog {

// The content of one segment file a snapshot covers.
struct SegmentSum {
  uint64_t number = 0;
  uint64_t size = 0;  // bytes covered: the whole file, or up to the end
  uint64_t hash = 0;  // XXH3-64 of those bytes
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
  // The entry of `key`, or nullptr. Points into the mapped file.
  const IndexEntry* Find(std::string_view key) const;
  // Calls `fn` for every entry.
  void ForEach(const std::function<void(std::string_view key,
                                        const IndexEntry& entry)>& fn) const;
  uint64_t size() const { return entry_count_; }
  // Bytes of the mapped file.
  uint64_t file_size() const { return bytes_.size(); }
  // Sum of the entries' charged_bytes.
  uint64_t live_bytes() const { return live_bytes_; }

 private:
  Snapshot() = default;
  const IndexEntry* EntryAt(uint64_t i) const;
  std::string_view KeyAt(uint64_t i) const;
  std::unique_ptr<ReadableFile> file_;
  std::string_view bytes_;
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
