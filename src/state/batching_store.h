// A Store that collects writes into one batch over another store, so that
// many state-layer calls commit as one atomic write.
#ifndef DOTLOG_STATE_BATCHING_STORE_H_
#define DOTLOG_STATE_BATCHING_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dotlog/clock.h"
#include "dotlog/store.h"

namespace dotlog::state {

// Reads see `base` with the pending writes applied; writes are kept in
// memory until Commit. Expiry is not applied to pending puts. Not
// thread-safe. History, Compact and Sync go to `base`.
class BatchingStore final : public Store {
 public:
  // `base` and `clock` are not owned and must outlive this object.
  BatchingStore(Store* base, Clock* clock) : base_(base), clock_(clock) {}

  // Writes every pending change that differs from `base` (a put of the
  // value and expiry already there, or a delete of an absent key, is
  // dropped) as one atomic batch, if there is any. Returns how many
  // operations it wrote.
  absl::StatusOr<uint64_t> Commit();
  // Forgets every pending write.
  void Discard() { pending_.clear(); }

  absl::StatusOr<std::string> Get(std::string_view key) override;
  absl::StatusOr<Item> Lookup(std::string_view key) override;
  absl::StatusOr<bool> Contains(std::string_view key) override;
  absl::Status Put(std::string_view key, std::string_view json_value,
                   const PutOptions& options) override;
  absl::Status Delete(std::string_view key) override;
  absl::Status Write(const WriteBatch& batch) override;
  absl::StatusOr<std::optional<std::string>> Update(
      std::string_view key, const UpdateFn& fn,
      const PutOptions& options) override;
  absl::Status CompareAndSet(std::string_view key, uint64_t expected_seq,
                             std::string_view json_value,
                             const PutOptions& options) override;
  absl::StatusOr<int64_t> Increment(std::string_view key, int64_t by) override;
  absl::StatusOr<std::vector<std::string>> ListKeys(
      std::string_view prefix) override;
  absl::StatusOr<std::vector<Item>> List(std::string_view prefix) override;
  // The base's ForEach when no pending write falls under `prefix`.
  absl::Status ForEach(
      std::string_view prefix,
      absl::FunctionRef<absl::Status(const Item&)> fn) override;
  absl::StatusOr<std::vector<KeyVersion>> History(std::string_view key,
                                               size_t max_versions) override {
    return base_->History(key, max_versions);
  }
  using Store::Compact;
  absl::Status Compact(const ProgressFn& progress) override {
    return base_->Compact(progress);
  }
  absl::Status Sync() override { return base_->Sync(); }
  absl::StatusOr<Stats> GetStats() override { return base_->GetStats(); }
  std::vector<DamagedRecord> Damage() override { return base_->Damage(); }
  absl::Status Close() override { return absl::OkStatus(); }

 private:
  // A WriteBatch::Add of `addend` (decimal text) to `key`: a value that is
  // not an integer counts as 0. OutOfRange on overflow, nothing changed.
  absl::Status Add(std::string_view key, std::string_view addend);

  using Pending = std::map<std::string, std::optional<Item>, std::less<>>;

  Store* const base_;
  Clock* const clock_;
  Pending pending_;                        // nullopt: deleted
  uint64_t next_seq_ = uint64_t{1} << 62;  // above any real sequence number
};

}  // namespace dotlog::state

#endif  // DOTLOG_STATE_BATCHING_STORE_H_
