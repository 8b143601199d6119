// LogView's index snapshots: loading the part of the log a snapshot covers,
// recognising its segments, and writing one.
#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "store/file_names.h"
#include "store/log_view.h"

namespace dotlog {
namespace {

// True if `file` is the very file `sum` describes, exactly as long and not
// changed since: same device, inode, size, modification and change time,
// both strictly older than `written_ns`, when the snapshot was written (by
// the file system's clock). A file whose times are not older could have
// changed again within the same clock tick without its times showing it
// (git's "racily clean" entries): it is not recognised, but read.
bool Unchanged(const SegmentSum& sum, ReadableFile* file, int64_t written_ns) {
  if (sum.inode == 0 || sum.mtime_ns >= written_ns || sum.ctime_ns >= written_ns) {
    return false;
  }
  auto now = file->Stat();
  return now.ok() && now->device == sum.device && now->inode == sum.inode &&
         now->size == sum.size && now->mtime_ns == sum.mtime_ns &&
         now->ctime_ns == sum.ctime_ns;
}

// The piece of a segment read at a time to check it against a snapshot.
constexpr uint64_t kVerifyChunkBytes = 256 << 10;

}  // namespace

absl::StatusOr<bool> LogView::LoadSnapshot(const std::vector<uint64_t>& numbers) {
  if (numbers.empty()) return false;
  auto snap = Snapshot::Open(fs_, SnapshotPath(dir_));
  // Absent, damaged or stale: it is only a cache; read the segments instead.
  if (!snap.ok()) return false;
  std::vector<Segment> verified;
  auto matches = SnapshotMatches(**snap, numbers, &verified);
  if (!matches.ok()) return matches.status();
  if (!*matches) return false;
  const SnapshotPosition& pos = (*snap)->position();
  index_.Reset(*snap);
  last_seq_ = pos.last_seq;
  records_ = pos.records;
  // Their records are known: the segments are mapped, not read.
  for (Segment& seg : verified) {
    Segment& added = segments_[seg.number] = std::move(seg);
    if (absl::Status s = Remap(&added, /*sealed=*/true); !s.ok()) return s;
  }
  Segment& seg = segments_[pos.segment];
  seg.next_line = pos.next_line;
  seg.max_bytes = pos.max_bytes;
  seg.sealed = pos.sealed != 0;
  const bool is_newest = pos.segment == numbers.back();
  if (absl::Status s = ScanFrom(&seg, is_newest ? TailPolicy::kWithholdTail
                                                : TailPolicy::kReportAll);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Remap(&seg, !is_newest); !s.ok()) return s;
  return true;
}

absl::StatusOr<bool> LogView::SnapshotMatches(const Snapshot& snap,
                                              const std::vector<uint64_t>& numbers,
                                              std::vector<Segment>* verified) {
  const SnapshotPosition& pos = snap.position();
  // The same segments, from the first one on: no compaction since ...
  const auto covered = std::upper_bound(numbers.begin(), numbers.end(), pos.segment);
  if (pos.segments.empty() ||
      pos.segments.size() != static_cast<size_t>(covered - numbers.begin())) {
    return false;
  }
  for (size_t i = 0; i < pos.segments.size(); ++i) {
    if (pos.segments[i].number != numbers[i]) return false;
  }
  if (pos.segments.back().number != pos.segment ||
      pos.segments.back().size != pos.offset) {
    return false;
  }
  // ... and their bytes unchanged: not cut short by a power loss, edited or
  // damaged since. A segment recognised by identity is taken as it is, its
  // records checked as they are read; any other is read once and its
  // checksum compared, which costs far less than decoding it.
  for (const SegmentSum& sum : pos.segments) {
    Segment seg;
    seg.number = sum.number;
    seg.path = SegmentPath(dir_, sum.number);
    auto file = fs_->OpenReadableFile(seg.path);
    if (!file.ok()) return file.status();
    seg.file = std::move(*file);
    if (Unchanged(sum, seg.file.get(), snap.written_ns())) {
      seg.checksum_valid = false;
      seg.known_size = sum.size;
      seg.known_hash = sum.hash;
      seg.verify_reads = true;
      seg.scanned_end = sum.size;
      verified->push_back(std::move(seg));
      continue;
    }
    auto size = seg.file->Size();
    if (!size.ok()) return size.status();
    const bool sealed = sum.number != pos.segment;
    if (*size < sum.size || (sealed && *size != sum.size)) return false;
    // Read in pieces through one buffer: copying pages the cache holds
    // costs less than mapping each of them.
    for (uint64_t at = 0; at < sum.size; at += kVerifyChunkBytes) {
      const uint64_t n = std::min<uint64_t>(kVerifyChunkBytes, sum.size - at);
      absl::Status s = ReadRange(seg.file.get(), seg.path, at, n, &buffer_);
      if (absl::IsDataLoss(s)) return false;  // cut short since the check
      if (!s.ok()) return s;
      seg.checksum.Update(buffer_.view());
    }
    if (seg.checksum.Digest() != sum.hash) return false;
    seg.scanned_end = sum.size;
    verified->push_back(std::move(seg));
  }
  return true;
}

absl::Status LogView::WriteSnapshot(uint64_t writer_id, bool wait_for_file_clock) {
  if (!damage_.empty() || segments_.empty() || needs_full_read()) {
    return absl::OkStatus();
  }
  const Segment& last = segments_.rbegin()->second;
  SnapshotPosition pos;
  pos.segment = last.number;
  pos.offset = last.scanned_end;
  pos.next_line = last.next_line;
  pos.max_bytes = last.max_bytes;
  pos.sealed = last.sealed ? 1 : 0;
  pos.last_seq = last_seq_;
  pos.records = records_;
  for (auto& [number, seg] : segments_) {
    auto sum = Summarise(&seg);
    if (!sum.ok()) return sum.status();
    pos.segments.push_back(*sum);
  }
  if (wait_for_file_clock) {
    // A segment whose times are not older than the snapshot file's is not
    // recognised by identity (Unchanged, above).
    int64_t newest_ns = 0;
    for (const SegmentSum& sum : pos.segments) {
      newest_ns = std::max({newest_ns, sum.mtime_ns, sum.ctime_ns});
    }
    if (newest_ns != 0) fs_->WaitPastFileTime(newest_ns, kMostFileClockWait);
  }
  if (absl::Status s = dotlog::WriteSnapshot(fs_, dir_, pos, index_, writer_id);
      !s.ok()) {
    return s;
  }
  // Reading every entry may have found the base damaged: then the file just
  // written copied it, and must go.
  if (index_.base_damaged()) {
    return fs_->Remove(absl::StrCat(dir_, "/", kSnapshotFileName));
  }
  records_since_snapshot_ = 0;
  return absl::OkStatus();
}

absl::StatusOr<SegmentSum> LogView::Summarise(Segment* seg) {
  SegmentSum sum{seg->number, seg->scanned_end, 0};
  if (seg->checksum_valid) {
    sum.hash = seg->checksum.Digest();
  } else if (seg->known_size == seg->scanned_end) {
    sum.hash = seg->known_hash;
  } else {
    // Recognised by identity, and grown since: sum it now, once.
    RunningChecksum checksum;
    for (uint64_t at = 0; at < seg->scanned_end; at += kVerifyChunkBytes) {
      const uint64_t n = std::min<uint64_t>(kVerifyChunkBytes, seg->scanned_end - at);
      if (absl::Status s = ReadRange(seg->file.get(), seg->path, at, n, &buffer_); !s.ok()) {
        return s;
      }
      checksum.Update(buffer_.view());
    }
    seg->known_size = seg->scanned_end;
    seg->known_hash = sum.hash = checksum.Digest();
  }
  // Its identity only if the file holds exactly what was read: nothing
  // appended since, no torn tail withheld.
  auto info = seg->file->Stat();
  if (info.ok() && info->size == seg->scanned_end) {
    sum.device = info->device;
    sum.inode = info->inode;
    sum.mtime_ns = info->mtime_ns;
    sum.ctime_ns = info->ctime_ns;
  }
  return sum;
}

}  // namespace dotlog
