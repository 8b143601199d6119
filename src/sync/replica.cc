#include "dotlog/sync/replica.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sync/replica_impl.h"
#include "util/strings.h"

namespace dotlog {

using sync_internal::DecodeMeta;
using sync_internal::ItemMeta;

absl::StatusOr<std::optional<ItemMeta>> Replica::Impl::LoadMeta(
    const std::string& item) {
  absl::StatusOr<std::string> json = store->Get(MetaKey(item));
  if (absl::IsNotFound(json.status())) return std::nullopt;
  if (!json.ok()) return json.status();
  absl::StatusOr<ItemMeta> meta = DecodeMeta(*json);
  if (!meta.ok()) return meta.status();
  return *std::move(meta);
}

absl::StatusOr<std::unique_ptr<Replica>> Replica::Open(
    Store* store, std::string dir, ReplicaOptions options) {
  if (options.machine.empty()) {
    return absl::InvalidArgumentError("the machine name is empty");
  }
  absl::StatusOr<sync_internal::SharedItems> shared =
      sync_internal::SharedItems::Parse(options.shared, options.machine);
  if (!shared.ok()) return shared.status();

  // One replica per store: a second would hand out the same entries with
  // other clocks, and apply from a position the first has moved past.
  std::unique_ptr<FileLock> lock;
  if (options.replicate) {
    const std::string lock_path = absl::StrCat(dir, "/", kSyncLockFile);
    absl::StatusOr<std::unique_ptr<FileLock>> opened =
        DefaultFileSystem()->OpenLock(lock_path);
    if (!opened.ok()) return opened.status();
    absl::Status locked = (*opened)->Lock(std::chrono::milliseconds(0));
    if (absl::IsDeadlineExceeded(locked)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "another dotlog sync is replicating ", dir, " (it holds ",
          lock_path, ")"));
    }
    if (!locked.ok()) return locked;
    lock = *std::move(opened);
  }

  // A sync process killed while appending leaves its last record in the
  // files but unseen by readers until a writer takes the store's lock.
  // The bookkeeping read here and later (the counters' contributions most
  // of all, which are read, changed and written back) must include it, so
  // take the lock once: deleting a key that never exists writes nothing.
  if (options.replicate) {
    if (absl::Status s = store->Delete(sync_internal::kViewKey); !s.ok()) {
      return s;
    }
  }
  ReplicaPosition position;
  absl::StatusOr<std::string> json = store->Get(sync_internal::kPositionKey);
  if (json.ok()) {
    absl::StatusOr<ReplicaPosition> p = sync_internal::DecodePosition(*json);
    if (!p.ok()) return p.status();
    position = *std::move(p);
  } else if (!absl::IsNotFound(json.status())) {
    return json.status();
  }
  sync_internal::Outbox outbox;
  json = store->Get(sync_internal::kOutboxKey);
  if (json.ok()) {
    absl::StatusOr<sync_internal::Outbox> o = sync_internal::DecodeOutbox(*json);
    if (!o.ok()) return o.status();
    outbox = *std::move(o);
  } else if (!absl::IsNotFound(json.status())) {
    return json.status();
  }

  // The clock goes on from the last timestamp this store handed out or
  // saw, even if the wall clock went back meanwhile.
  HybridClock clock(std::move(options.wall_ms),
                    std::max(position.hlc, outbox.hlc));
  auto impl = std::make_unique<Impl>(store, std::move(dir),
                                     std::move(options.machine),
                                     *std::move(shared), std::move(clock));
  impl->position = std::move(position);
  impl->feed_position = outbox.feed;
  impl->lock = std::move(lock);
  impl->outbox = std::move(outbox);
  return std::unique_ptr<Replica>(new Replica(std::move(impl)));
}

Replica::Replica(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Replica::~Replica() = default;

absl::Status Replica::Impl::CheckReplicating() const {
  if (lock != nullptr) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "this replica was opened only to read its position");
}

absl::Status Replica::MarkSent() {
  if (absl::Status s = impl_->CheckReplicating(); !s.ok()) return s;
  if (impl_->outbox.entries.empty()) return absl::OkStatus();
  sync_internal::Outbox sent = impl_->outbox;
  sent.entries.clear();
  absl::Status s = impl_->store->Put(sync_internal::kOutboxKey,
                                     sync_internal::EncodeOutbox(sent));
  if (!s.ok()) return s;
  impl_->outbox = std::move(sent);
  return absl::OkStatus();
}

const ReplicaPosition& Replica::position() const { return impl_->position; }
size_t Replica::unsent() const { return impl_->outbox.entries.size(); }
const std::string& Replica::machine() const { return impl_->machine; }

}  // namespace dotlog
