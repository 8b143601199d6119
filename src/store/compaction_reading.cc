#include "store/compaction_reading.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "format/record.h"
#include "format/timestamp.h"

namespace dotlog {
namespace {

// The surviving operations of record `d` (its line `line`), whose first
// operation has ordinal `ordinal`, as one record appended to `out`: a
// record of the survivors, with the original sequence number and time, so
// that the operations of a batch stay one record and compaction never
// makes a store bigger. `next` is the first of `survivors` to meet.
void AppendSomeSurvivors(const DecodedLine& d, std::string_view line,
                         const std::vector<uint64_t>& survivors,
                         uint64_t ordinal, size_t next, std::string* out) {
  std::vector<Mutation> kept;
  for (const DecodedOp& op : d.ops) {
    const bool survives = next < survivors.size() && survivors[next] == ordinal++;
    if (!survives) continue;
    ++next;
    Mutation m;
    m.is_delete = op.is_delete;
    m.key = std::string(op.key);
    if (!op.is_delete) m.value = std::string(line.substr(op.value_offset, op.value_size));
    m.expires_ms = op.expires_ms;
    kept.push_back(std::move(m));
  }
  EncodeRecord(d.seq, ParseTimestamp(d.ts).value_or(0), kept, out);
}

}  // namespace

absl::StatusOr<uint64_t> InputReader::Read(
    const CompactionInput& in,
    absl::FunctionRef<absl::Status(const ScannedLine&)> on_record,
    absl::FunctionRef<void(const DamagedLine&, std::string_view line)>
        on_damage) {
  uint64_t next_line = 1;
  return ReadPieces(
      in, [&](uint64_t offset, const PaddedBuffer& piece) -> absl::Status {
        const std::string_view bytes = piece.view();
        auto end = scanner_.Scan(
            piece, offset, next_line, /*after_unterminated=*/false,
            TailPolicy::kReportAll, on_record, [&](const DamagedLine& d) {
              const std::string_view rest = bytes.substr(d.offset - offset);
              on_damage(d, rest.substr(0, rest.find('\n')));
            });
        if (!end.ok()) return end.status();
        next_line = end->next_line;
        return absl::OkStatus();
      });
}

absl::StatusOr<uint64_t> InputReader::ReadPieces(
    const CompactionInput& in,
    absl::FunctionRef<absl::Status(uint64_t offset, const PaddedBuffer&)>
        on_piece) {
  auto file = fs_->OpenReadableFile(in.path);
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  RunningChecksum sum;
  absl::Status s = ReadInLinePieces(
      file->get(), in.path, 0, *size, &buffer_,
      [&](uint64_t offset, const PaddedBuffer& piece) -> absl::Status {
        sum.Update(piece.view());
        return on_piece(offset, piece);
      });
  if (!s.ok()) return s;
  return sum.Digest();
}

void LineOps::Set(uint64_t line_number, size_t ops) {
  const uint64_t i = line_number - 1;
  if (counts_.size() <= i) counts_.resize(i + 1, 0);
  counts_[i] = static_cast<uint8_t>(std::min<size_t>(ops, kMany));
  if (ops >= kMany) many_[i] = ops;
}

uint64_t LineOps::Get(uint64_t line_number) const {
  const uint64_t i = line_number - 1;
  if (i >= counts_.size()) return 0;
  return counts_[i] < kMany ? counts_[i] : many_.at(i);
}

absl::StatusOr<uint64_t> SurvivorCopier::Copy(
    const std::string& path, const LineOps& line_ops, const PaddedBuffer& piece,
    uint64_t* line_number, absl::FunctionRef<absl::Status()> flush) {
  // Lines end at '\n', as the scanner of the first reading ends them.
  const std::string_view bytes = piece.view();
  uint64_t records = 0;
  for (size_t pos = 0; pos < bytes.size();) {
    size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    const uint64_t ops = line_ops.Get((*line_number)++);
    if (ops > 0) {
      const std::string_view line = bytes.substr(pos, end - pos);
      auto wrote = CopyLine(path, line, piece.readable() - pos, ops);
      if (!wrote.ok()) return wrote.status();
      records += *wrote;
      if (out_->size() >= kWriteChunkBytes) {
        if (absl::Status s = flush(); !s.ok()) return s;
      }
    }
    pos = end + 1;
  }
  return records;
}

absl::StatusOr<bool> SurvivorCopier::CopyLine(const std::string& path,
                                              std::string_view line,
                                              size_t readable, uint64_t ops) {
  // Invariant: every survivor before this line's first operation was met.
  size_t kept = 0;
  while (next_ + kept < survivors_.size() &&
         survivors_[next_ + kept] < ordinal_ + ops) {
    ++kept;
  }
  if (kept == ops) {
    out_->append(line);
    out_->push_back('\n');
  } else if (kept > 0) {
    if (!decoder_.Decode(line, readable, &decoded_).ok() ||
        decoded_.ops.size() != ops) {
      return absl::AbortedError(
          absl::StrCat(path, " changed while it was being compacted"));
    }
    AppendSomeSurvivors(decoded_, line, survivors_, ordinal_, next_, out_);
  }
  ordinal_ += ops;
  next_ += kept;
  return kept > 0;
}

}  // namespace dotlog
