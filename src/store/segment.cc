#include "store/segment.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "util/strings.h"

namespace dotlog {
namespace {
constexpr std::string_view kPrefix = "segment-";
constexpr std::string_view kSuffix = ".jsonl";
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
