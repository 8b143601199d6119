// Reading a value together with the record that holds it, checked: for
// segments whose bytes were not read when the index was loaded.
#ifndef DOTLOG_STORE_VERIFIED_READ_H_
#define DOTLOG_STORE_VERIFIED_READ_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "dotlog/file_system.h"
#include "store/index.h"

namespace dotlog {

// Reads the whole line of `file` (at `path`, `size` bytes known to the
// index) that holds the value `entry` points to, and copies the value into
// `out` only if that line is a record that verifies (its xxh3) and says what
// the index says: sequence number `entry.seq`, an operation on `key` (the
// last one, in a batch) that puts a value at exactly that offset, of that
// size, with that expiry. DataLoss naming the file, offset and reason
// otherwise. Thread-safe.
absl::Status ReadVerifiedValue(ReadableFile* file, const std::string& path,
                               uint64_t size, std::string_view key,
                               const IndexEntry& entry, std::string* out);

}  // namespace dotlog

#endif  // DOTLOG_STORE_VERIFIED_READ_H_
