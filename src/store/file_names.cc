#include "store/file_names.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "store/segment.h"
#include "util/strings.h"

namespace dotlog {
namespace {
constexpr std::string_view kPrefix = "segment-";
constexpr std::string_view kSuffix = ".jsonl";
constexpr std::string_view kTempSuffix = kCompactionTempSuffix;

std::string SnapshotTempFileName(uint64_t writer_id) {
  return absl::StrCat(kSnapshotFileName, ".", writer_id);
}
}  // namespace

std::string SegmentFileName(uint64_t number) {
  return absl::StrFormat("%s%06d%s", kPrefix, number, kSuffix);
}

bool LooksLikeSegmentFileName(std::string_view name) {
  return name.starts_with(kPrefix) && name.ends_with(kSuffix);
}

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  if (!LooksLikeSegmentFileName(name)) return std::nullopt;
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

std::optional<ParsedFileName> ParseFileName(std::string_view name) {
  if (name == kLockFileName) return ParsedFileName{FileKind::kLock};
  if (name == kCompactionLockName) {
    return ParsedFileName{FileKind::kCompactionLock};
  }
  if (name == kSnapshotFileName) return ParsedFileName{FileKind::kSnapshot};
  if (auto n = ParseSegmentFileName(name)) {
    return ParsedFileName{FileKind::kSegment, *n};
  }
  if (name.ends_with(kTempSuffix)) {
    name.remove_suffix(kTempSuffix.size());
    if (auto n = ParseSegmentFileName(name)) {
      return ParsedFileName{FileKind::kCompactionTemp, *n};
    }
    return std::nullopt;
  }
  // "index.snapshot." and a writer id exactly as SnapshotTempPath writes it.
  const std::string_view snapshot = kSnapshotFileName;
  uint64_t writer_id = 0;
  if (name.starts_with(snapshot) && name.size() > snapshot.size() + 1 &&
      name.find_first_not_of("0123456789", snapshot.size() + 1) ==
          std::string_view::npos &&
      absl::SimpleAtoi(AV(name.substr(snapshot.size() + 1)), &writer_id) &&
      name == SnapshotTempFileName(writer_id)) {
    return ParsedFileName{FileKind::kSnapshotTemp};
  }
  return std::nullopt;
}

std::string FilePath(std::string_view dir, std::string_view name) {
  return absl::StrCat(AV(dir), "/", AV(name));
}

std::string SegmentPath(std::string_view dir, uint64_t number) {
  return FilePath(dir, SegmentFileName(number));
}

std::string LockFilePath(std::string_view dir) {
  return FilePath(dir, kLockFileName);
}

std::string CompactionLockPath(std::string_view dir) {
  return FilePath(dir, kCompactionLockName);
}

std::string SnapshotPath(std::string_view dir) {
  return FilePath(dir, kSnapshotFileName);
}

std::string SnapshotTempPath(std::string_view dir, uint64_t writer_id) {
  return FilePath(dir, SnapshotTempFileName(writer_id));
}

std::string CompactionTempPath(std::string_view dir, uint64_t number) {
  return absl::StrCat(SegmentPath(dir, number), kCompactionTempSuffix);
}

absl::StatusOr<std::vector<uint64_t>> ListSegmentFiles(
    FileSystem* fs, const std::string& dir, std::vector<std::string>* misnamed) {
  auto names = fs->ListDir(dir);
  if (!names.ok()) return names.status();
  std::vector<uint64_t> numbers;
  for (const std::string& name : *names) {
    if (auto n = ParseSegmentFileName(name)) {
      numbers.push_back(*n);
    } else if (misnamed != nullptr && LooksLikeSegmentFileName(name)) {
      misnamed->push_back(name);
    }
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

absl::Status ReadWholeSegment(FileSystem* fs, const std::string& path,
                              PaddedBuffer* out) {
  auto file = fs->OpenReadableFile(path);
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  return ReadRange(file->get(), path, 0, *size, out);
}

}  // namespace dotlog
