#include "dotlog/sync/sync_round.h"

#include "absl/strings/str_cat.h"

namespace dotlog {
namespace {

// OK if the stream still holds every entry after the `read` entries this
// machine has read: entries are numbered from 1 in the order added, and
// trimming only removes the oldest ones.
absl::Status CheckStreamCovers(const StreamInfo& info, uint64_t read,
                               const std::string& stream) {
  if (info.entries_added < read) {
    return absl::FailedPreconditionError(absl::StrCat(
        "stream ", stream, " holds ", info.entries_added,
        " entries in all, fewer than the ", read, " this machine read: the "
        "server lost its data or the stream was replaced"));
  }
  const uint64_t trimmed = info.entries_added - info.length;
  if (trimmed > read) {
    return absl::FailedPreconditionError(absl::StrCat(
        "stream ", stream, " was trimmed of its first ", trimmed,
        " entries, but this machine read only ", read,
        ": changes it has not applied are gone (raise "
        "redis_backend.stream_maxlen)"));
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
      absl::StatusOr<std::string> id =
          client.Append(options.stream, EncodeEntry(entry), options.max_length);
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
    absl::Status covered = CheckStreamCovers(
        *info, replica.position().entries_read, options.stream);
    if (!covered.ok()) return covered;
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
  std::string after = status.position;
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
