// Replica::Apply: other machines' entries into the local store.
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dotlog/limits.h"
#include "dotlog/sync/replica.h"
#include "sync/replica_impl.h"
#include "util/strings.h"

namespace dotlog {
namespace {

using sync_internal::ItemMeta;

// A field of a key's object to set (value) or remove (nullopt).
struct FieldUpdate {
  std::string key = {};
  std::string field = {};
  std::optional<std::string> value = {};
};

}  // namespace

absl::StatusOr<ApplyReport> Replica::Apply(
    const std::vector<RawStreamEntry>& entries) {
  Impl& r = *impl_;
  if (absl::Status s = r.CheckReplicating(); !s.ok()) return s;
  ApplyReport report;
  if (entries.empty()) return report;
  ReplicaPosition next = r.position;
  WriteBatch batch;
  // Metas as this batch leaves them, so that two entries of one batch for
  // one item are decided as if applied one after the other.
  std::map<std::string, ItemMeta> overlay;
  std::map<std::string, FieldUpdate> field_updates;

  for (const RawStreamEntry& raw : entries) {
    ++report.entries;
    ++next.entries_read;
    next.stream_id = raw.id;
    absl::StatusOr<StreamEntry> entry = DecodeEntry(raw.fields);
    if (!entry.ok()) {
      report.problems.push_back(absl::StrCat(
          "stream entry ", raw.id, " skipped: ", entry.status().message()));
      continue;
    }
    r.clock.Observe(entry->hlc);
    if (entry->machine == r.machine) continue;
    auto peer = next.peers.find(entry->machine);
    // A resent entry (its machine crashed before it knew the stream had
    // it): already applied.
    if (peer != next.peers.end() && entry->seq <= peer->second) continue;
    next.peers[entry->machine] = entry->seq;

    for (SharedChange& change : entry->changes) {
      std::string key, field;
      if (!r.shared.Find(change.item, &key, &field)) continue;  // not ours
      if (key.size() > kMaxKeyBytes || change.value.size() > kMaxValueBytes) {
        report.problems.push_back(absl::StrCat(
            "stream entry ", raw.id, ": item ", change.item,
            " skipped: key or value over the store's limits"));
        continue;
      }
      std::optional<ItemMeta> meta;
      if (auto it = overlay.find(change.item); it != overlay.end()) {
        meta = it->second;
      } else {
        absl::StatusOr<std::optional<ItemMeta>> loaded =
            r.LoadMeta(change.item);
        if (!loaded.ok()) return loaded.status();
        meta = *std::move(loaded);
      }
      if (meta.has_value() &&
          !WinsOver(entry->hlc, entry->machine, meta->hlc, meta->machine)) {
        ++report.outvoted;
        continue;
      }
      ItemMeta won{.hlc = entry->hlc,
                   .machine = entry->machine,
                   .deleted = change.deleted,
                   .hash = change.deleted
                               ? ""
                               : sync_internal::ValueHash(change.value)};
      batch.Put(MetaKey(change.item), sync_internal::EncodeMeta(won));
      overlay[change.item] = std::move(won);
      ++report.applied;
      if (!field.empty()) {
        field_updates[change.item] = {
            key, field,
            change.deleted ? std::nullopt
                           : std::optional<std::string>(change.value)};
      } else if (change.deleted) {
        batch.Delete(key);
      } else {
        PutOptions options;
        if (change.expires_ms.has_value()) {
          options.expires_at = std::chrono::system_clock::time_point(
              std::chrono::milliseconds(*change.expires_ms));
        }
        batch.Put(key, change.value, options);
      }
    }
  }
  next.hlc = r.clock.last();

  // A field is set with an atomic update of its key, so that a local write
  // of the key's other fields landing meanwhile is never lost. It comes
  // before the batch: after a crash between the two, the entry is applied
  // again, which sets the field to the same value.
  for (const auto& entry : field_updates) {
    const std::string& item = entry.first;
    const FieldUpdate& update = entry.second;
    absl::StatusOr<std::optional<std::string>> updated = r.store->Update(
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
      report.problems.push_back(absl::StrCat(
          "item ", item, " skipped: ", updated.status().message()));
    } else if (!updated.ok()) {
      return updated.status();
    }
  }
  // The changes, their metas and the new position in one record: a restart
  // resumes after the last entry applied, never applying one twice.
  batch.Put(sync_internal::kPositionKey, sync_internal::EncodePosition(next));
  absl::Status s = r.store->Write(batch);
  if (!s.ok()) return s;
  r.position = std::move(next);
  return report;
}

}  // namespace dotlog
