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
  // False if the line was checked as encoded (MatchesEncodedBatchPut)
  // instead of decoded: then `ops` is empty, and only the value the check
  // was for may be served from it.
  bool decoded = true;
  absl::flat_hash_map<uint64_t, Op> ops;
  // While fresh (emptied before the line is kept): the line, or, of an
  // undecoded line checked where it is mapped, only the value checked for.
  std::string bytes;
  uint64_t bytes_at = 0;  // the file offset of bytes[0]
};

// Reads the whole line of `file` (at `path`, `size` bytes known to the
// index) that holds byte `entry.value_offset` and verifies it: DataLoss
// naming the file, offset and reason if it is not an intact record.
// Bytes below `mapped` (what the file's last Map covered) are copied from
// the mapping, the rest read with ReadAt. Thread-safe.
// With `encoded_key`, a batch line that MatchesEncodedBatchPut for that key
// is returned undecoded (VerifiedLine::decoded false), its bytes kept: a
// line over 4096 bytes below `mapped` is checked in place
// (ReadableFile::ReadMapped), and only the value's bytes are kept.
absl::StatusOr<VerifiedLine> ReadVerifiedLine(
    ReadableFile* file, const std::string& path, uint64_t size,
    uint64_t mapped, const IndexEntry& entry,
    const std::string_view* encoded_key = nullptr);

// True if `line` (without its '\n', starting at offset `begin` of its
// file) can be seen to hold what the index says of `key` without decoding
// it: its stored checksum is right, it is a batch record with sequence
// number `entry.seq` in the form EncodeRecord writes, the bytes around the
// value at `entry.value_offset` are exactly those EncodeBatchPutAround
// gives for `key` and `entry.expires_ms`, followed by the next operation
// or the list's end, and `key` is named nowhere after it. False means
// only that the line must be decoded to decide.
bool MatchesEncodedBatchPut(std::string_view line, uint64_t begin,
                            std::string_view key, const IndexEntry& entry);

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
