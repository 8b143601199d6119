#include "store/compaction.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "format/record.h"
#include "format/segment_scanner.h"
#include "format/timestamp.h"
#include "store/compaction_reading.h"
#include "store/segment.h"
#include "util/strings.h"

namespace dotlog {
namespace {

// What chooses among the versions of a key: never the value.
struct VersionRef {
  uint64_t seq = 0;
  // Position in the inputs, in reading order, counting every operation of
  // every record. Operations of one batch share a sequence number, also
  // once a compaction has written them as separate records, and the later
  // one wins: file order breaks the tie. Both readings of the inputs count
  // alike, so the second finds the survivors by this number.
  uint64_t ordinal = 0;
  bool is_delete = false;
  int64_t ts_ms = 0;           // the record's "ts", if a rule needs it
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
                    int64_t now_ms, std::vector<uint64_t>* out) {
  std::sort(versions.begin(), versions.end());
  const VersionRef& newest = versions.back();
  if (newest.is_delete ||
      (newest.expires_ms != 0 && newest.expires_ms <= now_ms)) {
    return;  // the key is gone, and its history with it
  }
  if (rule == nullptr) {
    out->push_back(newest.ordinal);
    return;
  }
  const size_t n = versions.size();
  for (size_t i = 0; i < n; ++i) {
    const bool recent_enough = n - i <= rule->keep_versions;
    const bool young_enough = rule->keep_for.count() > 0 &&
                              now_ms - versions[i].ts_ms < rule->keep_for.count();
    if (i + 1 == n || recent_enough || young_enough) {
      out->push_back(versions[i].ordinal);
    }
  }
}


// Copies of keys, packed into large blocks: one allocation per block
// instead of one per key, and every block given back when it goes.
class KeyCopies {
 public:
  std::string_view Add(std::string_view key) {
    if (blocks_.empty() || kBlockBytes - used_ < key.size()) {
      // Not zeroed: a page is touched only when a key is copied into it.
      blocks_.emplace_back(new char[std::max(kBlockBytes, key.size())]);
      used_ = 0;
    }
    char* at = blocks_.back().get() + used_;
    std::memcpy(at, key.data(), key.size());
    used_ += key.size();
    return std::string_view(at, key.size());
  }

 private:
  static constexpr size_t kBlockBytes = 256 << 10;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0;
};

// A damaged line of an input, carried over verbatim.
struct DamagedRange {
  size_t input;
  uint64_t offset, size;
};

// The first reading: which operations survive, by ordinal, ascending; how
// many operations each line holds, so that the second reading finds them
// without decoding a line again; the damaged lines.
struct Survivors {
  std::vector<uint64_t> ordinals;
  std::vector<uint64_t> input_sums;
  std::vector<LineOps> line_ops;  // per input
  std::vector<DamagedRange> damaged;
  uint64_t last_seq = 0;  // the highest sequence number the inputs hold
};

absl::StatusOr<Survivors> ChooseSurvivors(
    InputReader& reader, const std::vector<CompactionInput>& inputs,
    int64_t now_ms, const std::vector<HistoryRule>& history,
    const ProgressFn& progress) {
  Survivors out;
  // Keys without a history rule keep only their newest version, held in
  // place; keys with one keep every version, to choose among them later.
  KeyCopies keys;
  absl::flat_hash_map<std::string_view, VersionRef> newest_only;
  absl::flat_hash_map<std::string, std::vector<VersionRef>> ruled;
  uint64_t ordinal = 0;
  NewestTime newest;
  out.line_ops.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    LineOps& line_ops = out.line_ops[i];
    auto sum = reader.Read(
        inputs[i],
        [&](const ScannedLine& line) {
          const DecodedLine& d = *line.decoded;
          if (d.is_header) out.last_seq = std::max(out.last_seq, d.last_seq);
          if (d.is_header || d.is_seal) return absl::OkStatus();
          line_ops.Set(line.line_number, d.ops.size());
          out.last_seq = std::max(out.last_seq, d.seq);
          newest.Add(d.ts);
          // A keep_for rule needs the time; an unreadable one is the oldest.
          const int64_t ts_ms =
              history.empty() ? 0 : ParseTimestamp(d.ts).value_or(0);
          for (const DecodedOp& op : d.ops) {
            const VersionRef v{d.seq, ordinal++, op.is_delete, ts_ms,
                               op.expires_ms};
            if (RuleFor(op.key, history) != nullptr) {
              ruled[AV(op.key)].push_back(v);
              continue;
            }
            auto it = newest_only.find(op.key);
            if (it == newest_only.end()) {
              newest_only.emplace(keys.Add(op.key), v);
            } else if (it->second < v) {
              it->second = v;
            }
          }
          return absl::OkStatus();
        },
        [&](const DamagedLine& d, std::string_view line) {
          out.damaged.push_back(DamagedRange{i, d.offset, line.size()});
        });
    if (!sum.ok()) return sum.status();
    out.input_sums.push_back(*sum);
    if (progress) progress("segments read", i + 1, inputs.size());
  }
  const int64_t judged_ms = JudgementTime(now_ms, newest.ms());
  std::vector<VersionRef> one(1);
  for (const auto& [key, version] : newest_only) {
    one[0] = version;
    SelectVersions(one, nullptr, judged_ms, &out.ordinals);
  }
  for (auto& [key, versions] : ruled) {
    SelectVersions(versions, RuleFor(key, history), judged_ms, &out.ordinals);
  }
  std::sort(out.ordinals.begin(), out.ordinals.end());
  return out;
}

}  // namespace

absl::StatusOr<BaseSegment> WriteBase(FileSystem* fs,
                                      const std::vector<CompactionInput>& inputs,
                                      uint64_t number, uint64_t max_bytes,
                                      int64_t now_ms,
                                      const std::vector<HistoryRule>& history,
                                      AppendFile* out,
                                      const ProgressFn& progress) {
  InputReader reader(fs);
  auto survivors = ChooseSurvivors(reader, inputs, now_ms, history, progress);
  if (!survivors.ok()) return survivors.status();

  BaseSegment base;
  std::string chunk;
  auto flush = [&]() -> absl::Status {
    base.bytes += chunk.size();
    absl::Status s = out->Append(chunk);
    chunk.clear();
    return s;
  };
  // The base remembers the highest sequence number it replaces, so that
  // numbers of dropped records (deletes, say) are never handed out again.
  EncodeHeader(number, max_bytes, now_ms, &chunk, /*base=*/true,
               survivors->last_seq);
  SurvivorCopier copier(survivors->ordinals, &chunk);
  for (size_t i = 0; i < inputs.size(); ++i) {
    uint64_t line_number = 1;
    auto sum = reader.ReadPieces(
        inputs[i], [&](uint64_t, const PaddedBuffer& piece) -> absl::Status {
          auto records = copier.Copy(inputs[i].path, survivors->line_ops[i],
                                     piece, &line_number, flush);
          if (!records.ok()) return records.status();
          base.records += *records;
          return absl::OkStatus();
        });
    if (!sum.ok()) return sum.status();
    // The survivors were chosen by position: bytes changed since (a hand
    // edit, say) would make the choice wrong.
    if (*sum != survivors->input_sums[i]) {
      return absl::AbortedError(absl::StrCat(
          inputs[i].path, " changed while it was being compacted"));
    }
    if (progress) progress("segments written", i + 1, inputs.size());
  }
  // Damaged lines last, as they are, so that they stay on disk and reported.
  PaddedBuffer line;
  for (const DamagedRange& d : survivors->damaged) {
    auto file = fs->OpenReadableFile(inputs[d.input].path);
    if (!file.ok()) return file.status();
    absl::Status s = ReadRange(file->get(), inputs[d.input].path, d.offset, d.size, &line);
    if (!s.ok()) return s;
    chunk.append(line.view());
    chunk.push_back('\n');
    ++base.damaged;
    if (chunk.size() >= kWriteChunkBytes) {
      if (s = flush(); !s.ok()) return s;
    }
  }
  if (absl::Status s = flush(); !s.ok()) return s;
  return base;
}

}  // namespace dotlog
