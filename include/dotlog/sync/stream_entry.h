// One entry of the replication stream: the shared part of one committed
// record of one machine's store, as the Redis Stream carries it.
#ifndef DOTLOG_SYNC_STREAM_ENTRY_H_
#define DOTLOG_SYNC_STREAM_ENTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/sync/hybrid_clock.h"

namespace dotlog {

// The entry format this library writes and the newest it reads.
inline constexpr int64_t kStreamEntryVersion = 1;

// A change of one shared item: a key, or one top-level field of a key's
// JSON object (written "KEY#FIELD", see SharedItems).
struct SharedChange {
  std::string item = {};
  bool deleted = false;
  std::string value = {};  // minified JSON text; empty when deleted
  // Absolute expiry in milliseconds since the epoch; empty: none.
  std::optional<int64_t> expires_ms = {};
  friend bool operator==(const SharedChange&, const SharedChange&) = default;
};

struct StreamEntry {
  int64_t version = kStreamEntryVersion;
  std::string machine = {};  // whose store committed the record
  uint64_t seq = 0;     // the record's sequence number in that store
  Hlc hlc = 0;          // when it was published, by the machine's clock
  std::vector<SharedChange> changes = {};  // in the record's order
  friend bool operator==(const StreamEntry&, const StreamEntry&) = default;
};

// A stream entry's fields, as XADD takes them and XREAD returns them.
using StreamFields = std::vector<std::pair<std::string, std::string>>;

// The fields of `entry`: "v" version, "m" machine, "s" seq, "h" hlc (all
// decimal), and "c", a JSON array of {"k":item,"v":value[,"x":expiry]} or
// {"k":item,"d":true}.
StreamFields EncodeEntry(const StreamEntry& entry);

// The entry `fields` describe. InvalidArgument naming the field and what is
// wrong with it when a field is missing or malformed (a change's value must
// be valid JSON, an item valid UTF-8); FailedPrecondition when "v" names a
// newer format than kStreamEntryVersion. Unknown fields are ignored, so a
// later version may add some.
absl::StatusOr<StreamEntry> DecodeEntry(const StreamFields& fields);

}  // namespace dotlog

#endif  // DOTLOG_SYNC_STREAM_ENTRY_H_
