#include "store/log_view.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "format/record.h"
#include "store/file_names.h"
#include "store/verified_read.h"

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

// Appended bytes are read through pread until this many accumulate past the
// mapped part of a segment; then the mapping is extended.
constexpr uint64_t kRemapBytes = 64 << 10;
// The read buffer is kept between catch-ups up to this size.
constexpr size_t kKeepBufferBytes = 1 << 20;
// The piece of a segment read at a time to check it against a snapshot.
constexpr uint64_t kVerifyChunkBytes = 256 << 10;
// Operations of verified batch lines kept (LogView::verified_lines_).
constexpr uint64_t kMaxVerifiedOps = 1 << 16;
}  // namespace

LogView::LogView(FileSystem* fs, std::string dir,
                 std::function<void(const DamagedRecord&)> on_damage)
    : fs_(fs), dir_(std::move(dir)), on_damage_(std::move(on_damage)) {}

Segment* LogView::newest() {
  return segments_.empty() ? nullptr : &segments_.rbegin()->second;
}

absl::Status LogView::Load() {
  // A compaction may remove segment files between the listing and their
  // opening; the next attempt then finds its result.
  constexpr int kAttempts = 5;
  absl::Status s;
  // After the snapshot proved wrong, read everything once without it.
  const bool use_snapshot =
      !distrust_snapshot_.exchange(false, std::memory_order_acq_rel);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    Reset();
    s = LoadOnce(use_snapshot);
    if (!absl::IsNotFound(s)) return s;
  }
  return s;
}

absl::Status LogView::Reload() { return Load(); }

void LogView::Reset() {
  {
    absl::MutexLock l(&verified_mu_);
    verified_lines_.clear();
    verified_ops_ = 0;
  }
  segments_.clear();
  index_.Reset(nullptr);
  loading_ = false;
  last_seq_ = 0;
  records_ = 0;
  records_since_snapshot_ = 0;
}

absl::Status LogView::LoadOnce(bool use_snapshot) {
  auto listed = ListSegmentFiles(fs_, dir_);
  if (!listed.ok()) return listed.status();
  const std::vector<uint64_t>& numbers = *listed;
  loading_ = true;
  auto from_snapshot = use_snapshot ? LoadSnapshot(numbers) : false;
  if (!from_snapshot.ok()) return from_snapshot.status();
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (segments_.contains(numbers[i])) continue;  // loaded from the snapshot
    const bool is_newest = i + 1 == numbers.size();
    absl::Status s = AddSegment(
        numbers[i], is_newest ? TailPolicy::kWithholdTail : TailPolicy::kReportAll);
    if (!s.ok()) return s;
  }
  loading_ = false;
  index_.DropTombstones();
  index_.ShrinkToFit();
  return absl::OkStatus();
}

void LogView::DropSegmentsBelow(uint64_t number) {
  segments_.erase(segments_.begin(), segments_.lower_bound(number));
  index_.Reset(nullptr);
  records_ = 0;
}

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

absl::Status LogView::WriteSnapshot(uint64_t writer_id) {
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

void LogView::ReportDamage(const Segment& seg, const DamagedLine& d) {
  // A reload after compaction reads unchanged damage again; say it once.
  if (!reported_.insert(absl::StrCat(seg.path, ":", d.offset)).second) return;
  DamagedRecord record{seg.path, d.line_number, d.offset, d.reason};
  if (on_damage_) on_damage_(record);
  damage_.push_back(std::move(record));
}

absl::StatusOr<bool> LogView::Replaced(const Segment& seg) {
  auto open = seg.file->Stat();
  if (absl::IsUnimplemented(open.status())) return false;
  if (!open.ok()) return open.status();
  auto named = fs_->Stat(seg.path);
  if (absl::IsNotFound(named.status())) return true;
  if (!named.ok()) return named.status();
  return !named->SameFile(*open) || open->size < seg.scanned_end;
}

absl::Status LogView::CatchUp() {
  Segment* seg = newest();
  if (index_.base_damaged()) distrust_snapshot_.store(true);
  if (seg == nullptr || needs_full_read()) return Load();
  // The newest segment replaced under its name (an editor's save, sed -i),
  // removed, or cut short in place: what this view read is no longer the
  // store, and appending to the old file would write into nothing. Read
  // everything again from the files as they are now.
  auto replaced = Replaced(*seg);
  if (!replaced.ok()) return replaced.status();
  if (*replaced) return Reload();
  if (absl::Status s = ScanFrom(seg, TailPolicy::kWithholdTail); !s.ok()) {
    return s;
  }
  // Newer segments exist only after a closed one (full or sealed), and are
  // found by probing consecutive numbers.
  while (seg->closed()) {
    const uint64_t next = seg->number + 1;
    auto exists = fs_->Exists(SegmentPath(dir_, next));
    if (!exists.ok()) return exists.status();
    if (!*exists) break;
    // `seg` is sealed now: whatever it withheld is damage, not a tail.
    if (absl::Status s = ScanFrom(seg, TailPolicy::kReportAll); !s.ok()) return s;
    if (absl::Status s = Remap(seg, /*sealed=*/true); !s.ok()) return s;
    if (absl::Status s = AddSegment(next, TailPolicy::kWithholdTail); !s.ok()) {
      return s;
    }
    seg = newest();
  }
  return Remap(seg, /*sealed=*/false);
}

absl::Status LogView::ApplyAppended(uint64_t number, uint64_t offset,
                                    const PaddedBuffer& bytes) {
  Segment* seg = newest();
  assert(seg != nullptr && seg->number == number);
  // Invariant: the writer caught up and cut any withheld tail before it
  // appended, so nothing lies between what was read and `offset`.
  assert(seg->scanned_end >= offset);
  if (seg->number != number || seg->scanned_end != offset) {
    return absl::OkStatus();  // already read by a catch-up
  }
  if (absl::Status s = ScanBytes(seg, offset, bytes, TailPolicy::kWithholdTail);
      !s.ok()) {
    return s;
  }
  if (seg->scanned_end != offset + bytes.view().size()) {
    return absl::InternalError(absl::StrCat(
        seg->path, ": the record just appended at offset ", offset,
        " does not decode"));
  }
  return absl::OkStatus();
}

void LogView::DropWithheldTail() {
  if (Segment* seg = newest()) seg->withheld_bytes = 0;
}

absl::Status LogView::AddSegment(uint64_t number, TailPolicy policy) {
  Segment seg;
  seg.number = number;
  seg.path = SegmentPath(dir_, number);
  auto file = fs_->OpenReadableFile(seg.path);
  if (!file.ok()) return file.status();
  seg.file = std::move(*file);
  Segment& added = segments_[number] = std::move(seg);
  if (absl::Status s = ScanFrom(&added, policy); !s.ok()) return s;
  return Remap(&added, policy == TailPolicy::kReportAll);
}

absl::Status LogView::ScanFrom(Segment* seg, TailPolicy policy) {
  auto size = seg->file->Size();
  if (!size.ok()) return size.status();
  if (*size < seg->scanned_end) {
    return absl::DataLossError(absl::StrCat(
        seg->path, ": file shrank to ", *size, " bytes but ",
        seg->scanned_end, " bytes of it were already read"));
  }
  const uint64_t start = seg->scanned_end;
  uint64_t end = *size;
  if (read_limit_ && seg->number >= read_limit_->first) {
    // An append in progress is not durable yet: read only what precedes it.
    const uint64_t limit =
        seg->number == read_limit_->first ? read_limit_->second : 0;
    end = std::max(start, std::min(end, limit));
  }
  absl::Status s;
  if (policy == TailPolicy::kReportAll) {
    // Sealed: every line is whole, so it is read a piece at a time (a base
    // segment holds the whole store).
    s = ReadInLinePieces(seg->file.get(), seg->path, start, end, &buffer_,
                         [&](uint64_t offset, const PaddedBuffer& piece) {
                           return ScanBytes(seg, offset, piece, policy);
                         });
  } else {
    // The newest segment, at most about Options::segment_bytes: its tail is
    // judged as a whole.
    s = ReadRange(seg->file.get(), seg->path, start, end - start, &buffer_);
    if (s.ok()) s = ScanBytes(seg, start, buffer_, policy);
  }
  // A whole segment read at open need not stay in memory.
  buffer_.Shrink(kKeepBufferBytes);
  return s;
}

absl::Status LogView::ScanBytes(Segment* seg, uint64_t offset,
                                const PaddedBuffer& bytes, TailPolicy policy) {
  auto end = scanner_.Scan(
      bytes, offset, seg->next_line, seg->unterminated, policy,
      [&](const ScannedLine& line) { return ApplyRecord(seg, line); },
      [&](const DamagedLine& d) { ReportDamage(*seg, d); });
  if (!end.ok()) return end.status();
  // Invariant: `bytes` starts at scanned_end, so the sum stays contiguous.
  assert(offset == seg->scanned_end);
  if (seg->checksum_valid) {
    seg->checksum.Update(bytes.view().substr(0, end->offset - offset));
  }
  seg->scanned_end = end->offset;
  seg->next_line = end->next_line;
  seg->withheld_bytes = end->withheld_bytes;
  seg->unterminated = end->unterminated;
  return absl::OkStatus();
}

absl::Status LogView::ApplyRecord(Segment* seg, const ScannedLine& line) {
  const DecodedLine& d = *line.decoded;
  if (d.is_seal) {
    seg->sealed = true;
    return absl::OkStatus();
  }
  if (d.is_header) {
    if (d.format_version > kFormatVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          seg->path, ": written in format version ", d.format_version,
          ", newer than this dotlog reads (", kFormatVersion, ")"));
    }
    if (line.line_number == 1 && d.segment == seg->number) {
      seg->max_bytes = d.max_bytes;
      if (d.base) {
        DropSegmentsBelow(seg->number);
        last_seq_ = std::max(last_seq_, d.last_seq);
      }
    }
    return absl::OkStatus();
  }
  ++records_;
  records_since_snapshot_ += d.ops.size();
  last_seq_ = std::max(last_seq_, d.seq);
  const uint32_t record_bytes = static_cast<uint32_t>(line.bytes.size() + 1);
  const uint32_t share = record_bytes / static_cast<uint32_t>(d.ops.size());
  for (const DecodedOp& op : d.ops) {
    IndexEntry e;
    e.seq = d.seq;
    e.expires_ms = op.expires_ms;
    e.segment = static_cast<uint32_t>(seg->number);
    e.value_offset = line.offset + op.value_offset;
    e.value_size = op.is_delete ? IndexEntry::kTombstone : op.value_size;
    e.charged_bytes = share;
    index_.Apply(op.key, e, loading_);
  }
  return absl::OkStatus();
}

absl::Status LogView::Remap(Segment* seg, bool sealed) {
  if (seg->scanned_end == seg->mapped.size()) return absl::OkStatus();
  if (!sealed && seg->scanned_end - seg->mapped.size() < kRemapBytes &&
      !seg->mapped.empty()) {
    return absl::OkStatus();
  }
  auto view = seg->file->Map(seg->scanned_end);
  if (!view.ok()) return view.status();
  seg->mapped = *view;
  return absl::OkStatus();
}

absl::Status LogView::ReadValue(std::string_view key, const IndexEntry& entry,
                                std::string* out, ReadVia via) const {
  auto it = segments_.find(entry.segment);
  if (it == segments_.end()) {
    return absl::InternalError(
        absl::StrCat("index points into unknown segment ", entry.segment));
  }
  const Segment& seg = it->second;
  if (seg.verify_reads) {
    absl::Status s = ReadVerified(seg, key, entry, out, via);
    if (absl::IsDataLoss(s)) distrust_snapshot_.store(true, std::memory_order_release);
    return s;
  }
  const uint64_t end = entry.value_offset + entry.value_size;
  if (via == ReadVia::kMapping && end <= seg.mapped.size()) {
    // Through the file: another program may have cut it short under the
    // mapping, which must be an error here, not a signal.
    out->resize(entry.value_size);
    return seg.file->CopyMapped(entry.value_offset, entry.value_size,
                                out->data());
  }
  out->resize(entry.value_size);
  auto got = seg.file->ReadAt(entry.value_offset, out->data(), out->size());
  if (!got.ok()) return got.status();
  if (*got != entry.value_size) {
    return absl::DataLossError(absl::StrCat(
        seg.path, ": value at offset ", entry.value_offset, " is cut short"));
  }
  return absl::OkStatus();
}

absl::Status LogView::ReadVerified(const Segment& seg, std::string_view key,
                                   const IndexEntry& entry, std::string* out,
                                   ReadVia via) const {
  const uint64_t mapped = via == ReadVia::kMapping ? seg.mapped.size() : 0;
  {
    absl::MutexLock l(&verified_mu_);
    auto it = verified_lines_.upper_bound({seg.number, entry.value_offset});
    if (it != verified_lines_.end() && it->first.first == seg.number &&
        it->second->begin <= entry.value_offset) {
      return CopyMatchingValue(*it->second, seg.file.get(), seg.path, mapped,
                               key, entry, out);
    }
  }
  auto line = ReadVerifiedLine(seg.file.get(), seg.path, seg.scanned_end,
                               mapped, entry);
  if (!line.ok()) return line.status();
  absl::Status s = CopyMatchingValue(*line, seg.file.get(), seg.path, mapped,
                                     key, entry, out);
  if (s.ok() && line->ops.size() > 1) {
    // Only batches: a line of one operation costs no more to read again.
    line->bytes.clear();
    line->bytes.shrink_to_fit();
    absl::MutexLock l(&verified_mu_);
    if (verified_ops_ + line->ops.size() > kMaxVerifiedOps) {
      verified_lines_.clear();
      verified_ops_ = 0;
    }
    verified_ops_ += line->ops.size();
    verified_lines_[{seg.number, line->end}] =
        std::make_shared<const VerifiedLine>(std::move(*line));
  }
  return s;
}

uint64_t LogView::total_bytes() const {
  uint64_t total = 0;
  for (const auto& [number, seg] : segments_) total += seg.scanned_end + seg.withheld_bytes;
  return total;
}

uint64_t LogView::LiveBytes(int64_t now_ms) {
  const uint64_t live = index_.live_bytes();
  return live - std::min(live, index_.ExpiredBytes(now_ms));
}

Stats LogView::GetStats(int64_t now_ms) {
  Stats stats;
  stats.live_keys = index_.CountLive(now_ms);
  stats.records = records_;
  stats.segments = segments_.size();
  stats.total_bytes = total_bytes();
  if (!segments_.empty()) {
    stats.torn_tail_bytes = segments_.rbegin()->second.withheld_bytes;
  }
  stats.live_bytes = LiveBytes(now_ms);
  stats.dead_bytes = stats.total_bytes - std::min(stats.total_bytes, stats.live_bytes);
  stats.damaged_records = damage_.size();
  stats.last_seq = last_seq_;
  stats.snapshot_keys = index_.base_size();
  stats.index_bytes = index_.memory_bytes();
  return stats;
}

}  // namespace dotlog
