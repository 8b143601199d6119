// Replica::ApplySnapshot: catching up from the snapshot kept in Redis.
#include <algorithm>
#include <cassert>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dotlog/sync/replica.h"
#include "dotlog/sync/snapshot.h"
#include "sync/replica_impl.h"

namespace dotlog {

absl::StatusOr<ApplyReport> Replica::ApplySnapshot(
    const std::vector<std::string>& items, const SnapshotEnd& end,
    size_t batch_items, const std::function<void(size_t)>& progress) {
  assert(batch_items > 0);
  Impl& r = *impl_;
  if (absl::Status s = r.CheckReplicating(); !s.ok()) return s;
  ApplyReport report;
  Impl::Applier applier(r);
  // Until the last batch the position stays; it still goes into every
  // batch, which marks the batch as applied from elsewhere, so that it is
  // never published back.
  ReplicaPosition next = r.position;
  size_t done = 0;
  do {
    const size_t stop = std::min(items.size(), done + batch_items);
    for (; done < stop; ++done) {
      ++report.entries;
      absl::StatusOr<SnapshotItem> item = DecodeSnapshotItem(items[done]);
      if (!item.ok()) {
        report.problems.push_back(
            absl::StrCat(item.status().message(), " (skipped)"));
        continue;
      }
      r.clock.Observe(item->hlc);
      absl::Status s = applier.Add("the snapshot", item->hlc, item->machine,
                                   item->change, &report);
      if (!s.ok()) return s;
    }
    if (done == items.size()) {
      next.stream_id = end.stream_id;
      next.entries_read = end.entries_read;
    }
    next.hlc = r.clock.last();
    if (absl::Status s = applier.Commit(next, &report); !s.ok()) return s;
    if (progress) progress(done);
  } while (done < items.size());
  return report;
}

}  // namespace dotlog
