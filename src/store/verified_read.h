// Reading a value together with the record that holds it, checked: for
// segments whose bytes were not read when the index was loaded.
#ifndef DOTLOG_STORE_VERIFIED_READ_H_
#define DOTLOG_STORE_VERIFIED_READ_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dotlog/file_system.h"
#include "store/index.h"

namespace dotlog {

// A line read whole and verified: a record whose xxh3 checks, and what
// each key's last operation in it says, by the key's XXH3-64 (so that a
// kept batch line of many keys costs little memory). Two keys of one line
// with the same hash keep the later one's operation: a read of the other
// then fails to match, never returns another key's value.
struct VerifiedLine {
  struct Op {
    bool is_delete = false;
    int64_t expires_ms = 0;
    uint64_t value_offset = 0;  // in the file
    uint32_t value_size = 0;
  };
  uint64_t begin = 0, end = 0;  // [begin, end) in the file, '\n' excluded
  uint64_t seq = 0;
  absl::flat_hash_map<uint64_t, Op> ops;
  std::string bytes;  // the line, while fresh; emptied before it is kept
};

// Reads the whole line of `file` (at `path`, `size` bytes known to the
// index) that holds byte `entry.value_offset` and verifies it: DataLoss
// naming the file, offset and reason if it is not an intact record.
// Bytes below `mapped` (what the file's last Map covered) are copied from
// the mapping, the rest read with ReadAt. Thread-safe.
absl::StatusOr<VerifiedLine> ReadVerifiedLine(ReadableFile* file,
                                              const std::string& path,
                                              uint64_t size, uint64_t mapped,
                                              const IndexEntry& entry);

// Copies the value of `key` that `entry` points to into `out` only if
// `line` (which holds it) says what the index says: sequence number
// `entry.seq`, and as the last operation on `key` a put of a value at
// exactly that offset, of that size, with that expiry. DataLoss otherwise.
// Reads the value from `file` (as ReadVerifiedLine does, below `mapped`
// from the mapping) unless `line` still holds its bytes.
absl::Status CopyMatchingValue(const VerifiedLine& line, ReadableFile* file,
                               const std::string& path, uint64_t mapped,
                               std::string_view key, const IndexEntry& entry,
                               std::string* out);

}  // namespace dotlog

#endif  // DOTLOG_STORE_VERIFIED_READ_H_
