// One round of replication between a local store's replica and the Redis
// Stream: what `dotlog sync` repeats.
#ifndef DOTLOG_SYNC_SYNC_ROUND_H_
#define DOTLOG_SYNC_SYNC_ROUND_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/sync/redis_client.h"
#include "dotlog/sync/replica.h"

namespace dotlog {

struct SyncRoundOptions {
  std::string stream = "dotlog:sync";  // the stream's key
  uint64_t max_length = 100000;        // XADD MAXLEN ~; 0: no cap
  size_t read_count = 256;  // entries (snapshot items) per read and batch
  // Unless empty, told the snapshot items done after each batch of a
  // catch-up from the snapshot.
  std::function<void(size_t)> snapshot_progress = {};
};

struct SyncRoundReport {
  size_t sent = 0;      // entries appended to the stream
  size_t entries = 0;   // entries read
  size_t applied = 0;   // changes applied to the store
  size_t outvoted = 0;  // changes older than the store's version
  std::vector<std::string> problems;  // as ApplyReport::problems
  // The stream had been trimmed past this machine's position: it caught
  // up from the snapshot, which held `snapshot_items` items.
  bool from_snapshot = false;
  size_t snapshot_items = 0;
};

// Sends the replica's outgoing entries (PrepareOutgoing, then
// AppendWithSnapshot into the stream and its snapshot SnapshotKey(stream),
// then MarkSent) until none are left, then applies every entry after the
// replica's position until the end of the stream. When the stream was
// trimmed past that position, it first catches up from the snapshot:
// reads the stream's last id, then every snapshot item, applies them
// (Replica::ApplySnapshot) and goes on from that id. Errors: the client's
// and the store's; FailedPrecondition when the stream holds fewer entries
// than this machine has read (the server lost its data or the stream was
// replaced). Nothing applied is lost on an error: the next round goes on
// from the position stored with the last applied batch.
absl::StatusOr<SyncRoundReport> RunSyncRound(Replica& replica,
                                             RedisClient& client,
                                             const SyncRoundOptions& options);

// How far a machine is behind the stream.
struct SyncStatus {
  std::string machine;
  std::string position;   // the last stream entry this machine applied
  std::string last_id;    // the stream's newest entry
  uint64_t length = 0;    // entries the stream holds
  size_t behind = 0;      // entries after `position`
  size_t unsent = 0;      // local entries prepared but not confirmed sent
  struct Peer {
    uint64_t applied_seq = 0;  // the machine's last record applied here
    size_t pending = 0;        // its entries in the stream not yet applied
  };
  std::map<std::string, Peer> peers;  // every other machine seen
  // The stream was trimmed past `position`: the next round catches up from
  // the snapshot (`behind` then counts the entries the stream still holds).
  bool needs_snapshot = false;
  uint64_t snapshot_items = 0;  // items the snapshot holds
};

// Reads the status of `replica` against the stream (reads the entries after
// its position: up to the stream's length). Errors: the client's.
absl::StatusOr<SyncStatus> ReadSyncStatus(const Replica& replica,
                                          RedisClient& client,
                                          const std::string& stream);

}  // namespace dotlog

#endif  // DOTLOG_SYNC_SYNC_ROUND_H_
