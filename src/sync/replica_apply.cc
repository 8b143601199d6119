// Replica::Apply: other machines' stream entries into the local store.
#include <vector>

#include "absl/strings/str_cat.h"
#include "dotlog/sync/replica.h"
#include "sync/replica_impl.h"

namespace dotlog {

absl::StatusOr<ApplyReport> Replica::Apply(
    const std::vector<RawStreamEntry>& entries) {
  Impl& r = *impl_;
  if (absl::Status s = r.CheckReplicating(); !s.ok()) return s;
  ApplyReport report;
  if (entries.empty()) return report;
  ReplicaPosition next = r.position;
  Impl::Applier applier(r);

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
    const std::string where = absl::StrCat("stream entry ", raw.id);
    if (entry->machine == r.machine) {
      // This machine's own entries are not applied, except its counters'
      // contributions: a store that lost them (a machine set up again
      // under its old name) takes them back, and one that has them finds
      // them outvoted by their own version.
      for (const SharedChange& change : entry->changes) {
        if (!r.shared.IsCounterItem(change.item)) continue;
        absl::Status s =
            applier.Add(where, entry->hlc, entry->machine, change, &report);
        if (!s.ok()) return s;
      }
      continue;
    }
    auto peer = next.peers.find(entry->machine);
    // A resent entry (its machine crashed before it knew the stream had
    // it): already applied.
    if (peer != next.peers.end() && entry->seq <= peer->second) continue;
    next.peers[entry->machine] = entry->seq;

    for (const SharedChange& change : entry->changes) {
      absl::Status s =
          applier.Add(where, entry->hlc, entry->machine, change, &report);
      if (!s.ok()) return s;
    }
  }
  next.hlc = r.clock.last();
  if (absl::Status s = applier.Commit(next, &report); !s.ok()) return s;
  return report;
}

}  // namespace dotlog
