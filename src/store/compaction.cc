#include "store/compaction.h"

#include <algorithm>
#include <span>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "format/record.h"
#include "format/segment_scanner.h"
#include "format/timestamp.h"
#include "util/strings.h"

namespace dotlog {
namespace {

// One operation of one record, pointing into the input buffers.
struct VersionRef {
  uint64_t seq = 0;
  // Position in the input, in reading order. Operations of one batch share
  // a sequence number, also once a compaction has written them as separate
  // records, and the later one wins: file order breaks the tie.
  uint64_t ordinal = 0;
  std::string_view line;       // the whole record line (no '\n')
  uint32_t line_ops = 0;       // how many operations the line holds
  bool is_delete = false;
  std::string_view value;      // JSON text of a put
  int64_t ts_ms = 0;           // the record's "ts", if needed (see below)
  int64_t expires_ms = 0;

  bool operator<(const VersionRef& o) const {
    return seq != o.seq ? seq < o.seq : ordinal < o.ordinal;
  }
};

// The newest of the record times it is given. Times as the writer formats
// them ("YYYY-MM-DDThh:mm:ss.mmmZ") order as text, so only others (written
// by hand, say) are parsed.
class NewestTime {
 public:
  void Add(std::string_view ts) {
    if (IsWriterFormat(ts)) {
      if (ts > newest_text_) newest_text_.assign(ts);
    } else if (auto ms = ParseTimestamp(ts); ms.ok()) {
      newest_ms_ = std::max(newest_ms_, *ms);
    }
  }
  // Milliseconds since the epoch; 0 if no time was readable.
  int64_t ms() const {
    const int64_t text_ms = ParseTimestamp(newest_text_).value_or(0);
    return std::max(newest_ms_, text_ms);
  }

 private:
  static bool IsWriterFormat(std::string_view ts) {
    static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
    if (ts.size() != kShape.size()) return false;
    for (size_t i = 0; i < ts.size(); ++i) {
      if (kShape[i] == 'd' ? !absl::ascii_isdigit(ts[i]) : ts[i] != kShape[i]) {
        return false;
      }
    }
    return true;
  }

  std::string newest_text_;
  int64_t newest_ms_ = 0;
};

// The time at which compaction judges expiry and keep_for: `now_ms`, unless
// the clock is more than kMaxClockLeadMs ahead of the newest record. Such a
// clock (set wrong, say) cannot be told from the real time by the store, so
// it drops nothing on its word: the newest record's time, which the log
// itself says has passed, is used instead.
int64_t JudgementTime(int64_t now_ms, int64_t newest_record_ms) {
  return now_ms - newest_record_ms > kMaxClockLeadMs ? newest_record_ms
                                                     : now_ms;
}

// The rule for `key`: the longest matching prefix's (rules with equal
// prefixes: the first given).
const HistoryRule* RuleFor(std::string_view key,
                           const std::vector<HistoryRule>& rules) {
  const HistoryRule* best = nullptr;
  for (const HistoryRule& rule : rules) {
    if (absl::StartsWith(AV(key), rule.prefix) &&
        (best == nullptr || rule.prefix.size() > best->prefix.size())) {
      best = &rule;
    }
  }
  return best;
}

// Keeps the versions of one key that survive compaction, oldest first.
void SelectVersions(std::vector<VersionRef>& versions, const HistoryRule* rule,
                    int64_t now_ms, std::vector<VersionRef>* out) {
  std::sort(versions.begin(), versions.end());
  const VersionRef& newest = versions.back();
  if (newest.is_delete ||
      (newest.expires_ms != 0 && newest.expires_ms <= now_ms)) {
    return;  // the key is gone, and its history with it
  }
  if (rule == nullptr) {
    out->push_back(newest);
    return;
  }
  const size_t n = versions.size();
  for (size_t i = 0; i < n; ++i) {
    const bool recent_enough = n - i <= rule->keep_versions;
    const bool young_enough = rule->keep_for.count() > 0 &&
                              now_ms - versions[i].ts_ms < rule->keep_for.count();
    if (i + 1 == n || recent_enough || young_enough) out->push_back(versions[i]);
  }
}

// Appends the surviving operations `group` of one record (in order, all
// from the same line) as one record with the original sequence number and
// time: the line itself when every operation survives, otherwise a record
// of the survivors, so that the operations of a batch stay one record and
// compaction never makes a store bigger.
void AppendRecord(
    std::span<const std::pair<VersionRef, const std::string*>> group,
    std::string* out) {
  const VersionRef& first = group.front().first;
  if (group.size() == first.line_ops) {
    out->append(first.line);
    out->push_back('\n');
    return;
  }
  std::vector<Mutation> ops(group.size());
  for (size_t i = 0; i < group.size(); ++i) {
    const VersionRef& v = group[i].first;
    ops[i].is_delete = v.is_delete;
    ops[i].key = *group[i].second;
    ops[i].value = std::string(v.value);
    ops[i].expires_ms = v.expires_ms;
  }
  EncodeRecord(first.seq, first.ts_ms, ops, out);
}

}  // namespace

absl::StatusOr<BaseSegment> BuildBase(const std::vector<SegmentBytes>& inputs,
                                      uint64_t number, uint64_t max_bytes,
                                      int64_t now_ms,
                                      const std::vector<HistoryRule>& history) {
  absl::flat_hash_map<std::string, std::vector<VersionRef>> keys;
  uint64_t last_seq = 0;
  uint64_t ordinal = 0;
  NewestTime newest;
  std::vector<std::string_view> damaged;
  SegmentScanner scanner;
  for (const SegmentBytes& input : inputs) {
    const std::string_view bytes = input.bytes.view();
    auto end = scanner.Scan(
        input.bytes, 0, 1, false, TailPolicy::kReportAll,
        [&](const ScannedLine& line) {
          const DecodedLine& d = *line.decoded;
          if (d.is_header || d.is_seal) {
            if (d.is_header) last_seq = std::max(last_seq, d.last_seq);
            return absl::OkStatus();
          }
          last_seq = std::max(last_seq, d.seq);
          newest.Add(d.ts);
          // The time is needed to re-encode an operation of a batch, and to
          // apply a keep_for rule. (d.ts lives only until the next line.)
          int64_t ts_ms = 0;
          if (d.ops.size() > 1 || !history.empty()) {
            ts_ms = ParseTimestamp(d.ts).value_or(0);  // unreadable: oldest
          }
          for (uint32_t i = 0; i < d.ops.size(); ++i) {
            const DecodedOp& op = d.ops[i];
            VersionRef v;
            v.seq = d.seq;
            v.ordinal = ordinal++;
            v.line = line.bytes;
            v.line_ops = static_cast<uint32_t>(d.ops.size());
            v.is_delete = op.is_delete;
            if (!op.is_delete) v.value = line.bytes.substr(op.value_offset, op.value_size);
            v.ts_ms = ts_ms;
            v.expires_ms = op.expires_ms;
            std::vector<VersionRef>& versions = keys[AV(op.key)];
            if (RuleFor(op.key, history) == nullptr && !versions.empty()) {
              if (v < versions.back()) continue;  // older than the one kept
              versions.back() = v;
            } else {
              versions.push_back(v);
            }
          }
          return absl::OkStatus();
        },
        [&](const DamagedLine& d) {
          const size_t from = d.offset;
          const size_t nl = bytes.find('\n', from);
          damaged.push_back(bytes.substr(from, nl == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : nl - from));
        });
    if (!end.ok()) return end.status();
  }

  const int64_t judged_ms = JudgementTime(now_ms, newest.ms());
  std::vector<std::pair<VersionRef, const std::string*>> kept;
  std::vector<VersionRef> selected;
  for (auto& [key, versions] : keys) {
    selected.clear();
    SelectVersions(versions, RuleFor(key, history), judged_ms, &selected);
    for (const VersionRef& v : selected) kept.emplace_back(v, &key);
  }
  std::sort(kept.begin(), kept.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  BaseSegment base;
  // The base remembers the highest sequence number it replaces, so that
  // numbers of dropped records (deletes, say) are never handed out again.
  EncodeHeader(number, max_bytes, now_ms, &base.bytes, /*base=*/true, last_seq);
  // The operations of one record are adjacent in `kept`: same sequence
  // number, same line.
  for (size_t i = 0; i < kept.size();) {
    size_t end = i + 1;
    while (end < kept.size() &&
           kept[end].first.line.data() == kept[i].first.line.data()) {
      ++end;
    }
    AppendRecord(std::span(kept).subspan(i, end - i), &base.bytes);
    ++base.records;
    i = end;
  }
  for (std::string_view line : damaged) {
    base.bytes.append(line);
    base.bytes.push_back('\n');
    ++base.damaged;
  }
  return base;
}

}  // namespace dotlog
