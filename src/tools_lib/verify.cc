#include "dotlog/verify.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "format/line_decoder.h"
#include "format/record.h"
#include "format/segment_scanner.h"
#include "store/file_names.h"
#include "store/segment.h"
#include "store/snapshot.h"
#include "store/store_directory.h"

namespace dotlog {
namespace {

// The findings of one segment file.
struct SegmentCheck {
  uint64_t number = 0;
  std::string path;
  bool is_base = false;  // a compacted base segment
  uint64_t records = 0;
  std::vector<VerifyProblem> errors;
  std::vector<VerifyProblem> warnings;
};

// Checks the structure of one segment's intact lines as they arrive.
class LineChecker {
 public:
  explicit LineChecker(SegmentCheck* check) : check_(check) {}

  void OnRecord(const ScannedLine& line) {
    const DecodedLine& d = *line.decoded;
    if (line.line_number == 1) {
      CheckHeader(line);
      return;
    }
    if (seal_line_ != 0) {
      Error(line, absl::StrCat("line after the seal line ", seal_line_));
    }
    if (d.is_header) {
      Error(line, "segment header after the first line");
      return;
    }
    if (d.is_seal) {
      if (seal_line_ == 0) seal_line_ = line.line_number;
      return;
    }
    ++check_->records;
    // A base segment writes each operation of a batch as its own record,
    // all with the batch's sequence number.
    const bool repeat_ok = check_->is_base && d.seq == last_seq_;
    if (last_seq_ != 0 && d.seq <= last_seq_ && !repeat_ok) {
      Error(line, absl::StrCat("sequence number ", d.seq,
                               " does not increase (previous record has ",
                               last_seq_, ")"));
    }
    last_seq_ = std::max(last_seq_, d.seq);
  }

  void OnDamage(const DamagedLine& d) {
    check_->errors.push_back(
        VerifyProblem{check_->path, d.line_number, d.offset, d.reason});
  }

 private:
  void CheckHeader(const ScannedLine& line) {
    const DecodedLine& d = *line.decoded;
    if (!d.is_header) {
      Error(line, "segment does not start with a header");
      if (d.is_seal) {
        seal_line_ = line.line_number;
      } else {
        ++check_->records;
        last_seq_ = d.seq;
      }
      return;
    }
    if (d.format_version > kFormatVersion) {
      Error(line, absl::StrCat("written in format version ", d.format_version,
                               ", newer than this dotlog reads (",
                               kFormatVersion, ")"));
    }
    if (d.segment != check_->number) {
      Error(line, absl::StrCat("header names segment ", d.segment,
                               " but the file name says ", check_->number));
    }
    check_->is_base = d.base;
  }

  void Error(const ScannedLine& line, std::string reason) {
    check_->errors.push_back(VerifyProblem{check_->path, line.line_number,
                                           line.offset, std::move(reason)});
  }

  SegmentCheck* const check_;
  uint64_t last_seq_ = 0;
  uint64_t seal_line_ = 0;  // number of the seal line, 0 until one is met
};

// The bytes of segment `path` handed to `scan`: the newest whole (its tail
// is judged as a whole), a sealed one a piece at a time (a base segment
// holds the whole store). Sets `*empty` if the file is empty.
absl::Status ReadSegmentFor(
    FileSystem* fs, const std::string& path, bool newest, bool* empty,
    absl::FunctionRef<absl::Status(uint64_t offset, const PaddedBuffer& bytes)>
        scan) {
  PaddedBuffer bytes;
  if (newest) {
    if (absl::Status s = ReadWholeSegment(fs, path, &bytes); !s.ok()) return s;
    *empty = bytes.view().empty();
    return scan(0, bytes);
  }
  auto file = fs->OpenReadableFile(path);
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  *empty = *size == 0;
  return ReadInLinePieces(file->get(), path, 0, *size, &bytes, scan);
}

// Reads and checks segment `number`. The newest segment may end in a torn
// tail; any other is sealed and must be whole.
absl::StatusOr<SegmentCheck> CheckSegment(FileSystem* fs,
                                          const std::string& dir,
                                          uint64_t number, bool newest) {
  SegmentCheck check;
  check.number = number;
  check.path = SegmentPath(dir, number);
  LineChecker checker(&check);
  SegmentScanner scanner;
  uint64_t next_line = 1;
  bool empty = false;
  absl::Status read = ReadSegmentFor(
      fs, check.path, newest, &empty,
      [&](uint64_t offset, const PaddedBuffer& bytes) -> absl::Status {
        auto end = scanner.Scan(
            bytes, offset, next_line, false,
            newest ? TailPolicy::kWithholdTail : TailPolicy::kReportAll,
            [&](const ScannedLine& line) {
              checker.OnRecord(line);
              return absl::OkStatus();
            },
            [&](const DamagedLine& d) { checker.OnDamage(d); });
        if (!end.ok()) return end.status();
        next_line = end->next_line;
        if (end->withheld_bytes > 0) {
          check.warnings.push_back(VerifyProblem{
              check.path, end->next_line, end->offset,
              absl::StrCat(
                  "torn tail of ", end->withheld_bytes,
                  " bytes after the last intact record (an append in "
                  "progress, or a crash leftover the next write cuts off)")});
        }
        return absl::OkStatus();
      });
  if (absl::IsFailedPrecondition(read)) {  // a link, FIFO, directory
    check.errors.push_back(
        VerifyProblem{check.path, 0, 0, std::string(read.message())});
    return check;
  }
  if (!read.ok()) return read;
  if (empty) {
    VerifyProblem p{check.path, 0, 0, "empty segment: no header"};
    if (newest) {
      p.reason = "empty newest segment (being created, or a crash right after)";
      check.warnings.push_back(std::move(p));
    } else {
      check.errors.push_back(std::move(p));
    }
  }
  return check;
}

// Reports a store directory others could write to, and an index snapshot
// or lock that is not a regular file.
void CheckStoreFiles(FileSystem* fs, const std::string& dir,
                     VerifyReport* report) {
  if (absl::Status s = CheckStoreDirectory(fs, dir); !s.ok()) {
    report->errors.push_back(
        VerifyProblem{dir, 0, 0, std::string(s.message())});
  }
  for (const std::string& path : {SnapshotPath(dir), LockFilePath(dir)}) {
    auto info = fs->Stat(path);
    if (!info.ok() || info->type == FileInfo::Type::kRegular) continue;
    report->errors.push_back(VerifyProblem{
        path, 0, 0,
        "is not a regular file; the store cannot use it: move it away"});
  }
}

}  // namespace

absl::StatusOr<VerifyReport> VerifyStore(const std::string& dir,
                                         FileSystem* fs) {
  if (fs == nullptr) fs = DefaultFileSystem();
  if (absl::Status s = CheckStoreDirectoryExists(fs, dir); !s.ok()) return s;
  // Segments a compaction replaced are not part of the log: the store and
  // every other reader ignore them (store/segment.h, ListLogSegments).
  std::vector<uint64_t> replaced;
  std::vector<std::string> misnamed;
  auto numbers = ListLogSegments(fs, dir, &replaced, &misnamed);
  if (!numbers.ok()) return numbers.status();
  VerifyReport report;
  for (const std::string& name : misnamed) {
    report.warnings.push_back(VerifyProblem{
        FilePath(dir, name), 0, 0,
        "not a name the store gives its segments (segment-NNNNNN.jsonl); "
        "ignored: rename or move it"});
  }
  CheckStoreFiles(fs, dir, &report);
  for (uint64_t number : replaced) {
    ++report.segments;
    report.warnings.push_back(VerifyProblem{
        SegmentPath(dir, number), 0, 0,
        absl::StrCat("replaced by compacted segment ", numbers->front(),
                     " but not removed yet; not checked")});
  }
  for (size_t i = 0; i < numbers->size(); ++i) {
    auto check = CheckSegment(fs, dir, (*numbers)[i], i + 1 == numbers->size());
    // A compaction running meanwhile removes the segments it replaced.
    if (absl::IsNotFound(check.status())) continue;
    if (!check.ok()) return check.status();
    ++report.segments;
    report.records += check->records;
    for (auto& p : check->errors) report.errors.push_back(std::move(p));
    for (auto& p : check->warnings) report.warnings.push_back(std::move(p));
  }
  return report;
}

std::string FormatProblem(const VerifyProblem& problem) {
  if (problem.line == 0)
    return absl::StrCat(problem.file, ": ", problem.reason);
  return absl::StrCat(problem.file, ":", problem.line, ": ", problem.reason);
}

}  // namespace dotlog
