// StoreImpl::History: every version of one key still in the log.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "format/segment_scanner.h"
#include "format/timestamp.h"
#include "store/mutation.h"
#include "store/store_impl.h"

namespace dotlog {

absl::StatusOr<std::vector<KeyVersion>> StoreImpl::History(std::string_view key,
                                                        size_t max_versions) {
  if (absl::Status s = CheckKey(key); !s.ok()) return s;
  if (absl::Status s = Refresh(); !s.ok()) return s;
  std::vector<KeyVersion> versions;
  SegmentScanner scanner;
  PaddedBuffer buffer;
  absl::ReaderMutexLock l(&mu_);
  for (const auto& [number, seg] : view_.segments()) {
    // Only what the view has read: intact lines, no withheld tail.
    if (absl::Status s = ReadRange(seg.file.get(), seg.path, 0, seg.scanned_end, &buffer);
        !s.ok()) {
      return s;
    }
    auto end = scanner.Scan(
        buffer, 0, 1, false, TailPolicy::kReportAll,
        [&](const ScannedLine& line) {
          const DecodedLine& d = *line.decoded;
          for (const DecodedOp& op : d.ops) {
            if (op.key != key) continue;
            KeyVersion v;
            v.seq = d.seq;
            auto ts = ParseTimestamp(d.ts);
            if (ts.ok()) v.written = FromUnixMillis(*ts);
            v.deleted = op.is_delete;
            if (!op.is_delete) {
              v.value = std::string(line.bytes.substr(op.value_offset, op.value_size));
            }
            if (op.expires_ms != 0) v.expires_at = FromUnixMillis(op.expires_ms);
            versions.push_back(std::move(v));
          }
          return absl::OkStatus();
        },
        [](const DamagedLine&) {});  // already reported when first read
    if (!end.ok()) return end.status();
  }
  // Newest first; within a batch the later operation is newer.
  std::reverse(versions.begin(), versions.end());
  std::stable_sort(versions.begin(), versions.end(),
                   [](const KeyVersion& a, const KeyVersion& b) { return a.seq > b.seq; });
  if (versions.size() > max_versions) versions.resize(max_versions);
  return versions;
}

}  // namespace dotlog
