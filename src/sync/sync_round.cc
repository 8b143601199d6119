#include "dotlog/sync/sync_round.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dotlog/sync/snapshot.h"

namespace dotlog {
namespace {

// Whether the stream still holds every entry after the `read` entries
// this machine has read (false: trimmed past them): entries are numbered
// from 1 in the order added, and trimming only removes the oldest ones.
// FailedPrecondition when the stream added fewer entries than were read.
absl::StatusOr<bool> StreamCovers(const StreamInfo& info, uint64_t read,
                                  const std::string& stream) {
  if (info.entries_added < read) {
    return absl::FailedPreconditionError(absl::StrCat(
        "stream ", stream, " holds ", info.entries_added,
        " entries in all, fewer than the ", read, " this machine read: the "
        "server lost its data or the stream was replaced"));
  }
  return info.entries_added - info.length <= read;
}

// Catches `replica` up from the snapshot: the stream's last id first, then
// every item. Each item was folded into the snapshot together with its
// entry, so items read after the id include every entry up to it (and
// maybe later ones, which the conflict rule makes harmless to apply
// early).
absl::Status CatchUpFromSnapshot(Replica& replica, RedisClient& client,
                                 const SyncRoundOptions& options,
                                 SyncRoundReport* report) {
  absl::StatusOr<StreamInfo> info = client.Info(options.stream);
  if (!info.ok()) return info.status();
  std::vector<std::string> items;
  absl::Status s = client.ScanHash(
      SnapshotKey(options.stream), [&](std::string, std::string value) {
        items.push_back(std::move(value));
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  absl::StatusOr<ApplyReport> applied = replica.ApplySnapshot(
      items, {.stream_id = info->last_id, .entries_read = info->entries_added},
      std::max<size_t>(1, options.read_count), options.snapshot_progress);
  if (!applied.ok()) return applied.status();
  report->from_snapshot = true;
  report->snapshot_items = items.size();
  report->applied += applied->applied;
  report->outvoted += applied->outvoted;
  for (std::string& p : applied->problems) {
    report->problems.push_back(std::move(p));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SyncRoundReport> RunSyncRound(Replica& replica,
                                             RedisClient& client,
                                             const SyncRoundOptions& options) {
  SyncRoundReport report;
  // Entries a killed run left unsent come first; then the new ones.
  for (;;) {
    absl::StatusOr<std::vector<StreamEntry>> outgoing =
        replica.PrepareOutgoing();
    if (!outgoing.ok()) return outgoing.status();
    if (outgoing->empty()) break;
    for (const StreamEntry& entry : *outgoing) {
      absl::StatusOr<std::string> id = client.AppendWithSnapshot(
          options.stream, SnapshotKey(options.stream), EncodeEntry(entry),
          SnapshotItemsOf(entry), options.max_length);
      if (!id.ok()) return id.status();
    }
    if (absl::Status s = replica.MarkSent(); !s.ok()) return s;
    report.sent += outgoing->size();
  }

  for (;;) {
    absl::StatusOr<std::vector<RawStreamEntry>> entries = client.ReadAfter(
        options.stream, replica.position().stream_id, options.read_count);
    if (!entries.ok()) return entries.status();
    // Checked after the read: trimming only goes forward, so if the stream
    // still covers the position now, the read began right after it.
    absl::StatusOr<StreamInfo> info = client.Info(options.stream);
    if (!info.ok()) return info.status();
    absl::StatusOr<bool> covered = StreamCovers(
        *info, replica.position().entries_read, options.stream);
    if (!covered.ok()) return covered.status();
    if (!*covered) {
      // Trimmed past this machine's position: what was read may not follow
      // it. Catch up from the snapshot, then read on from there.
      absl::Status s = CatchUpFromSnapshot(replica, client, options, &report);
      if (!s.ok()) return s;
      continue;
    }
    if (entries->empty()) break;
    absl::StatusOr<ApplyReport> applied = replica.Apply(*entries);
    if (!applied.ok()) return applied.status();
    report.entries += applied->entries;
    report.applied += applied->applied;
    report.outvoted += applied->outvoted;
    for (std::string& p : applied->problems) {
      report.problems.push_back(std::move(p));
    }
    if (entries->size() < options.read_count) break;
  }
  return report;
}

absl::StatusOr<SyncStatus> ReadSyncStatus(const Replica& replica,
                                          RedisClient& client,
                                          const std::string& stream) {
  SyncStatus status;
  status.machine = replica.machine();
  status.position = replica.position().stream_id;
  status.unsent = replica.unsent();
  for (const auto& [machine, seq] : replica.position().peers) {
    status.peers[machine].applied_seq = seq;
  }
  absl::StatusOr<StreamInfo> info = client.Info(stream);
  if (!info.ok()) return info.status();
  status.last_id = info->last_id;
  status.length = info->length;
  absl::StatusOr<bool> covered = StreamCovers(
      *info, replica.position().entries_read, stream);
  status.needs_snapshot = covered.ok() && !*covered;
  absl::StatusOr<uint64_t> snapshot = client.HashLength(SnapshotKey(stream));
  if (!snapshot.ok()) return snapshot.status();
  status.snapshot_items = *snapshot;
  std::string after = status.needs_snapshot ? "0-0" : status.position;
  for (;;) {
    absl::StatusOr<std::vector<RawStreamEntry>> entries =
        client.ReadAfter(stream, after, 1024);
    if (!entries.ok()) return entries.status();
    if (entries->empty()) break;
    for (const RawStreamEntry& raw : *entries) {
      ++status.behind;
      absl::StatusOr<StreamEntry> entry = DecodeEntry(raw.fields);
      if (!entry.ok() || entry->machine == status.machine) continue;
      SyncStatus::Peer& peer = status.peers[entry->machine];
      if (entry->seq > peer.applied_seq) ++peer.pending;
    }
    after = entries->back().id;
  }
  return status;
}

}  // namespace dotlog
