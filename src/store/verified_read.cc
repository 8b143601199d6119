#include "store/verified_read.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "format/line_decoder.h"
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

// The offset where the line holding byte `at` begins: just after the
// nearest '\n' before it, or 0.
absl::StatusOr<uint64_t> LineStart(const Source& src, uint64_t at,
                                   std::string* scratch) {
  while (at > 0) {
    const uint64_t from = at > kProbeBytes ? at - kProbeBytes : 0;
    scratch->resize(at - from);
    if (absl::Status s = ReadExactly(src, from, at, scratch->data()); !s.ok()) {
      return s;
    }
    const size_t nl = scratch->rfind('\n');
    if (nl != std::string::npos) return from + nl + 1;
    at = from;
  }
  return 0;
}

// The offset of the '\n' that ends the line holding byte `at`, or `size`.
absl::StatusOr<uint64_t> LineEnd(const Source& src, uint64_t at, uint64_t size,
                                 std::string* scratch) {
  while (at < size) {
    const uint64_t to = std::min(size, at + kProbeBytes);
    scratch->resize(to - at);
    if (absl::Status s = ReadExactly(src, at, to, scratch->data()); !s.ok()) {
      return s;
    }
    const size_t nl = scratch->find('\n');
    if (nl != std::string::npos) return at + nl;
    at = to;
  }
  return size;
}

}  // namespace

absl::StatusOr<VerifiedLine> ReadVerifiedLine(ReadableFile* file,
                                              const std::string& path,
                                              uint64_t size, uint64_t mapped,
                                              const IndexEntry& entry) {
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
  char* bytes = buffer.Resize(line.end - line.begin);
  if (absl::Status s = ReadExactly(src, line.begin, line.end, bytes); !s.ok()) {
    return s;
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
    out->assign(std::string_view(line.bytes).substr(o.value_offset - line.begin, o.value_size));
    return absl::OkStatus();
  }
  out->resize(o.value_size);
  return ReadExactly(Source{file, path, mapped}, o.value_offset,
                     o.value_offset + o.value_size, out->data());
}

}  // namespace dotlog
