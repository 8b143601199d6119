// Replica::PrepareOutgoing: from the local change feed to stream entries.
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dotlog/sync/replica.h"
#include "sync/replica_counters.h"
#include "sync/replica_impl.h"

namespace dotlog {
namespace {

using sync_internal::ItemMeta;
using sync_internal::kPositionKey;
using sync_internal::SharedItems;

// The newest local change of each shared item, with its record's seq.
struct Pending {
  uint64_t seq = 0;
  SharedChange change = {};
};

// The shared change `change` makes to `item` (`field` of the key's object,
// or the whole key when empty).
SharedChange ToShared(const Change& change, const std::string& item,
                      const std::string& field) {
  SharedChange out{.item = item};
  if (change.op == Change::Op::kDelete) {
    out.deleted = true;
    return out;
  }
  if (field.empty()) {
    out.value = change.value;
    if (change.expires_at.has_value()) {
      out.expires_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           change.expires_at->time_since_epoch())
                           .count();
    }
    return out;
  }
  std::optional<std::string> value = sync_internal::FieldOf(change.value, field);
  if (!value.has_value()) {
    out.deleted = true;
  } else {
    out.value = *std::move(value);
  }
  return out;
}

// A counter whose key the feed showed changed: the key, and its value in
// the last change read (nullopt: deleted).
struct CounterChange {
  std::string key = {};
  std::optional<std::string> value = {};
};

// Folds one record's changes into `pending`. A record that carries the
// replica position is an applied batch of remote changes: its items are
// no longer local news. A change of a counter's key, local or applied,
// goes to `counters` (item -> change): its contribution is worked out
// once the feed is read.
void FoldRecord(const std::vector<Change>& record, const SharedItems& shared,
                std::map<std::string, Pending>* pending,
                std::map<std::string, CounterChange>* counters) {
  bool remote = false;
  for (const Change& change : record) remote |= change.key == kPositionKey;
  for (const Change& change : record) {
    for (const sync_internal::ItemOfKey& item : shared.ItemsOf(change.key)) {
      if (item.counter) {
        (*pending)[item.item] = {change.seq, SharedChange{.item = item.item}};
        (*counters)[item.item] = {
            change.key, change.op == Change::Op::kDelete
                            ? std::nullopt
                            : std::optional<std::string>(change.value)};
      } else if (remote) {
        pending->erase(item.item);
      } else {
        (*pending)[item.item] = {change.seq,
                                 ToShared(change, item.item, item.field)};
      }
    }
  }
}

}  // namespace

absl::StatusOr<std::vector<StreamEntry>> Replica::PrepareOutgoing() {
  Impl& r = *impl_;
  if (absl::Status s = r.CheckReplicating(); !s.ok()) return s;
  // Entries a previous run wrote down and may not have sent: send them as
  // they are, clock and all, so every machine sees the same versions.
  if (!r.outbox.entries.empty()) return r.outbox.entries;

  FeedPosition feed = r.feed_position;
  std::map<std::string, Pending> pending;
  std::map<std::string, CounterChange> counter_items;
  std::vector<Change> record;
  absl::Status s = r.feed.ReadAfter(&feed, [&](const Change& change) {
    if (!record.empty() && record.front().seq != change.seq) {
      FoldRecord(record, r.shared, &pending, &counter_items);
      record.clear();
    }
    record.push_back(change);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  FoldRecord(record, r.shared, &pending, &counter_items);
  // A counter's contribution is its value as the feed left it less the
  // other machines' contributions, not a sum of the log's changes: it
  // cannot take an applied change for a local one, whatever compaction did
  // to the records. The value is the feed's, not the store's: the feed may
  // already show a record another process has not finished committing,
  // and moves past it. Only this replica writes the contributions, and
  // every batch it wrote is in the feed, so the stored ones match.
  sync_internal::CounterStates counters(r.store);
  for (const auto& [item, change] : counter_items) {
    absl::StatusOr<int64_t> own = counters.Own(change.key, change.value);
    if (!own.ok()) return own.status();
    pending[item].change.value = absl::StrCat(*own);
  }

  // Items whose store value already is the version published (an applied
  // remote field, a value put again) need no entry.
  std::map<uint64_t, std::vector<SharedChange>> by_record;
  WriteBatch batch;
  std::map<std::string, ItemMeta> metas;
  for (auto& [item, p] : pending) {
    absl::StatusOr<std::optional<ItemMeta>> meta = r.LoadMeta(item);
    if (!meta.ok()) return meta.status();
    const std::string hash =
        p.change.deleted ? "" : sync_internal::ValueHash(p.change.value);
    if (meta->has_value() ? (*meta)->deleted == p.change.deleted &&
                                (*meta)->hash == hash
                          : p.change.deleted) {
      continue;
    }
    metas[item] = {.machine = r.machine, .deleted = p.change.deleted,
                   .hash = hash};
    if (auto counter = counter_items.find(item);
        counter != counter_items.end()) {
      absl::StatusOr<sync_internal::CounterState*> state =
          counters.Get(counter->second.key);
      if (!state.ok()) return state.status();
      (*state)->own = sync_internal::CountOf(p.change.value);
    }
    by_record[p.seq].push_back(std::move(p.change));
  }

  if (by_record.empty()) {
    r.feed_position = feed;
    return std::vector<StreamEntry>();
  }
  sync_internal::Outbox outbox{.feed = feed};
  for (auto& [seq, changes] : by_record) {
    StreamEntry entry{.machine = r.machine, .seq = seq, .hlc = r.clock.Now(),
                      .changes = std::move(changes)};
    for (const SharedChange& change : entry.changes) {
      ItemMeta& meta = metas[change.item];
      meta.hlc = entry.hlc;
      batch.Put(MetaKey(change.item), sync_internal::EncodeMeta(meta));
    }
    outbox.entries.push_back(std::move(entry));
  }
  outbox.hlc = r.clock.last();
  counters.PutAll(&batch);
  // The entries, their items' meta, the counters' contributions published
  // and the feed position in one record: after a crash either all of them are written
  // (and the outbox is sent again) or none (and the feed is read again).
  batch.Put(sync_internal::kOutboxKey, sync_internal::EncodeOutbox(outbox));
  s = r.store->Write(batch);
  if (!s.ok()) return s;
  r.outbox = std::move(outbox);
  r.feed_position = feed;
  return r.outbox.entries;
}

}  // namespace dotlog
