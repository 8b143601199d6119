// Compaction of StoreImpl.
//
// Durability sequence (each step is a crash point the tests exercise):
//   1. Under the write lock: seal the newest segment by starting a new one
//      (the sealed one is synced first, the new one's header and the
//      directory entry are synced). Writers go on appending to the new one.
//   2. Without any lock: read the sealed segments, in pieces, once to
//      choose the surviving versions and again to write them, the live
//      records with their original sequence numbers, as the base segment
//      "segment-N.jsonl.compacting".
//   3. fsync it.
//   4. Under the write lock: rename it over segment N, the newest sealed
//      segment, and fsync the directory. This is the commit point: before
//      it the old files are the store, after it the base (whose header says
//      "base":true) replaces every segment numbered below it, so leftover
//      old files are ignored by every reader.
//   5. Still under the lock: bump the shared generation, so every process
//      reloads from the base and closes the old files, then remove the old
//      segments (and leftovers of earlier crashed compactions) and fsync the
//      directory. The compacting process, too, reads the base only after
//      releasing the lock.
// A crash at any point leaves the store reading exactly as before: the
// base holds the same live state as the files it replaces.
#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "format/timestamp.h"
#include "store/compaction.h"
#include "store/file_names.h"
#include "store/history_rules.h"
#include "store/segment.h"
#include "store/store_impl.h"

namespace dotlog {
namespace {

// Steps 2 and 3: writes base segment `number` of `inputs` to a new file at
// `temp` as it is built, then syncs it.
absl::Status WriteTemp(FileSystem* fs, const std::string& temp,
                       const std::vector<CompactionInput>& inputs,
                       uint64_t number, uint64_t max_bytes, int64_t now_ms,
                       const std::vector<HistoryRule>& history,
                       const ProgressFn& progress) {
  auto file = fs->CreateFile(temp);
  if (!file.ok()) return file.status();
  auto base = WriteBase(fs, inputs, number, max_bytes, now_ms,
                        history, file->get(), progress);
  if (!base.ok()) return base.status();
  if (absl::Status s = (*file)->Sync(); !s.ok()) return s;
  if (progress) progress("bytes written", base->bytes, base->bytes);
  return absl::OkStatus();
}

}  // namespace

absl::Status StoreImpl::Compact(const ProgressFn& progress) {
  return RunCompaction(/*automatic=*/false, progress);
}

absl::Status StoreImpl::RunCompaction(bool automatic,
                                      const ProgressFn& progress) {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  // One compaction at a time per store, across processes.
  auto lock = fs_->OpenLock(CompactionLockPath(dir_));
  if (!lock.ok()) return lock.status();
  if (!(*lock)->Lock(std::chrono::milliseconds(0)).ok()) {
    return absl::AbortedError(
        absl::StrCat("another process is compacting ", dir_));
  }

  // Expiry is judged by the clock: a reading outside the times the store
  // supports compacts nothing (see also WriteBase on a clock far ahead).
  const int64_t now = NowMs();
  if (absl::Status s = CheckClock(now); !s.ok()) return s;

  // Step 1.
  auto sealed = SealForCompaction();
  if (!sealed.ok()) return sealed.status();
  if (sealed->empty()) return absl::OkStatus();
  const uint64_t generation = shared_.generation();
  const uint64_t number = sealed->back();

  // The rules of Options::history and those stored in the store apply.
  std::vector<HistoryRule> history = options_.history;
  if (auto stored = Get(kHistoryRulesKey); stored.ok()) {
    auto rules = ParseHistoryRules(*stored);
    if (rules.ok()) {
      history.insert(history.end(), rules->begin(), rules->end());
    } else if (!automatic) {
      return rules.status();  // asked for: say why, and drop nothing
    } else {
      // Rules written before they were checked on write (or by hand) are
      // broken: compaction on its own goes on, but keeps every version of
      // every live key, since it cannot tell which the rules meant to drop.
      history.push_back(HistoryRule{"", std::numeric_limits<uint32_t>::max(),
                                    std::chrono::seconds(0)});
    }
  }
  std::vector<CompactionInput> inputs;
  for (uint64_t n : *sealed) inputs.push_back({n, SegmentPath(dir_, n)});

  // Steps 2 and 3: the base is written as it is built, in pieces.
  const std::string temp = CompactionTempPath(dir_, number);
  if (auto exists = fs_->Exists(temp); exists.ok() && *exists) {
    if (absl::Status s = fs_->Remove(temp); !s.ok()) return s;
  }
  absl::Status s = WriteTemp(fs_, temp, inputs, number, options_.segment_bytes,
                             now, history, progress);
  // Steps 4 and 5.
  if (s.ok()) s = PublishBase(number, temp, generation);
  if (!s.ok()) {
    // A compaction that failed before its commit point (a full disk, say)
    // must not leave its output taking space: later writes would fail for
    // want of it. Past the commit point the file is no longer there.
    absl::Status r = fs_->Remove(temp);
    if (!r.ok() && !absl::IsNotFound(r)) {
      return absl::Status(s.code(), absl::StrCat(s.message(), "; removing ",
                                                 temp, " failed too: ",
                                                 r.message()));
    }
  }
  return s;
}

absl::StatusOr<std::vector<uint64_t>> StoreImpl::SealForCompaction() {
  WriteLock lock(this);
  if (!lock.status().ok()) return lock.status();
  absl::MutexLock l(&mu_);
  auto seg = writer_.Resume(&view_);
  if (!seg.ok()) return seg.status();
  std::vector<uint64_t> sealed;
  if (*seg == nullptr) return sealed;
  auto next = writer_.RollOver(&view_, *seg, NowMs());
  if (!next.ok()) return next.status();
  for (const auto& [number, segment] : view_.segments()) {
    if (number < (*next)->number) sealed.push_back(number);
  }
  seen_counter_.store(shared_.BumpCommitCounter(), std::memory_order_release);
  return sealed;
}

absl::Status StoreImpl::PublishBase(uint64_t number, const std::string& temp,
                                    uint64_t generation) {
  {
    WriteLock lock(this);
    if (!lock.status().ok()) return lock.status();
    if (shared_.generation() != generation) {
      return absl::AbortedError(absl::StrCat(
          "store ", dir_, " was compacted by another process meanwhile"));
    }
    // Step 4: the commit point.
    const std::string path = SegmentPath(dir_, number);
    if (absl::Status s = fs_->Rename(temp, path); !s.ok()) return s;
    if (absl::Status s = fs_->SyncDir(dir_); !s.ok()) return s;
    // Step 5.
    shared_.BumpGeneration();
    auto names = fs_->ListDir(dir_);
    if (!names.ok()) return names.status();
    for (const std::string& name : *names) {
      auto parsed = ParseFileName(name);
      if (!parsed) continue;
      const bool replaced =
          parsed->kind == FileKind::kSegment && parsed->number < number;
      if (replaced || parsed->kind == FileKind::kCompactionTemp) {
        absl::Status s = fs_->Remove(FilePath(dir_, name));
        if (!s.ok() && !absl::IsNotFound(s)) return s;
      }
    }
    if (absl::Status s = fs_->SyncDir(dir_); !s.ok()) return s;
  }
  // Like every other process, this one reads the base after the lock is
  // released: writers wait only for the rename and the removals.
  {
    absl::MutexLock l(&mu_);
    if (absl::Status s = CatchUpLocked(/*force=*/true); !s.ok()) return s;
  }
  // The old snapshot no longer matches the log: write one of the base.
  MaybeWriteSnapshot(SnapshotWhen::kNow);
  return absl::OkStatus();
}

void StoreImpl::MaybeAutoCompact() {
  if (!options_.auto_compact) return;
  uint64_t total, live;
  {
    absl::MutexLock l(&mu_);
    total = view_.total_bytes();
    live = std::min(total, view_.LiveBytes(NowMs()));
  }
  const uint64_t dead = total - live;
  if (total < options_.compaction_min_bytes ||
      total < auto_compact_after_bytes_.load() ||
      static_cast<double>(dead) <=
          options_.compaction_dead_ratio * static_cast<double>(total)) {
    return;
  }
  absl::Status s = RunCompaction(/*automatic=*/true);
  if (s.ok()) {
    // History kept (by rules) can leave the store as dead as before: do
    // not rewrite it again on every write, but once it has grown by half.
    absl::MutexLock l(&mu_);
    total = view_.total_bytes();
    live = std::min(total, view_.LiveBytes(NowMs()));
    if (static_cast<double>(total - live) >
        options_.compaction_dead_ratio * static_cast<double>(total)) {
      auto_compact_after_bytes_.store(total + total / 2);
    }
  } else if (!absl::IsAborted(s)) {
    // Do not rewrite the store on every write while compaction keeps
    // failing (a full disk, say): wait until it has grown by half.
    auto_compact_after_bytes_.store(total + total / 2);
  }
}

}  // namespace dotlog
