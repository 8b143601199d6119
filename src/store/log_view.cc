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
// Appended bytes are read through pread until this many accumulate past the
// mapped part of a segment; then the mapping is extended.
constexpr uint64_t kRemapBytes = 64 << 10;
// The read buffer is kept between catch-ups up to this size.
constexpr size_t kKeepBufferBytes = kLinePieceBytes;
}  // namespace

LogView::LogView(FileSystem* fs, std::string dir,
                 std::function<void(const DamagedRecord&)> on_damage,
                 NameCheck* names)
    : fs_(fs),
      dir_(std::move(dir)),
      on_damage_(std::move(on_damage)),
      names_(names) {}

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

void LogView::ReportDamage(const Segment& seg, const DamagedLine& d) {
  // A reload after compaction reads unchanged damage again; say it once.
  if (!reported_.insert(absl::StrCat(seg.path, ":", d.offset)).second) return;
  DamagedRecord record{seg.path, d.line_number, d.offset, d.reason};
  if (on_damage_) on_damage_(record);
  damage_.push_back(std::move(record));
}

absl::StatusOr<bool> LogView::Replaced(Segment* seg,
                                       std::optional<uint64_t>* size,
                                       std::optional<uint64_t> names) {
  auto open = seg->file->Stat();
  if (absl::IsUnimplemented(open.status())) return false;
  if (!open.ok()) return open.status();
  seg->identity = *open;
  *size = open->size;
  if (open->size < seg->scanned_end) return true;
  // The name still names the open file if it did when last looked up and
  // no name in the directory has changed since.
  if (!names) names = names_ != nullptr ? names_->Current() : 0;
  if (*names != 0 && *names == seg->name_checked) return false;
  auto named = fs_->Stat(seg->path);
  if (absl::IsNotFound(named.status())) return true;
  if (!named.ok()) return named.status();
  if (!named->SameFile(*open)) return true;
  seg->name_checked = *names;
  return false;
}

absl::Status LogView::CatchUp(std::optional<uint64_t> names) {
  Segment* seg = newest();
  if (index_.base_damaged()) distrust_snapshot_.store(true);
  if (seg == nullptr || needs_full_read()) return Load();
  // The newest segment replaced under its name (an editor's save, sed -i),
  // removed, or cut short in place: what this view read is no longer the
  // store, and appending to the old file would write into nothing. Read
  // everything again from the files as they are now.
  std::optional<uint64_t> size;
  auto replaced = Replaced(seg, &size, names);
  if (!replaced.ok()) return replaced.status();
  if (*replaced) return Reload();
  if (absl::Status s = ScanFrom(seg, TailPolicy::kWithholdTail, size);
      !s.ok()) {
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
                                    std::string_view bytes) {
  Segment* seg = newest();
  assert(seg != nullptr && seg->number == number);
  // Invariant: the writer caught up and cut any withheld tail before it
  // appended, so nothing lies between what was read and `offset`.
  assert(seg->scanned_end >= offset);
  if (seg->number != number || seg->scanned_end != offset) {
    return absl::OkStatus();  // already read by a catch-up
  }
  buffer_.Assign(bytes);  // padded for the line decoder
  if (absl::Status s = ScanBytes(seg, offset, buffer_, TailPolicy::kWithholdTail);
      !s.ok()) {
    return s;
  }
  if (seg->scanned_end != offset + bytes.size()) {
    return absl::InternalError(absl::StrCat(
        seg->path, ": the record just appended at offset ", offset,
        " does not decode"));
  }
  return absl::OkStatus();
}

absl::Status LogView::ApplyEncoded(uint64_t number, uint64_t offset,
                                   std::string_view bytes,
                                   const std::vector<AppendedRecord>& records,
                                   const std::vector<uint32_t>& value_offsets) {
  Segment* seg = newest();
  // Invariant: as in ApplyAppended.
  assert(seg != nullptr && seg->number == number);
  assert(seg->scanned_end >= offset);
  if (seg->number != number || seg->scanned_end != offset) {
    return absl::OkStatus();  // already read by a catch-up
  }
  for (const AppendedRecord& r : records) {
    const size_t ops = r.ops->size();
    const uint32_t share = CountRecord(r.seq, ops, r.line_bytes);
    for (size_t i = 0; i < ops; ++i) {
      const Mutation& m = (*r.ops)[i];
      IndexEntry e;
      e.seq = r.seq;
      e.expires_ms = m.is_delete ? 0 : m.expires_ms;
      e.segment = static_cast<uint32_t>(seg->number);
      e.value_offset = r.line_offset + value_offsets[r.first_value + i];
      e.value_size = m.is_delete ? IndexEntry::kTombstone
                                 : static_cast<uint32_t>(m.value.size());
      e.charged_bytes = share;
      index_.Apply(m.key, e, loading_);
    }
  }
  // What ScanBytes records of whole, intact lines.
  if (seg->checksum_valid) seg->checksum.Update(bytes);
  seg->scanned_end = offset + bytes.size();
  seg->next_line += records.size();
  seg->withheld_bytes = 0;
  seg->unterminated = false;
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

absl::Status LogView::ScanFrom(Segment* seg, TailPolicy policy,
                               std::optional<uint64_t> known_size) {
  absl::StatusOr<uint64_t> size =
      known_size ? absl::StatusOr<uint64_t>(*known_size) : seg->file->Size();
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
  const uint32_t share = CountRecord(d.seq, d.ops.size(), line.bytes.size() + 1);
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

uint32_t LogView::CountRecord(uint64_t seq, size_t ops, uint64_t line_bytes) {
  ++records_;
  records_since_snapshot_ += ops;
  last_seq_ = std::max(last_seq_, seq);
  return static_cast<uint32_t>(line_bytes / ops);
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

}  // namespace dotlog
