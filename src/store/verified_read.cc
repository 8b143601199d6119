#include "store/verified_read.h"

#include <string.h>
#include <xxhash.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "format/line_decoder.h"
#include "format/record.h"
#include "store/mutation.h"
#include "util/strings.h"

namespace dotlog {
namespace {

uint64_t KeyHash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

// Bytes read at a time while looking for the newlines around a value.
constexpr uint64_t kProbeBytes = 4096;

absl::Status Mismatch(const std::string& path, const IndexEntry& entry,
                      std::string_view why) {
  return absl::DataLossError(absl::StrCat(
      path, ": the record holding the value at offset ", entry.value_offset,
      " ", std::string(why)));
}

// Where the bytes of one segment come from: its mapping below `mapped`,
// which costs no system call, and reads past it.
struct Source {
  ReadableFile* file;
  const std::string& path;
  uint64_t mapped;
};

// Reads [begin, end) of the segment into `out`; DataLoss if it is shorter.
absl::Status ReadExactly(const Source& src, uint64_t begin, uint64_t end,
                         char* out) {
  if (end <= src.mapped) return src.file->CopyMapped(begin, end - begin, out);
  ReadableFile* file = src.file;
  const std::string& path = src.path;
  auto got = file->ReadAt(begin, out, end - begin);
  if (!got.ok()) return got.status();
  if (*got != end - begin) {
    return absl::DataLossError(absl::StrCat(path, ": cut short before offset ", end));
  }
  return absl::OkStatus();
}

// Runs `find` over [begin, end) of the segment: where the bytes lie when
// the mapping holds them, else over a copy read into `scratch`. `find`
// must only read (see ReadableFile::ReadMapped).
absl::Status Scan(const Source& src, uint64_t begin, uint64_t end, std::string* scratch,
                  absl::FunctionRef<void(std::string_view)> find) {
  if (end <= src.mapped) return src.file->ReadMapped(begin, end - begin, find);
  scratch->resize(end - begin);
  if (absl::Status s = ReadExactly(src, begin, end, scratch->data()); !s.ok()) return s;
  find(*scratch);
  return absl::OkStatus();
}

// The offset where the line holding byte `at` begins: just after the
// nearest '\n' before it, or 0.
absl::StatusOr<uint64_t> LineStart(const Source& src, uint64_t at,
                                   std::string* scratch) {
  while (at > 0) {
    const uint64_t from = at > kProbeBytes ? at - kProbeBytes : 0;
    std::optional<size_t> after_nl;
    absl::Status s = Scan(src, from, at, scratch, [&](std::string_view bytes) {
      const void* nl = memrchr(bytes.data(), '\n', bytes.size());
      if (nl != nullptr) after_nl = static_cast<const char*>(nl) - bytes.data() + 1;
    });
    if (!s.ok()) return s;
    if (after_nl) return from + *after_nl;
    at = from;
  }
  return 0;
}

// The offset of the '\n' that ends the line holding byte `at`, or `size`.
absl::StatusOr<uint64_t> LineEnd(const Source& src, uint64_t at, uint64_t size,
                                 std::string* scratch) {
  while (at < size) {
    const uint64_t to = std::min(size, at + kProbeBytes);
    size_t nl = std::string_view::npos;
    absl::Status s = Scan(src, at, to, scratch, [&](std::string_view bytes) {
      nl = bytes.find('\n');
    });
    if (!s.ok()) return s;
    if (nl != std::string_view::npos) return at + nl;
    at = to;
  }
  return size;
}

// The length of the head EncodeRecord writes for a batch record with
// sequence number `seq` (the seq, a time of the writer's fixed width, and
// the start of the operation list) if `line` starts with it; 0 otherwise.
// Reads only, and allocates nothing.
size_t BatchHeadSize(std::string_view line, uint64_t seq) {
  constexpr std::string_view kSeq = "{\"seq\":";
  constexpr std::string_view kTime = ",\"ts\":\"";
  constexpr size_t kTimeBytes = 24;  // YYYY-MM-DDThh:mm:ss.mmmZ
  constexpr std::string_view kList = "\",\"op\":\"batch\",\"ops\":[";
  char digits[20];  // the most a uint64_t takes
  const char* const digits_end = std::to_chars(digits, digits + sizeof(digits), seq).ptr;
  const std::string_view number(digits, static_cast<size_t>(digits_end - digits));
  const size_t time_at = kSeq.size() + number.size() + kTime.size();
  const size_t size = time_at + kTimeBytes + kList.size();
  if (line.size() < size || !line.starts_with(kSeq) ||
      line.substr(kSeq.size(), number.size()) != number ||
      line.substr(kSeq.size() + number.size(), kTime.size()) != kTime ||
      line.substr(time_at + kTimeBytes, kList.size()) != kList) {
    return 0;
  }
  return size;
}

// What MatchesEncodedBatchPut looks for around the value of `key`, made
// before the line is read, so that the check itself (Found) only reads: it
// may run over a mapping, where another program can cut it short.
class EncodedBatchPut {
 public:
  EncodedBatchPut(std::string_view key, const IndexEntry& entry) {
    EncodeBatchPutAround(key, entry.expires_ms, &before_, &after_);
    // `"key":<the key>`, as `before` holds it ahead of `,"value":`.
    constexpr std::string_view kValueField = ",\"value\":";
    const size_t key_at = before_.find("\"key\":");
    named_ = std::string_view(before_).substr(
        key_at, before_.size() - kValueField.size() - key_at);
  }

  EncodedBatchPut(const EncodedBatchPut&) = delete;
  EncodedBatchPut& operator=(const EncodedBatchPut&) = delete;

  // True if `line`, starting at offset `begin` of its file, holds the
  // value `entry` names, as MatchesEncodedBatchPut says. Reads only.
  bool Found(std::string_view line, uint64_t begin, const IndexEntry& entry) const {
    const std::optional<uint64_t> stored = StoredChecksum(line);
    if (!stored) return false;
    const std::string_view covered = line.substr(0, line.size() - kChecksumTrailerBytes);
    const size_t list_start = BatchHeadSize(covered, entry.seq);
    if (list_start == 0) return false;
    if (entry.value_offset < begin) return false;
    const uint64_t at = entry.value_offset - begin;
    const uint64_t end = at + entry.value_size;
    if (at < list_start + before_.size() || end + after_.size() >= covered.size() ||
        covered.substr(at - before_.size(), before_.size()) != before_ ||
        covered.substr(end, after_.size()) != after_) {
      return false;
    }
    // The operation starts the list or follows another's closing brace, and
    // is followed by another operation or the list's end.
    const std::string_view preceding = covered.substr(0, at - before_.size());
    const char next = covered[end + after_.size()];
    if (!(preceding.size() == list_start || preceding.ends_with("},")) ||
        !(next == ',' || next == ']')) {
      return false;
    }
    // A later operation on the key would be the one that counts.
    const std::string_view rest = covered.substr(end);
    if (memmem(rest.data(), rest.size(), named_.data(), named_.size()) != nullptr) {
      return false;
    }
    return RecordChecksum(covered) == *stored;
  }

 private:
  std::string before_, after_;
  std::string_view named_;  // in before_
};

}  // namespace

bool MatchesEncodedBatchPut(std::string_view line, uint64_t begin,
                            std::string_view key, const IndexEntry& entry) {
  // Most lines a get meets are not batches: those are told by their head,
  // before the key's encoding is worked out.
  if (BatchHeadSize(line, entry.seq) == 0) return false;
  return EncodedBatchPut(key, entry).Found(line, begin, entry);
}

absl::StatusOr<VerifiedLine> ReadVerifiedLine(ReadableFile* file,
                                              const std::string& path,
                                              uint64_t size, uint64_t mapped,
                                              const IndexEntry& entry,
                                              const std::string_view* encoded_key) {
  thread_local LineDecoder decoder;
  thread_local PaddedBuffer buffer;
  thread_local std::string scratch;
  const uint64_t value_end = entry.value_offset + entry.value_size;
  if (entry.is_tombstone() || value_end > size) {
    return Mismatch(path, entry, "lies outside the segment");
  }
  const Source src{file, path, std::min(mapped, size)};
  VerifiedLine line;
  auto begin = LineStart(src, entry.value_offset, &scratch);
  if (!begin.ok()) return begin.status();
  auto end = LineEnd(src, value_end, size, &scratch);
  if (!end.ok()) return end.status();
  line.begin = *begin;
  line.end = *end;
  if (encoded_key != nullptr && line.end <= src.mapped &&
      line.end - line.begin > kProbeBytes) {
    // A long line (a batch) is checked where it is mapped, and only the
    // value is copied: a fresh process's get of one value of a large batch
    // then touches no new memory for the line. The copy is taken first and
    // compared after the check, so that what is served is what was checked.
    // A short line costs less to copy, below, than this check to prepare.
    const EncodedBatchPut expected(*encoded_key, entry);
    line.bytes.resize(entry.value_size);
    line.bytes_at = entry.value_offset;
    bool found = false;
    absl::Status s = file->ReadMapped(
        line.begin, line.end - line.begin, [&](std::string_view bytes) {
          const std::string_view value =
              bytes.substr(entry.value_offset - line.begin, entry.value_size);
          std::memcpy(line.bytes.data(), value.data(), value.size());
          found = expected.Found(bytes, line.begin, entry) &&
                  std::memcmp(line.bytes.data(), value.data(), value.size()) == 0;
        });
    if (!s.ok()) return s;
    if (found) {
      line.seq = entry.seq;
      line.decoded = false;
      return line;
    }
    line.bytes.clear();
    encoded_key = nullptr;  // decoded below, as any other line
  }
  line.bytes_at = line.begin;
  char* bytes = buffer.Resize(line.end - line.begin);
  if (absl::Status s = ReadExactly(src, line.begin, line.end, bytes); !s.ok()) {
    return s;
  }
  if (encoded_key != nullptr &&
      MatchesEncodedBatchPut(buffer.view(), line.begin, *encoded_key, entry)) {
    line.seq = entry.seq;
    line.decoded = false;
    line.bytes.assign(buffer.view());
    return line;
  }
  DecodedLine d;
  if (absl::Status s = decoder.Decode(buffer.view(), buffer.readable(), &d); !s.ok()) {
    return Mismatch(path, entry, absl::StrCat("is damaged: ", s.message()));
  }
  if (d.is_header || d.is_seal) return Mismatch(path, entry, "is not a record");
  line.seq = d.seq;
  // Within a batch the last operation on a key is the one that counts.
  for (const DecodedOp& op : d.ops) {
    line.ops[KeyHash(op.key)] =
        VerifiedLine::Op{op.is_delete, op.expires_ms,
                         line.begin + op.value_offset, op.value_size};
  }
  line.bytes.assign(buffer.view());
  return line;
}

absl::Status CopyMatchingValue(const VerifiedLine& line, ReadableFile* file,
                               const std::string& path, uint64_t mapped,
                               std::string_view key, const IndexEntry& entry,
                               std::string* out) {
  if (line.seq != entry.seq) {
    return Mismatch(path, entry, "is not the record the index names");
  }
  if (!line.decoded) {
    // Checked as encoded for this very key and entry.
    if (line.bytes.empty() || entry.value_offset < line.bytes_at ||
        entry.value_offset + entry.value_size > line.bytes_at + line.bytes.size()) {
      return absl::InternalError("an undecoded line serves only the value it was checked for");
    }
    out->assign(std::string_view(line.bytes).substr(entry.value_offset - line.bytes_at,
                                                    entry.value_size));
    return absl::OkStatus();
  }
  auto op = line.ops.find(KeyHash(key));
  if (op == line.ops.end()) {
    return Mismatch(path, entry, absl::StrCat("has no operation on key ", QuoteKey(key)));
  }
  const VerifiedLine::Op& o = op->second;
  if (o.is_delete || o.value_offset != entry.value_offset ||
      o.value_size != entry.value_size || o.expires_ms != entry.expires_ms) {
    return Mismatch(path, entry, absl::StrCat("holds another value of key ", QuoteKey(key)));
  }
  if (!line.bytes.empty()) {
    out->assign(std::string_view(line.bytes).substr(o.value_offset - line.bytes_at, o.value_size));
    return absl::OkStatus();
  }
  out->resize(o.value_size);
  return ReadExactly(Source{file, path, mapped}, o.value_offset,
                     o.value_offset + o.value_size, out->data());
}

}  // namespace dotlog
