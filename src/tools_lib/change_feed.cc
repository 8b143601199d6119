#include "dotlog/change_feed.h"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "format/line_decoder.h"
#include "format/segment_scanner.h"
#include "format/timestamp.h"
#include "store/file_names.h"
#include "store/mutation.h"
#include "store/segment.h"
#include "util/strings.h"

namespace dotlog {
namespace {

// Appends the Changes of record `d`, whose line is `bytes`, to `out`.
void ExpandRecord(const DecodedLine& d, std::string_view bytes,
                  std::vector<Change>* out) {
  out->clear();
  for (const DecodedOp& op : d.ops) {
    Change& c = out->emplace_back();
    c.op = op.is_delete ? Change::Op::kDelete : Change::Op::kPut;
    c.key = std::string(op.key);
    if (!op.is_delete) {
      c.value = std::string(bytes.substr(op.value_offset, op.value_size));
    }
    c.ts = std::string(d.ts);
    c.seq = d.seq;
    if (op.expires_ms != 0) c.expires_at = FromUnixMillis(op.expires_ms);
  }
}

}  // namespace

// A record to deliver, in the file it was read from, which stays readable
// through `file` even if a compaction removes or replaces its name.
using OnRecord = absl::FunctionRef<absl::Status(
    const std::shared_ptr<ReadableFile>& file, const ScannedLine& line)>;

// Scanning state reused across reads, kept out of the public header.
struct ChangeFeed::Reader {
  // Delivers the records of segment `number` after `*position` (see
  // ChangeFeed::ReadAfter). `sealed`: a newer segment exists.
  absl::Status ReadSegment(FileSystem* fs, const std::string& dir,
                           uint64_t number, bool sealed,
                           FeedPosition* position, OnRecord on_record);
  // ReadSegment for each segment from `*position` on.
  absl::Status ReadAfter(FileSystem* fs, const std::string& dir,
                         FeedPosition* position, OnRecord on_record);

  SegmentScanner scanner;
  PaddedBuffer buffer;
  std::vector<Change> changes;
};

absl::Status ChangeFeed::Reader::ReadSegment(
    FileSystem* fs, const std::string& dir, uint64_t number, bool sealed,
    FeedPosition* position, OnRecord on_record) {
  const std::string path = SegmentPath(dir, number);
  auto opened = fs->OpenReadableFile(path);
  // Removed since the listing: a compaction replaced it by a later segment.
  if (absl::IsNotFound(opened.status())) return absl::OkStatus();
  if (!opened.ok()) return opened.status();
  const std::shared_ptr<ReadableFile> file = std::move(*opened);
  auto size = file->Size();
  if (!size.ok()) return size.status();

  // Resume where the position left this segment, unless the file is no
  // longer the one the offset was measured in: a compaction may rename a
  // base segment over it. Then read it from its start; the sequence numbers
  // tell which of its records were delivered already.
  uint64_t start = number == position->segment ? position->offset : 0;
  if (start > *size) start = 0;
  if (start > 0) {
    auto base = IsBaseSegment(file.get(), path);
    if (!base.ok()) return base.status();
    if (*base) start = 0;
  }
  // Invariant: log order is sequence order, so a record at or below the
  // highest sequence number delivered was delivered before (from the file
  // it was compacted from). `delivered` stays fixed through this segment,
  // so the batches a base splits into equal-numbered records are never cut
  // by this test.
  const uint64_t delivered = position->seq;
  position->segment = number;
  position->offset = start;
  auto scan = [&](uint64_t offset, const PaddedBuffer& bytes) -> absl::Status {
    const uint64_t data_end = offset + bytes.view().size();
    auto end = scanner.Scan(
        bytes, offset, 1, false,
        sealed ? TailPolicy::kReportAll : TailPolicy::kWithholdTail,
        [&](const ScannedLine& line) -> absl::Status {
          const DecodedLine& d = *line.decoded;
          if (!d.is_header && !d.is_seal && d.seq > delivered) {
            if (absl::Status s = on_record(file, line); !s.ok()) return s;
            position->seq = std::max(position->seq, d.seq);
          }
          position->offset =
              std::min(line.offset + line.bytes.size() + 1, data_end);
          return absl::OkStatus();
        },
        [](const DamagedLine&) {});  // skipped; `dotlog verify` reports them
    if (!end.ok()) return end.status();
    position->offset = end->offset;
    return absl::OkStatus();
  };
  absl::Status s;
  if (sealed) {
    // Every line is whole: a piece at a time (a base holds the whole store).
    s = ReadInLinePieces(file.get(), path, start, *size, &buffer, scan);
  } else {
    s = ReadRange(file.get(), path, start, *size - start, &buffer);
    if (s.ok()) s = scan(start, buffer);
  }
  buffer.Shrink(kLinePieceBytes);
  return s;
}

absl::Status ChangeFeed::Reader::ReadAfter(FileSystem* fs,
                                           const std::string& dir,
                                           FeedPosition* position,
                                           OnRecord on_record) {
  // Segments a compaction replaced but a crash left behind are ignored,
  // as the store ignores them.
  auto numbers = ListLogSegments(fs, dir);
  if (!numbers.ok()) return numbers.status();
  for (size_t i = 0; i < numbers->size(); ++i) {
    const uint64_t number = (*numbers)[i];
    if (number < position->segment) continue;
    const bool sealed = i + 1 < numbers->size();
    if (absl::Status s =
            ReadSegment(fs, dir, number, sealed, position, on_record);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

ChangeFeed::ChangeFeed(std::string dir, FileSystem* fs)
    : dir_(std::move(dir)),
      fs_(fs != nullptr ? fs : DefaultFileSystem()),
      reader_(std::make_unique<Reader>()) {}

ChangeFeed::~ChangeFeed() = default;

absl::Status ChangeFeed::ReadAfter(
    FeedPosition* position,
    absl::FunctionRef<absl::Status(const Change&)> on_change) {
  Reader& r = *reader_;
  return r.ReadAfter(fs_, dir_, position,
                     [&](const std::shared_ptr<ReadableFile>&,
                         const ScannedLine& line) -> absl::Status {
                       ExpandRecord(*line.decoded, line.bytes, &r.changes);
                       for (const Change& c : r.changes) {
                         if (absl::Status s = on_change(c); !s.ok()) return s;
                       }
                       return absl::OkStatus();
                     });
}

absl::StatusOr<std::vector<Change>> ChangeFeed::ReadAfter(
    FeedPosition* position) {
  std::vector<Change> out;
  absl::Status s = ReadAfter(position, [&](const Change& c) {
    out.push_back(c);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<FeedPosition> ChangeFeed::End() {
  FeedPosition position;
  absl::Status s =
      ReadAfter(&position, [](const Change&) { return absl::OkStatus(); });
  if (!s.ok()) return s;
  return position;
}

absl::Status ChangeFeed::Snapshot(
    std::string_view prefix, std::chrono::system_clock::time_point now,
    FeedPosition* end,
    absl::FunctionRef<absl::Status(const Change&)> on_change) {
  // Newest version per key, as the store's index decides: the higher
  // sequence number wins, and among equal ones (a batch) the later change.
  // Where its value lies, not the value: it is read once the newest is
  // known, so memory holds the keys, not the values.
  struct Newest {
    uint64_t seq = 0;
    bool is_delete = false;
    int64_t expires_ms = 0;
    // The record's "ts": its milliseconds when the text is theirs as the
    // writer formats them (no memory of its own), else the text itself.
    int64_t ts_ms = 0;
    bool ts_is_text = false;
    std::string ts_text;
    std::shared_ptr<ReadableFile> file;
    uint64_t value_offset = 0;
    uint32_t value_size = 0;
  };
  absl::btree_map<std::string, Newest, std::less<>> newest;
  FeedPosition position;
  absl::Status s = reader_->ReadAfter(
      fs_, dir_, &position,
      [&](const std::shared_ptr<ReadableFile>& file, const ScannedLine& line) {
        const DecodedLine& d = *line.decoded;
        for (const DecodedOp& op : d.ops) {
          if (!op.key.starts_with(prefix)) continue;
          auto it = newest.find(op.key);
          if (it == newest.end()) {
            it = newest.emplace(std::string(op.key), Newest()).first;
          } else if (it->second.seq > d.seq) {
            continue;
          }
          Newest& n = it->second;
          n.seq = d.seq;
          n.is_delete = op.is_delete;
          n.expires_ms = op.expires_ms;
          absl::StatusOr<int64_t> ms = ParseTimestamp(d.ts);
          n.ts_is_text = !ms.ok() || FormatTimestamp(*ms) != d.ts;
          if (n.ts_is_text) {
            n.ts_text.assign(d.ts);
          } else {
            n.ts_ms = *ms;
            n.ts_text.clear();
          }
          n.file = file;
          n.value_offset = line.offset + op.value_offset;
          n.value_size = op.value_size;
        }
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  const int64_t now_ms = ToUnixMillis(now);
  Change c;
  for (auto& [key, n] : newest) {
    if (n.is_delete) continue;
    if (n.expires_ms != 0 && n.expires_ms <= now_ms) continue;
    c.key = key;
    c.value.resize(n.value_size);
    auto got = n.file->ReadAt(n.value_offset, c.value.data(), n.value_size);
    if (!got.ok()) return got.status();
    if (*got != n.value_size) {
      return absl::DataLossError(absl::StrCat(
          dir_, ": a segment was cut short while it was read; value of key ",
          QuoteKey(key), " lost"));
    }
    c.ts = n.ts_is_text ? std::move(n.ts_text) : FormatTimestamp(n.ts_ms);
    c.seq = n.seq;
    c.expires_at = n.expires_ms != 0
                       ? std::optional(FromUnixMillis(n.expires_ms))
                       : std::nullopt;
    n.file.reset();
    if (absl::Status e = on_change(c); !e.ok()) return e;
  }
  *end = position;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Change>> ChangeFeed::Snapshot(
    std::string_view prefix, std::chrono::system_clock::time_point now,
    FeedPosition* end) {
  std::vector<Change> live;
  absl::Status s = Snapshot(prefix, now, end, [&](const Change& c) {
    live.push_back(c);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return live;
}

absl::Status ChangeFeed::Watch() {
  auto watcher = fs_->WatchDir(dir_);
  if (!watcher.ok()) return watcher.status();
  watcher_ = std::move(*watcher);
  return absl::OkStatus();
}

absl::Status ChangeFeed::Wait(std::chrono::milliseconds timeout) {
  if (watcher_ == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("change feed of ", dir_, ": Wait before Watch"));
  }
  return watcher_->Wait(timeout);
}

}  // namespace dotlog
