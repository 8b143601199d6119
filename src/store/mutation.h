// Validation of caller input into Mutations ready to encode. Everything a
// write could refuse is refused here, before any lock is taken or any byte
// is written.
#ifndef DOTLOG_STORE_MUTATION_H_
#define DOTLOG_STORE_MUTATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/options.h"
#include "dotlog/write_batch.h"
#include "format/record.h"

namespace dotlog {

// `key` as it appears in error messages: JSON-quoted, cut after 80 bytes.
std::string QuoteKey(std::string_view key);

// InvalidArgument unless `key` is 1 to kMaxKeyBytes bytes of valid UTF-8.
absl::Status CheckKey(std::string_view key);

// A validated put: key checked, value minified, expiry made absolute.
absl::StatusOr<Mutation> MakePut(std::string_view key,
                                 std::string_view json_value,
                                 const PutOptions& options, int64_t now_ms);
absl::StatusOr<Mutation> MakeDelete(std::string_view key);
// Every operation of `batch`, validated. InvalidArgument (naming the
// operation's index) if any is invalid, if the batch is empty, or if it
// would exceed kMaxRecordBytes.
absl::StatusOr<std::vector<Mutation>> MakeBatch(const WriteBatch& batch,
                                                int64_t now_ms);

}  // namespace dotlog

#endif  // DOTLOG_STORE_MUTATION_H_
