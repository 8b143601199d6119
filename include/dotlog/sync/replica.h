// The local side of replication between machines: which committed changes
// of a store go to the stream, and how entries from other machines are
// applied to it. Knows nothing of Redis (see sync/redis_client.h and
// sync/sync_round.h), so every rule here is testable without a server.
#ifndef DOTLOG_SYNC_REPLICA_H_
#define DOTLOG_SYNC_REPLICA_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/store.h"
#include "dotlog/sync/hybrid_clock.h"
#include "dotlog/sync/stream_entry.h"

namespace dotlog {

struct ReplicaOptions {
  // This machine's name in the stream. REQUIRES: non-empty.
  std::string machine = {};
  // What is shared: key prefixes ("state/wallpaper/favourite/"), or one
  // top-level field of one key's JSON object ("state/wallpaper/current#recent":
  // only that field travels; the rest of the object stays this machine's).
  // "log:PREFIX": the keys under the prefix are each machine's own (the
  // event log, whose ids every store hands out for itself): this machine's
  // key KEY travels as item "KEY@MACHINE", and another machine's is kept
  // here under that name, so equal keys of two machines never collide.
  // "count:PREFIX": the keys under the prefix are counters: this machine's
  // contribution to key KEY travels as item "KEY@MACHINE" (an integer),
  // and the local KEY holds the sum of every machine's contribution. A
  // key's value counts as its integer, and as 0 when deleted or holding
  // anything else; this machine's contribution is the key's value less the
  // other machines'.
  // Everything else never leaves the store, and remote changes to it are
  // ignored.
  std::vector<std::string> shared = {};
  // Wall-clock milliseconds for the hybrid clock; empty: the system clock.
  std::function<int64_t()> wall_ms = {};
  // False: a replica only for reading position() and unsent() (`dotlog
  // sync --status`) while another replica runs; it takes no lock, and
  // PrepareOutgoing, MarkSent and Apply fail with FailedPrecondition.
  bool replicate = true;
};

// An entry read from the stream: its id ("MS-N") and fields.
struct RawStreamEntry {
  std::string id = {};
  StreamFields fields = {};
};

// What one Apply did.
struct ApplyReport {
  size_t entries = 0;   // entries read (including skipped ones)
  size_t applied = 0;   // changes written to the store
  size_t outvoted = 0;  // changes older than the store's version of the item
  // One line per entry that was malformed or from a newer version, naming
  // its id and why; such entries are skipped, never applied.
  std::vector<std::string> problems = {};
};

// Where a catch-up from the snapshot leaves a replica: the stream's last
// entry and the number of entries ever added to the stream up to it
// (XINFO STREAM's last-generated-id and entries-added), read before the
// snapshot was.
struct SnapshotEnd {
  std::string stream_id = "0-0";
  uint64_t entries_read = 0;
};

// Where the replica stands, as kept in the store.
struct ReplicaPosition {
  std::string stream_id = "0-0";  // the last stream entry applied or skipped
  uint64_t entries_read = 0;      // stream entries read (applied or skipped)
  // machine -> the last sequence number applied from it
  std::map<std::string, uint64_t> peers = {};
  Hlc hlc = 0;                            // the clock's last timestamp
};

// Bookkeeping lives in the store under "sync/" (never shared):
//   sync/position    ReplicaPosition, written in the SAME batch as the
//                    changes of every Apply, so a restart resumes after the
//                    last applied entry: nothing is applied twice or missed.
//   sync/outbox      the local changes published up to (a change-feed
//                    position) and the entries not yet confirmed in the
//                    stream, written before they are sent, so a restart
//                    resends exactly those entries, with the same clock.
//   sync/meta/ITEM   the version of each shared item the store holds:
//                    clock, machine, deleted, value hash. A delete keeps its
//                    meta as a tombstone, so an older change arriving late
//                    loses to it.
//   sync/count/KEY   a counter's contributions: this machine's as last
//                    published, and each other machine's as last applied
//                    (written by Apply with the position and the addition
//                    to KEY). This machine's contribution now is KEY less
//                    the others'.
//
// Conflict rule: a change is applied only if its (clock, machine) wins over
// the item's meta by WinsOver; so every machine ends with the value of the
// latest write by hybrid clock, machine name breaking ties, whatever order
// the entries arrive in.
//
// Not thread-safe. One replica (one `dotlog sync`) per store at a time.
inline constexpr char kSyncLockFile[] = "SYNC.lock";

class Replica {
 public:
  // `store` is not owned and must outlive the replica; `dir` is its
  // directory (the change feed reads it). The replica holds the lock
  // DIR/SYNC.lock while it lives. InvalidArgument for an empty machine name
  // or a bad shared spec; FailedPrecondition when another replica (another
  // `dotlog sync`) holds the lock; the store's errors otherwise.
  static absl::StatusOr<std::unique_ptr<Replica>> Open(
      Store* store, std::string dir, ReplicaOptions options);
  ~Replica();

  // The entries to append to the stream, in order: the ones a previous run
  // prepared and may not have sent, else the shared part of every record
  // committed locally since the last call (one entry per record, changes
  // that later records or applied remote changes superseded left out, and
  // changes that leave an item as the store already has it published
  // skipped). New entries get their clock and are made durable in the
  // store, with the items' meta, before they are returned.
  absl::StatusOr<std::vector<StreamEntry>> PrepareOutgoing();
  // Records that every entry PrepareOutgoing returned is in the stream.
  absl::Status MarkSent();

  // Applies `entries`, read from the stream in stream order after
  // position().stream_id, in one batch with the new position. Entries of
  // this machine (but for their counters' contributions, which a store
  // that lost them takes back) and entries already applied (per-machine
  // sequence number) are skipped; malformed and newer-version ones are reported and skipped.
  // Errors: the store's (then nothing of this call is applied, except that a
  // field of a JSON object may already have been updated; applying it again
  // gives the same result).
  absl::StatusOr<ApplyReport> Apply(const std::vector<RawStreamEntry>& entries);

  // Applies `items`, the values of the snapshot (see dotlog/sync/snapshot.h)
  // read after `end` was, by the conflict rule, as Apply applies stream
  // entries: a version is written only if it wins over the store's, so a
  // delete stays a delete. Writes batches of up to `batch_items` items; the
  // last one also moves the position to `end`, so the stream is read on
  // from there. Earlier batches leave the position where it was: after a
  // crash the catch-up starts over, and the items already written are then
  // outvoted by themselves, so nothing is applied twice. Malformed items
  // are reported and skipped. `progress`, unless empty, is told the items
  // done after each batch. Errors: the store's. REQUIRES: batch_items > 0.
  absl::StatusOr<ApplyReport> ApplySnapshot(
      const std::vector<std::string>& items, const SnapshotEnd& end,
      size_t batch_items, const std::function<void(size_t)>& progress = {});

  // As last written to the store.
  const ReplicaPosition& position() const;
  // Entries prepared but not yet confirmed sent (MarkSent).
  size_t unsent() const;
  const std::string& machine() const;

 private:
  struct Impl;
  explicit Replica(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dotlog

#endif  // DOTLOG_SYNC_REPLICA_H_
