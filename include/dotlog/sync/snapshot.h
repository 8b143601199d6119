// The snapshot of the shared items kept in Redis beside the stream: for
// every item ever published, the newest version (by the conflict rule
// WinsOver), deletes included. A machine whose position was trimmed away
// from the stream catches up from it (README, "Several machines").
#ifndef DOTLOG_SYNC_SNAPSHOT_H_
#define DOTLOG_SYNC_SNAPSHOT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/sync/hybrid_clock.h"
#include "dotlog/sync/stream_entry.h"

namespace dotlog {

// One item's newest version: the change and the entry that carried it.
struct SnapshotItem {
  std::string machine = {};  // whose store committed the change
  uint64_t seq = 0;          // the record's sequence number there
  Hlc hlc = 0;               // the entry's clock
  SharedChange change = {};
  friend bool operator==(const SnapshotItem&, const SnapshotItem&) = default;
};

// The Redis hash that holds the snapshot of `stream`: "STREAM:snapshot".
// Its fields are items, its values EncodeSnapshotItem.
std::string SnapshotKey(std::string_view stream);

// {"h":"HLC","m":machine,"s":seq,"k":item,"v":value[,"x":expiry]} or
// {"h":"HLC","m":machine,"s":seq,"k":item,"d":true}. The clock is a
// decimal string, so that Redis's Lua (whose numbers are doubles) compares
// it exactly.
std::string EncodeSnapshotItem(const SnapshotItem& item);
// The item `json` describes. InvalidArgument saying what is wrong when a
// member is missing or malformed.
absl::StatusOr<SnapshotItem> DecodeSnapshotItem(std::string_view json);

// One snapshot item per change of `entry`.
std::vector<SnapshotItem> SnapshotItemsOf(const StreamEntry& entry);

}  // namespace dotlog

#endif  // DOTLOG_SYNC_SNAPSHOT_H_
