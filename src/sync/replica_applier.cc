// Replica::Impl::Applier: remote versions into the local store by the
// conflict rule.
#include <utility>

#include "absl/strings/str_cat.h"
#include "dotlog/limits.h"
#include "sync/replica_impl.h"
#include "util/strings.h"

namespace dotlog {

using sync_internal::ItemMeta;

absl::Status Replica::Impl::Applier::Add(std::string_view where, Hlc hlc,
                                         const std::string& machine,
                                         const SharedChange& change,
                                         ApplyReport* report) {
  std::optional<sync_internal::KeyOfItem> found = r_.shared.Find(change.item);
  if (!found.has_value()) return absl::OkStatus();
  const std::string& key = found->key;
  const std::string& field = found->field;
  if (key.size() > kMaxKeyBytes || change.value.size() > kMaxValueBytes) {
    report->problems.push_back(absl::StrCat(
        AV(where), ": item ", change.item,
        " skipped: key or value over the store's limits"));
    return absl::OkStatus();
  }
  std::optional<ItemMeta> meta;
  if (auto it = overlay_.find(change.item); it != overlay_.end()) {
    meta = it->second;
  } else {
    absl::StatusOr<std::optional<ItemMeta>> loaded = r_.LoadMeta(change.item);
    if (!loaded.ok()) return loaded.status();
    meta = *std::move(loaded);
  }
  if (meta.has_value() &&
      !WinsOver(hlc, machine, meta->hlc, meta->machine)) {
    ++report->outvoted;
    return absl::OkStatus();
  }
  ItemMeta won{.hlc = hlc,
               .machine = machine,
               .deleted = change.deleted,
               .hash = change.deleted ? ""
                                      : sync_internal::ValueHash(change.value)};
  batch_.Put(MetaKey(change.item), sync_internal::EncodeMeta(won));
  overlay_[change.item] = std::move(won);
  ++report->applied;
  if (!found->machine.empty()) return AddCounter(key, found->machine, change);
  if (!field.empty()) {
    field_updates_[change.item] = {
        key, field,
        change.deleted ? std::nullopt
                       : std::optional<std::string>(change.value)};
  } else if (change.deleted) {
    batch_.Delete(key);
  } else {
    PutOptions options;
    if (change.expires_ms.has_value()) {
      options.expires_at = std::chrono::system_clock::time_point(
          std::chrono::milliseconds(*change.expires_ms));
    }
    batch_.Put(key, change.value, options);
  }
  return absl::OkStatus();
}

absl::Status Replica::Impl::Applier::AddCounter(const std::string& key,
                                                const std::string& machine,
                                                const SharedChange& change) {
  absl::StatusOr<sync_internal::CounterState*> state = counters_.Get(key);
  if (!state.ok()) return state.status();
  const int64_t contribution = sync_internal::CountOf(
      change.deleted ? std::nullopt : std::optional<std::string>(change.value));
  // This machine's own contribution comes back (a catch-up from the
  // snapshot into a store that lost it): it replaces the one kept here.
  int64_t& kept =
      machine == r_.machine ? (*state)->own : (*state)->peers[machine];
  int64_t& add = counter_adds_[key];
  add = sync_internal::WrappingAdd(
      add, sync_internal::WrappingSub(contribution, kept));
  kept = contribution;
  return absl::OkStatus();
}

absl::Status Replica::Impl::Applier::Commit(const ReplicaPosition& position,
                                            ApplyReport* report) {
  // A field is set with an atomic update of its key, so that a local write
  // of the key's other fields landing meanwhile is never lost. It comes
  // before the batch: after a crash between the two, the version is
  // applied again, which sets the field to the same value.
  for (const auto& entry : field_updates_) {
    const std::string& item = entry.first;
    const auto& update = entry.second;
    absl::StatusOr<std::optional<std::string>> updated = r_.store->Update(
        update.key,
        [&](const std::optional<std::string>& current)
            -> absl::StatusOr<std::optional<std::string>> {
          absl::StatusOr<std::string> merged = sync_internal::WithField(
              current, update.key, update.field, update.value);
          if (!merged.ok()) return merged.status();
          return std::optional<std::string>(*std::move(merged));
        });
    if (absl::IsInvalidArgument(updated.status())) {
      // The local key holds no JSON object: report, never wedge the stream.
      report->problems.push_back(absl::StrCat(
          "item ", item, " skipped: ", updated.status().message()));
    } else if (!updated.ok()) {
      return updated.status();
    }
  }
  for (const auto& [key, add] : counter_adds_) {
    if (add != 0) batch_.Add(key, add);
  }
  counters_.PutAll(&batch_);
  // The changes, their metas, the counters' contributions and the new
  // position in one record: a restart resumes after the last version
  // applied, never applying one twice.
  batch_.Put(sync_internal::kPositionKey,
             sync_internal::EncodePosition(position));
  absl::Status s = r_.store->Write(batch_);
  batch_.Clear();
  overlay_.clear();
  field_updates_.clear();
  counters_.Clear();
  counter_adds_.clear();
  if (!s.ok()) return s;
  r_.position = position;
  return absl::OkStatus();
}

}  // namespace dotlog
