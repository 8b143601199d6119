#include "store/store_impl.h"

#include "absl/strings/str_cat.h"
#include "dotlog/limits.h"
#include "format/timestamp.h"
#include "store/file_names.h"
#include "store/mutation.h"
#include "store/read_only_region.h"
#include "store/segment.h"
#include "store/store_directory.h"
#include "store/write_batch_internal.h"

namespace dotlog {

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir,
                                                   const Options& options) {
  if (options.segment_bytes < (4u << 10) || options.segment_bytes > (1u << 30)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "segment_bytes ", options.segment_bytes,
        " is outside the allowed range [4096, 1073741824]"));
  }
  if (dir.empty()) return absl::InvalidArgumentError("store directory is empty");
  FileSystem* fs = options.file_system ? options.file_system : DefaultFileSystem();
  auto exists = fs->Exists(dir);
  if (!exists.ok()) return exists.status();
  if (!*exists) {
    if (!options.create_if_missing) {
      return absl::NotFoundError(absl::StrCat("store directory ", dir, " does not exist"));
    }
    if (absl::Status s = fs->CreateDir(dir); !s.ok()) return s;
  }
  std::string foreign_owner;
  if (absl::Status s = CheckStoreDirectory(fs, dir, &foreign_owner); !s.ok()) {
    return s;
  }
  const std::string lock_path = LockFilePath(dir);
  absl::StatusOr<std::unique_ptr<FileLock>> lock =
      foreign_owner.empty()
          ? fs->OpenLock(lock_path)
          : absl::PermissionDeniedError(foreign_owner);
  if (absl::IsPermissionDenied(lock.status())) {
    // Reading needs no write permission: a store owned by another user, on
    // a read-only mount or in a backup copy still reads; writes are refused.
    auto region = MapReadOnlyRegion(fs, lock_path, SharedState::kRegionBytes);
    if (!region.ok()) return region.status();
    auto store = std::make_unique<StoreImpl>(
        dir, options, fs, nullptr, std::move(*region),
        std::string(lock.status().message()));
    if (absl::Status s = store->Load(); !s.ok()) return s;
    return store;
  }
  if (!lock.ok()) return lock.status();
  auto region = fs->MapShared(lock_path, SharedState::kRegionBytes);
  if (!region.ok()) return region.status();
  auto store = std::make_unique<StoreImpl>(dir, options, fs, std::move(*lock),
                                           std::move(*region));
  if (absl::Status s = store->Load(); !s.ok()) return s;
  return store;
}

StoreImpl::StoreImpl(std::string dir, const Options& options, FileSystem* fs,
                     std::unique_ptr<FileLock> lock,
                     std::unique_ptr<SharedRegion> region,
                     std::string read_only_because)
    : dir_(std::move(dir)),
      options_(options),
      fs_(fs),
      clock_(options.clock ? options.clock : SystemClock()),
      lock_(std::move(lock)),
      read_only_because_(std::move(read_only_because)),
      region_(std::move(region)),
      shared_(region_.get()),
      names_(fs, dir_),
      writer_(fs, dir_, options.segment_bytes, options.sync, &names_),
      view_(fs, dir_, options.on_damage, &names_) {}

StoreImpl::~StoreImpl() {
  if (!closed_.load()) Close().IgnoreError();
}

absl::Status StoreImpl::Load() {
  absl::MutexLock l(&mu_);
  // Read the counters before the files: a commit racing with the load then
  // shows up as a counter change and is read by the next call.
  const uint64_t counter = shared_.commit_counter();
  const uint64_t generation = shared_.generation();
  if (shared_.pending().segment != 0 &&
      lock_->Lock(std::chrono::milliseconds(0)).ok()) {
    // Nobody holds the write lock, so no append is in progress: the mark
    // was left by a writer that died, or before a reboot.
    shared_.set_pending({});
    lock_->Unlock();
  }
  view_.set_read_limit(DurableLimit());
  absl::Status s = view_.Load();
  view_.set_read_limit(std::nullopt);
  if (!s.ok()) return s;
  last_snapshot_ = clock_->Now();  // the snapshot interval counts from open
  seen_counter_.store(counter, std::memory_order_release);
  seen_generation_.store(generation, std::memory_order_release);
  if (auto named = fs_->Stat(LockFilePath(dir_)); named.ok()) {
    region_identity_ = *named;
  }
  region_checked_ms_.store(NowMs());
  return absl::OkStatus();
}

bool StoreImpl::LockReplaced() {
  if (region_replaced_.load(std::memory_order_acquire)) return true;
  if (!region_identity_) return false;
  const int64_t now = NowMs();
  const int64_t checked = region_checked_ms_.load();
  // A clock set back checks again.
  if (now >= checked && now - checked < kLockCheckIntervalMs) return false;
  region_checked_ms_.store(now);
  auto named = fs_->Stat(LockFilePath(dir_));
  if (named.ok() ? named->SameFile(*region_identity_)
                 : !absl::IsNotFound(named.status())) {
    return false;
  }
  region_replaced_.store(true, std::memory_order_release);
  return true;
}

int64_t StoreImpl::NowMs() const { return ToUnixMillis(clock_->Now()); }

absl::Status StoreImpl::CheckOpen() const {
  if (closed_.load(std::memory_order_acquire)) {
    return absl::FailedPreconditionError(absl::StrCat("store ", dir_, " is closed"));
  }
  return absl::OkStatus();
}

absl::Status StoreImpl::Refresh() {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  if (shared_.commit_counter() == seen_counter_.load(std::memory_order_acquire) &&
      shared_.generation() == seen_generation_.load(std::memory_order_acquire) &&
      !shared_.broken() && !LockReplaced()) {
    return absl::OkStatus();
  }
  absl::MutexLock l(&mu_);
  // With LOCK cut short, removed or replaced, the counters tell nothing:
  // read the files each time.
  return CatchUpLocked(/*force=*/shared_.broken() || region_replaced_.load());
}

std::optional<std::pair<uint64_t, uint64_t>> StoreImpl::DurableLimit() const {
  const SharedState::Pending pending = shared_.pending();
  if (pending.segment == 0) return std::nullopt;
  return std::make_pair(pending.segment, pending.offset);
}

absl::Status StoreImpl::CatchUpLocked(bool force,
                                       std::optional<uint64_t> write_lock_names) {
  constexpr int kAttempts = 5;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const uint64_t counter = shared_.commit_counter();
    const uint64_t generation = shared_.generation();
    const bool compacted = generation != seen_generation_.load();
    if (!force && !compacted && counter == seen_counter_.load()) {
      return absl::OkStatus();
    }
    // Outside the write lock an append may be in progress: a reader sees
    // only what precedes it, so never a record before it is durable. A
    // writer reads everything (a mark a dead writer left included).
    view_.set_read_limit(write_lock_names ? std::nullopt : DurableLimit());
    absl::Status s = compacted ? view_.Reload() : view_.CatchUp(write_lock_names);
    view_.set_read_limit(std::nullopt);
    if (!s.ok()) return s;
    if (shared_.generation() == generation) {
      seen_counter_.store(counter, std::memory_order_release);
      seen_generation_.store(generation, std::memory_order_release);
      return absl::OkStatus();
    }
    // A compaction published while the files were being read (and may have
    // removed some): read again from what it left.
    seen_generation_.store(generation, std::memory_order_release);
  }
  return absl::UnavailableError(absl::StrCat(
      "store ", dir_, " was compacted ", kAttempts,
      " times while being read; try again"));
}

absl::Status StoreImpl::NotFound(std::string_view key) const {
  return absl::NotFoundError(absl::StrCat("key ", QuoteKey(key), " not found"));
}

const IndexEntry* StoreImpl::FindLive(std::string_view key,
                                      int64_t now_ms) const {
  const IndexEntry* entry = view_.index().Find(key);
  return entry == nullptr || entry->expired(now_ms) ? nullptr : entry;
}

absl::StatusOr<Item> StoreImpl::LookupLocked(std::string_view key,
                                             int64_t now_ms) {
  const IndexEntry* entry = FindLive(key, now_ms);
  if (entry == nullptr) return NotFound(key);
  Item item;
  item.key = std::string(key);
  item.seq = entry->seq;
  if (entry->expires_ms != 0) item.expires_at = FromUnixMillis(entry->expires_ms);
  if (absl::Status s = view_.ReadValue(key, *entry, &item.value); !s.ok()) return s;
  return item;
}

template <typename T>
absl::StatusOr<T> StoreImpl::ReadChecked(
    absl::FunctionRef<absl::StatusOr<T>(int64_t now_ms)> read) {
  if (absl::Status s = Refresh(); !s.ok()) return s;
  for (int attempt = 0;; ++attempt) {
    {
      absl::ReaderMutexLock l(&mu_);
      absl::StatusOr<T> result = read(NowMs());
      // A lookup that met a part of the snapshot that proved wrong may
      // have answered wrongly, even NotFound: never return it.
      const bool suspect = view_.needs_full_read();
      if (attempt > 0 || (!suspect && !absl::IsDataLoss(result.status()))) {
        return result;
      }
    }
    // A segment cut short under the view, or a snapshot that proved wrong:
    // read the files as they are now (everything, in the second case).
    absl::MutexLock l(&mu_);
    if (absl::Status s = CatchUpLocked(/*force=*/true); !s.ok()) return s;
  }
}

absl::StatusOr<std::string> StoreImpl::Get(std::string_view key) {
  return ReadChecked<std::string>([&](int64_t now_ms) ABSL_SHARED_LOCKS_REQUIRED(mu_)
                                  -> absl::StatusOr<std::string> {
    const IndexEntry* entry = FindLive(key, now_ms);
    if (entry == nullptr) return NotFound(key);
    std::string value;
    if (absl::Status s = view_.ReadValue(key, *entry, &value); !s.ok()) return s;
    return value;
  });
}

absl::StatusOr<Item> StoreImpl::Lookup(std::string_view key) {
  return ReadChecked<Item>([&](int64_t now_ms) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return LookupLocked(key, now_ms);
  });
}

absl::StatusOr<bool> StoreImpl::Contains(std::string_view key) {
  return ReadChecked<bool>([&](int64_t now_ms) ABSL_SHARED_LOCKS_REQUIRED(mu_)
                           -> absl::StatusOr<bool> {
    return FindLive(key, now_ms) != nullptr;
  });
}

absl::StatusOr<std::vector<std::string>> StoreImpl::ListKeys(
    std::string_view prefix) {
  using Keys = std::vector<std::string>;
  return ReadChecked<Keys>([&](int64_t now_ms) ABSL_SHARED_LOCKS_REQUIRED(mu_)
                           -> absl::StatusOr<Keys> {
    Keys keys;
    for (const auto& [key, entry] : view_.index().Prefix(prefix, now_ms)) {
      keys.emplace_back(key);
    }
    return keys;
  });
}

absl::StatusOr<std::vector<Item>> StoreImpl::List(std::string_view prefix) {
  using Items = std::vector<Item>;
  return ReadChecked<Items>([&](int64_t now_ms) ABSL_SHARED_LOCKS_REQUIRED(mu_)
                            -> absl::StatusOr<Items> {
    Items items;
    for (const auto& [key, entry] : view_.index().Prefix(prefix, now_ms)) {
      Item item;
      item.key = key;
      item.seq = entry.seq;
      if (entry.expires_ms != 0) item.expires_at = FromUnixMillis(entry.expires_ms);
      if (absl::Status s = view_.ReadValue(item.key, entry, &item.value,
                                           LogView::ReadVia::kRead);
          !s.ok()) {
        return s;
      }
      items.push_back(std::move(item));
    }
    return items;
  });
}

absl::Status StoreImpl::ForEach(
    std::string_view prefix, absl::FunctionRef<absl::Status(const Item&)> fn) {
  if (absl::Status s = Refresh(); !s.ok()) return s;
  for (int attempt = 0;; ++attempt) {
    {
      absl::ReaderMutexLock l(&mu_);
      bool given = false;
      absl::Status s = ForEachLocked(prefix, NowMs(), fn, &given);
      // As ReadChecked, except that items already given cannot be taken
      // back: then the damage is the answer.
      const bool suspect = view_.needs_full_read();
      if (given || attempt > 0 || (!suspect && !absl::IsDataLoss(s))) return s;
    }
    absl::MutexLock l(&mu_);
    if (absl::Status s = CatchUpLocked(/*force=*/true); !s.ok()) return s;
  }
}

absl::Status StoreImpl::ForEachLocked(
    std::string_view prefix, int64_t now_ms,
    absl::FunctionRef<absl::Status(const Item&)> fn, bool* given) {
  Item item;
  for (const auto& [key, entry] : view_.index().Prefix(prefix, now_ms)) {
    item.key = key;
    item.seq = entry.seq;
    item.expires_at = entry.expires_ms != 0
                          ? std::optional(FromUnixMillis(entry.expires_ms))
                          : std::nullopt;
    if (absl::Status s = view_.ReadValue(item.key, entry, &item.value,
                                         LogView::ReadVia::kRead);
        !s.ok()) {
      return s;
    }
    *given = true;
    if (absl::Status s = fn(item); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<Stats> StoreImpl::GetStats() {
  if (absl::Status s = Refresh(); !s.ok()) return s;
  // Exclusive: GetStats advances the expiry accounting.
  absl::MutexLock l(&mu_);
  Stats stats = view_.GetStats(NowMs());
  // Counting keys reads every entry of the snapshot: if one proved
  // damaged, count again from the log (as ReadChecked does).
  if (!view_.needs_full_read()) return stats;
  if (absl::Status s = CatchUpLocked(/*force=*/true); !s.ok()) return s;
  return view_.GetStats(NowMs());
}

std::vector<DamagedRecord> StoreImpl::Damage() {
  absl::ReaderMutexLock l(&mu_);
  return view_.damage();
}

absl::Status StoreImpl::Put(std::string_view key, std::string_view json_value,
                            const PutOptions& options) {
  auto m = MakePut(key, json_value, options, NowMs());
  if (!m.ok()) return m.status();
  std::vector<Mutation> ops;
  ops.push_back(std::move(*m));
  return Commit(std::move(ops));
}

absl::Status StoreImpl::Delete(std::string_view key) {
  auto m = MakeDelete(key);
  if (!m.ok()) return m.status();
  // Deleting an absent key writes nothing: a decision on the state, so the
  // write is not blind.
  return DecideAndCommit([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> Decision {
    std::vector<Mutation> ops;
    if (FindLive(key, NowMs()) != nullptr) ops.push_back(std::move(*m));
    return ops;
  });
}

absl::Status StoreImpl::Write(const WriteBatch& batch) {
  auto ops = MakeBatch(batch, NowMs());
  if (!ops.ok()) return ops.status();
  for (const WriteBatchInternal::Op& op : WriteBatchInternal::Ops(batch)) {
    if (op.is_add) return WriteWithAdds(batch, *std::move(ops));
  }
  return Commit(std::move(*ops));
}

absl::Status StoreImpl::Close() {
  if (closed_.exchange(true)) {
    return absl::FailedPreconditionError(absl::StrCat("store ", dir_, " is closed"));
  }
  absl::Status s;
  {
    absl::MutexLock w(&write_mu_);
    s = writer_.Close();
  }
  // A handle that wrote leaves a snapshot of what it read, so the next
  // process to open the store (a one-shot `dotlog get`, say) reads little.
  if (wrote_.load()) MaybeWriteSnapshot(SnapshotWhen::kClosing);
  return s;
}

}  // namespace dotlog
