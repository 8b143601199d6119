// Reading a store's segment files directly, as the crash tests
// (tests/store/crash_*_test.cc) do after a kill: does every line the store
// reads verify, and what do the files hold.
#ifndef DOTLOG_TESTS_SUPPORT_SEGMENT_FILES_H_
#define DOTLOG_TESTS_SUPPORT_SEGMENT_FILES_H_

#include <cstdint>
#include <string>

namespace dotlog::testing {

// What the raw segment files hold.
struct SegmentFiles {
  std::string problem;      // first defect found, "" if none
  uint64_t segments = 0;    // files the store reads (none below a base)
  uint64_t records = 0;     // intact record lines (headers not counted)
  uint64_t tail_bytes = 0;  // bytes after the last '\n' of the newest file
  uint64_t base = 0;        // number of the newest base segment, 0 if none
  // Files a crashed compaction left: ones below the base, and temporaries.
  uint64_t leftovers = 0;
};

// Reads the segment files of `dir` directly and decodes each line with the
// library's own decoder. Files numbered below the newest base segment (a
// compaction's output) are leftovers that every reader ignores, and so does
// this check. In the others: every line carries a valid checksum, line 1 of
// each file is its header and no other line is a header, a seal line is
// the last of its file, sequence numbers rise across files (a base segment
// repeats a batch's number for each of its operations), and only the
// newest file may be empty or end without '\n'.
SegmentFiles CheckSegmentFiles(const std::string& dir);

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_SEGMENT_FILES_H_
