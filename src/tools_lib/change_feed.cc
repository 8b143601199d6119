#include "dotlog/change_feed.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "format/line_decoder.h"
#include "format/segment_scanner.h"
#include "format/timestamp.h"
#include "store/file_names.h"
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

// Scanning state reused across reads, kept out of the public header.
struct ChangeFeed::Reader {
  // Delivers the changes of segment `number` after `*position` (see
  // ChangeFeed::ReadAfter). `sealed`: a newer segment exists.
  absl::Status ReadSegment(
      FileSystem* fs, const std::string& dir, uint64_t number, bool sealed,
      FeedPosition* position,
      absl::FunctionRef<absl::Status(const Change&)> on_change);

  SegmentScanner scanner;
  PaddedBuffer buffer;
  std::vector<Change> changes;
};

absl::Status ChangeFeed::Reader::ReadSegment(
    FileSystem* fs, const std::string& dir, uint64_t number, bool sealed,
    FeedPosition* position,
    absl::FunctionRef<absl::Status(const Change&)> on_change) {
  const std::string path = SegmentPath(dir, number);
  auto file = fs->OpenReadableFile(path);
  // Removed since the listing: a compaction replaced it by a later segment.
  if (absl::IsNotFound(file.status())) return absl::OkStatus();
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();

  // Resume where the position left this segment, unless the file is no
  // longer the one the offset was measured in: a compaction may rename a
  // base segment over it. Then read it from its start; the sequence numbers
  // tell which of its records were delivered already.
  uint64_t start = number == position->segment ? position->offset : 0;
  if (start > *size) start = 0;
  if (start > 0) {
    auto base = IsBaseSegment(file->get(), path);
    if (!base.ok()) return base.status();
    if (*base) start = 0;
  }
  if (absl::Status s =
          ReadRange(file->get(), path, start, *size - start, &buffer);
      !s.ok()) {
    return s;
  }
  // Invariant: log order is sequence order, so a record at or below the
  // highest sequence number delivered was delivered before (from the file
  // it was compacted from). A base segment is published whole and read in
  // one scan, so the batches it splits into equal-numbered records are
  // never cut by this test.
  const uint64_t delivered = position->seq;
  position->segment = number;
  position->offset = start;
  const uint64_t data_end = start + buffer.view().size();
  auto end = scanner.Scan(
      buffer, start, 1, false,
      sealed ? TailPolicy::kReportAll : TailPolicy::kWithholdTail,
      [&](const ScannedLine& line) -> absl::Status {
        const DecodedLine& d = *line.decoded;
        if (!d.is_header && !d.is_seal && d.seq > delivered) {
          ExpandRecord(d, line.bytes, &changes);
          for (const Change& c : changes) {
            if (absl::Status s = on_change(c); !s.ok()) return s;
          }
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
}

ChangeFeed::ChangeFeed(std::string dir, FileSystem* fs)
    : dir_(std::move(dir)),
      fs_(fs != nullptr ? fs : DefaultFileSystem()),
      reader_(std::make_unique<Reader>()) {}

ChangeFeed::~ChangeFeed() = default;

absl::Status ChangeFeed::ReadAfter(
    FeedPosition* position,
    absl::FunctionRef<absl::Status(const Change&)> on_change) {
  // Segments a compaction replaced but a crash left behind are ignored,
  // as the store ignores them.
  auto numbers = ListLogSegments(fs_, dir_);
  if (!numbers.ok()) return numbers.status();
  for (size_t i = 0; i < numbers->size(); ++i) {
    const uint64_t number = (*numbers)[i];
    if (number < position->segment) continue;
    const bool sealed = i + 1 < numbers->size();
    if (absl::Status s = reader_->ReadSegment(fs_, dir_, number, sealed,
                                              position, on_change);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
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

absl::StatusOr<std::vector<Change>> ChangeFeed::Snapshot(
    std::string_view prefix, std::chrono::system_clock::time_point now,
    FeedPosition* end) {
  // Newest version per key, as the store's index decides: the higher
  // sequence number wins, and among equal ones (a batch) the later change.
  std::map<std::string, Change, std::less<>> newest;
  FeedPosition position;
  absl::Status s = ReadAfter(&position, [&](const Change& c) {
    if (!c.key.starts_with(prefix)) return absl::OkStatus();
    auto [it, inserted] = newest.try_emplace(c.key, c);
    if (!inserted && it->second.seq <= c.seq) it->second = c;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  const int64_t now_ms = ToUnixMillis(now);
  std::vector<Change> live;
  for (auto& [key, c] : newest) {
    if (c.op == Change::Op::kDelete) continue;
    if (c.expires_at && ToUnixMillis(*c.expires_at) <= now_ms) continue;
    live.push_back(std::move(c));
  }
  *end = position;
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
