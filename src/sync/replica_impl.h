// Replica's state, shared by its publishing and applying halves.
#ifndef DOTLOG_SYNC_REPLICA_IMPL_H_
#define DOTLOG_SYNC_REPLICA_IMPL_H_

#include <optional>
#include <string>

#include "dotlog/change_feed.h"
#include "dotlog/file_system.h"
#include "dotlog/sync/replica.h"
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
