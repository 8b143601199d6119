// The names of the files in a store directory, in one place: what each file
// is called, how a name is read back, and how the segments are listed.
#ifndef DOTLOG_STORE_FILE_NAMES_H_
#define DOTLOG_STORE_FILE_NAMES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/file_system.h"
#include "format/line_decoder.h"

namespace dotlog {

// The file that holds the write lock and the shared counters.
inline constexpr char kLockFileName[] = "LOCK";
// The file locked while a compaction runs (one at a time per store).
inline constexpr char kCompactionLockName[] = "COMPACTION.LOCK";
// The index snapshot, a cache of the index at a position of the log.
inline constexpr char kSnapshotFileName[] = "index.snapshot";
// Appended to a base segment's name while compaction writes it.
inline constexpr char kCompactionTempSuffix[] = ".compacting";

// What a file in a store directory is.
enum class FileKind {
  kSegment,         // segment-NNNNNN.jsonl
  kLock,            // LOCK
  kCompactionLock,  // COMPACTION.LOCK
  kSnapshot,        // index.snapshot
  kSnapshotTemp,    // index.snapshot.<writer id>, before its rename
  kCompactionTemp,  // segment-NNNNNN.jsonl.compacting, before its rename
};

// A file name read back: its kind and, for segments and compaction
// temporaries, the segment's number (0 for the other kinds).
struct ParsedFileName {
  FileKind kind;
  uint64_t number = 0;
};

// "segment-000042.jsonl" for 42. Numbers need not be six digits wide.
std::string SegmentFileName(uint64_t number);
// The number in a segment file name exactly as SegmentFileName writes it,
// or nullopt for any other name ("segment-7.jsonl" included).
std::optional<uint64_t> ParseSegmentFileName(std::string_view name);
// True if `name` has a segment file's prefix and suffix, whether or not
// ParseSegmentFileName accepts it.
bool LooksLikeSegmentFileName(std::string_view name);
// The kind of the file called `name` (a name, not a path), or nullopt for a
// name the store never gives a file.
std::optional<ParsedFileName> ParseFileName(std::string_view name);

// The path of the file called `name` in `dir`.
std::string FilePath(std::string_view dir, std::string_view name);
// Paths of the store's files in the store directory `dir`.
std::string SegmentPath(std::string_view dir, uint64_t number);
std::string LockFilePath(std::string_view dir);
std::string CompactionLockPath(std::string_view dir);
std::string SnapshotPath(std::string_view dir);
// The file a snapshot is written to before it is renamed over the
// snapshot; `writer_id` keeps processes writing at once apart.
std::string SnapshotTempPath(std::string_view dir, uint64_t writer_id);
// The file compaction writes base segment `number` to before the rename.
std::string CompactionTempPath(std::string_view dir, uint64_t number);

// The numbers of every segment file in `dir`, ascending, as listed by `fs`.
// If `misnamed` is not null, it receives the names that look like segment
// files (LooksLikeSegmentFileName) but are not names the store writes.
absl::StatusOr<std::vector<uint64_t>> ListSegmentFiles(
    FileSystem* fs, const std::string& dir,
    std::vector<std::string>* misnamed = nullptr);

// Reads the whole segment file at `path` into `out`. The file system's
// errors (NotFound if it is absent, FailedPrecondition if it is not a
// regular file); DataLoss if it shrinks while being read.
absl::Status ReadWholeSegment(FileSystem* fs, const std::string& path,
                              PaddedBuffer* out);

}  // namespace dotlog

#endif  // DOTLOG_STORE_FILE_NAMES_H_
