#include "store/segment.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace dotlog {
namespace {
// Bytes read to find a segment's header line; headers are far shorter.
constexpr uint64_t kHeaderProbeBytes = 4096;
}  // namespace

absl::StatusOr<bool> IsBaseSegment(ReadableFile* file, const std::string& path) {
  auto size = file->Size();
  if (!size.ok()) return size.status();
  PaddedBuffer buffer;
  const uint64_t n = std::min(*size, kHeaderProbeBytes);
  if (absl::Status s = ReadRange(file, path, 0, n, &buffer); !s.ok()) return s;
  const std::string_view bytes = buffer.view();
  const size_t nl = bytes.find('\n');
  if (nl == std::string_view::npos) return false;
  LineDecoder decoder;
  DecodedLine decoded;
  if (!decoder.Decode(bytes.substr(0, nl), buffer.readable(), &decoded).ok()) {
    return false;
  }
  return decoded.is_header && decoded.base;
}

absl::StatusOr<std::vector<uint64_t>> ListLogSegments(
    FileSystem* fs, const std::string& dir, std::vector<uint64_t>* replaced,
    std::vector<std::string>* misnamed) {
  auto listed = ListSegmentFiles(fs, dir, misnamed);
  if (!listed.ok()) return listed.status();
  std::vector<uint64_t>& numbers = *listed;
  // The newest base decides; look for it from the newest segment down.
  for (size_t i = numbers.size(); i-- > 0;) {
    const std::string path = SegmentPath(dir, numbers[i]);
    auto file = fs->OpenReadableFile(path);
    if (absl::IsNotFound(file.status())) continue;  // a compaction removed it
    // Not a regular file (a FIFO, a directory): not a base either. Whoever
    // reads it reports it; verify lists it as a problem.
    if (absl::IsFailedPrecondition(file.status())) continue;
    if (!file.ok()) return file.status();
    auto base = IsBaseSegment(file->get(), path);
    if (!base.ok()) return base.status();
    if (!*base) continue;
    if (replaced != nullptr) replaced->assign(numbers.begin(), numbers.begin() + i);
    numbers.erase(numbers.begin(), numbers.begin() + i);
    break;
  }
  return listed;
}

absl::Status ReadRange(ReadableFile* file, const std::string& path,
                       uint64_t offset, uint64_t size, PaddedBuffer* out) {
  char* dst = out->Resize(size);
  if (size == 0) return absl::OkStatus();
  auto got = file->ReadAt(offset, dst, size);
  if (!got.ok()) return got.status();
  if (*got != size) {
    return absl::DataLossError(absl::StrCat(path, ": expected ", size,
                                            " bytes at offset ", offset,
                                            ", file ended after ", *got));
  }
  return absl::OkStatus();
}

absl::Status ReadInLinePieces(
    ReadableFile* file, const std::string& path, uint64_t begin, uint64_t end,
    PaddedBuffer* buffer,
    absl::FunctionRef<absl::Status(uint64_t offset, const PaddedBuffer& piece)>
        scan) {
  uint64_t want = kLinePieceBytes;
  for (uint64_t at = begin; at < end;) {
    const uint64_t n = std::min(want, end - at);
    if (absl::Status s = ReadRange(file, path, at, n, buffer); !s.ok()) return s;
    uint64_t piece = n;
    if (at + n < end) {
      const size_t nl = buffer->view().rfind('\n');
      if (nl == std::string_view::npos) {
        want *= 2;  // one line longer than the piece: read it whole
        continue;
      }
      piece = nl + 1;
      buffer->Resize(piece);  // keeps the bytes before `piece`
    }
    if (absl::Status s = scan(at, *buffer); !s.ok()) return s;
    at += piece;
    want = kLinePieceBytes;
  }
  return absl::OkStatus();
}

}  // namespace dotlog
