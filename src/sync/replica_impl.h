// Replica's state, shared by its publishing and applying halves.
#ifndef DOTLOG_SYNC_REPLICA_IMPL_H_
#define DOTLOG_SYNC_REPLICA_IMPL_H_

#include <map>
#include <optional>
#include <string>

#include "dotlog/change_feed.h"
#include "dotlog/file_system.h"
#include "dotlog/sync/replica.h"
#include "sync/replica_counters.h"
#include "sync/replica_records.h"
#include "sync/shared_items.h"

namespace dotlog {

struct Replica::Impl {
  Impl(Store* s, std::string d, std::string m, sync_internal::SharedItems i,
       HybridClock c)
      : store(s),
        dir(std::move(d)),
        machine(std::move(m)),
        shared(std::move(i)),
        clock(std::move(c)),
        feed(dir) {}

  // Decides, change by change, which remote versions win over the store's
  // (WinsOver against the item's meta, or the version an earlier change of
  // the same Applier left), and writes the winners, their metas and the
  // new position as one batch. Stream entries and snapshot items both go
  // through it, so they follow one rule.
  class Applier {
   public:
    explicit Applier(Impl& r) : r_(r), counters_(r.store) {}
    // Adds the version of `change` written at (`hlc`, `machine`). `where`
    // names its origin in problems (a stream entry, the snapshot). Errors:
    // the store's.
    absl::Status Add(std::string_view where, Hlc hlc,
                     const std::string& machine, const SharedChange& change,
                     ApplyReport* report);
    // Writes what Add kept, with `position`, then starts over empty.
    // Errors: the store's (nothing of the batch is written then, except
    // fields of JSON objects, which applying again sets to the same value).
    absl::Status Commit(const ReplicaPosition& position, ApplyReport* report);

   private:
    // Adds the contribution of `machine` to counter `key` that `change`
    // carries (its integer; 0 for a delete or anything else) to the batch.
    // Errors: the store's.
    absl::Status AddCounter(const std::string& key, const std::string& machine,
                            const SharedChange& change);
    struct FieldUpdate {
      std::string key = {};
      std::string field = {};
      std::optional<std::string> value = {};  // nullopt: remove the field
    };
    Impl& r_;
    WriteBatch batch_;
    // Metas as this batch leaves them, so that two versions of one item in
    // one batch are decided as if applied one after the other.
    std::map<std::string, sync_internal::ItemMeta> overlay_;
    std::map<std::string, FieldUpdate> field_updates_;
    // Counters' contributions as this batch leaves them, and what the
    // batch adds to each counter key (WriteBatch::Add: the store adds it
    // under its write lock, so an increment another process commits
    // meanwhile is never lost).
    sync_internal::CounterStates counters_;
    std::map<std::string, int64_t> counter_adds_;
  };

  // FailedPrecondition unless the replica holds the store's sync lock.
  absl::Status CheckReplicating() const;
  // The meta of `item`, or nullopt if the store holds none.
  absl::StatusOr<std::optional<sync_internal::ItemMeta>> LoadMeta(
      const std::string& item);

  Store* const store;
  const std::string dir;
  const std::string machine;
  const sync_internal::SharedItems shared;
  HybridClock clock;
  ChangeFeed feed;
  ReplicaPosition position;
  sync_internal::Outbox outbox;
  // How far the feed has been read. Ahead of outbox.feed when the records
  // read since hold nothing to send: re-reading them after a restart finds
  // nothing to send either.
  FeedPosition feed_position;
  // Held while the replica lives: one replica per store at a time.
  std::unique_ptr<FileLock> lock;
};

inline std::string MetaKey(std::string_view item) {
  return std::string(sync_internal::kMetaPrefix) + std::string(item);
}

}  // namespace dotlog

#endif  // DOTLOG_SYNC_REPLICA_IMPL_H_
