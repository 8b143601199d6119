// One round of replication between a local store's replica and the Redis
// Stream: what `dotlog sync` repeats.
#ifndef DOTLOG_SYNC_SYNC_ROUND_H_
#define DOTLOG_SYNC_SYNC_ROUND_H_

#include <cstddef>
#include <cstdint>
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
  size_t read_count = 256;             // entries per read and per batch
};

struct SyncRoundReport {
  size_t sent = 0;      // entries appended to the stream
  size_t entries = 0;   // entries read
  size_t applied = 0;   // changes applied to the store
  size_t outvoted = 0;  // changes older than the store's version
  std::vector<std::string> problems;  // as ApplyReport::problems
};

// Sends the replica's outgoing entries (PrepareOutgoing, Append, MarkSent)
// until none are left, then applies every entry after the replica's position until the end of
// the stream. Errors: the client's and the store's; FailedPrecondition
// when the stream no longer holds entries this machine
// has not read (trimmed past its position: a snapshot is needed) or when
// the stream ends before this machine's position (the server lost its
// data). Nothing applied is lost on an error: the next round goes on from
// the position stored with the last applied batch.
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
};

// Reads the status of `replica` against the stream (reads the entries after
// its position: up to the stream's length). Errors: the client's.
absl::StatusOr<SyncStatus> ReadSyncStatus(const Replica& replica,
                                          RedisClient& client,
                                          const std::string& stream);

}  // namespace dotlog

#endif  // DOTLOG_SYNC_SYNC_ROUND_H_
