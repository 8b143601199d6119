// LogView's reads of values, verified where the segment was recognised by
// identity, and its figures.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "store/log_view.h"
#include "store/verified_read.h"

namespace dotlog {
namespace {

// Operations of verified batch lines kept (LogView::verified_lines_): this
// many, or as many as the index has keys, so that random reads of a store
// loaded in large batches do not verify the same lines again and again.
// About 40 bytes each.
constexpr uint64_t kMinVerifiedOps = 1 << 16;

}  // namespace

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
  // A batch line a get meets for the first time is checked as encoded, for
  // the one value wanted (a fresh handle's single get reads one line and
  // decodes nothing); met again, or by a scan, which will read its other
  // values too, it is decoded and kept.
  bool met_before = false;
  {
    absl::MutexLock l(&verified_mu_);
    auto it = verified_lines_.upper_bound({seg.number, entry.value_offset});
    if (it != verified_lines_.end() && it->first.first == seg.number &&
        it->second->begin <= entry.value_offset) {
      if (it->second->decoded) {
        return CopyMatchingValue(*it->second, seg.file.get(), seg.path, mapped,
                                 key, entry, out);
      }
      met_before = true;
    }
  }
  auto line = ReadVerifiedLine(seg.file.get(), seg.path, seg.scanned_end,
                               mapped, entry,
                               met_before || via == ReadVia::kRead ? nullptr : &key);
  if (!line.ok()) return line.status();
  absl::Status s = CopyMatchingValue(*line, seg.file.get(), seg.path, mapped,
                                     key, entry, out);
  // Only batches are kept: a line of one operation costs no more to read
  // again. A line checked as encoded is kept as a mark, counted as one.
  if (!s.ok() || (line->decoded && line->ops.size() <= 1)) return s;
  const auto cost = [](const VerifiedLine& v) -> uint64_t {
    return v.decoded ? v.ops.size() : 1;
  };
  line->bytes.clear();
  line->bytes.shrink_to_fit();
  absl::MutexLock l(&verified_mu_);
  // Room for every key's operation and a mark per line besides.
  const uint64_t keys = index_.approximate_size();
  const uint64_t most = std::max<uint64_t>(kMinVerifiedOps, keys + keys / 4);
  std::shared_ptr<const VerifiedLine>& slot = verified_lines_[{seg.number, line->end}];
  if (slot != nullptr) verified_ops_ -= cost(*slot);  // a mark, decoded now
  if (verified_ops_ + cost(*line) > most) {
    verified_lines_.clear();
    verified_ops_ = 0;
  }
  verified_ops_ += cost(*line);
  verified_lines_[{seg.number, line->end}] =
      std::make_shared<const VerifiedLine>(std::move(*line));
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
