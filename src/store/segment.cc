#include "store/segment.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "util/strings.h"

namespace dotlog {
namespace {
constexpr std::string_view kPrefix = "segment-";
constexpr std::string_view kSuffix = ".jsonl";
// Bytes read to find a segment's header line; headers are far shorter.
constexpr uint64_t kHeaderProbeBytes = 4096;
}  // namespace

std::string SegmentFileName(uint64_t number) {
  return absl::StrFormat("%s%06d%s", kPrefix, number, kSuffix);
}

bool LooksLikeSegmentFileName(std::string_view name) {
  return name.starts_with(kPrefix) && name.ends_with(kSuffix);
}

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  name.remove_suffix(kSuffix.size());
  if (name.empty() ||
      name.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  uint64_t number = 0;
  if (!absl::SimpleAtoi(AV(name), &number) || number == 0) return std::nullopt;
  // Only the name the store writes: "segment-7.jsonl" is some other file.
  if (name.size() != SegmentFileName(number).size() - kPrefix.size() -
                         kSuffix.size()) {
    return std::nullopt;
  }
  return number;
}

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

absl::StatusOr<std::vector<uint64_t>> ListSegmentFiles(FileSystem* fs,
                                                       const std::string& dir) {
  auto names = fs->ListDir(dir);
  if (!names.ok()) return names.status();
  std::vector<uint64_t> numbers;
  for (const std::string& name : *names) {
    if (auto n = ParseSegmentFileName(name)) numbers.push_back(*n);
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

absl::StatusOr<std::vector<uint64_t>> ListLogSegments(
    FileSystem* fs, const std::string& dir, std::vector<uint64_t>* replaced) {
  auto listed = ListSegmentFiles(fs, dir);
  if (!listed.ok()) return listed.status();
  std::vector<uint64_t>& numbers = *listed;
  // The newest base decides; look for it from the newest segment down.
  for (size_t i = numbers.size(); i-- > 0;) {
    const std::string path = absl::StrCat(dir, "/", SegmentFileName(numbers[i]));
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

}  // namespace dotlog
