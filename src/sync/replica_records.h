// The JSON values of the replica's bookkeeping keys (see
// dotlog/sync/replica.h), and the field operations of "KEY#FIELD" items.
#ifndef DOTLOG_SYNC_REPLICA_RECORDS_H_
#define DOTLOG_SYNC_REPLICA_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/change_feed.h"
#include "dotlog/sync/replica.h"
#include "dotlog/sync/stream_entry.h"

namespace dotlog::sync_internal {

// The version of a shared item the store holds (sync/meta/ITEM):
// {"h":hlc,"m":machine,"d":deleted,"x":"value hash"}.
struct ItemMeta {
  Hlc hlc = 0;
  std::string machine = {};
  bool deleted = false;
  std::string hash = {};  // ValueHash of the value; "" when deleted
};
std::string EncodeMeta(const ItemMeta& meta);
absl::StatusOr<ItemMeta> DecodeMeta(std::string_view json);

// XXH3-64 of `value` as 16 lowercase hex digits.
std::string ValueHash(std::string_view value);

// sync/position: {"id":"MS-N","n":entries read,"hlc":N,
// "peers":{"machine":seq,...}}.
std::string EncodePosition(const ReplicaPosition& position);
absl::StatusOr<ReplicaPosition> DecodePosition(std::string_view json);

// sync/outbox: the feed position published up to and the entries not yet
// confirmed in the stream, each as an object of its stream fields.
struct Outbox {
  FeedPosition feed = {};
  Hlc hlc = 0;  // the last timestamp handed out
  std::vector<StreamEntry> entries = {};
};
std::string EncodeOutbox(const Outbox& outbox);
absl::StatusOr<Outbox> DecodeOutbox(std::string_view json);

// The value of top-level `field` of the JSON object `object` (minified), or
// nullopt if the field is absent or `object` is not an object.
std::optional<std::string> FieldOf(std::string_view object,
                                   std::string_view field);

// `object` (nullopt: absent) with `field` set to `value` (nullopt: field
// removed), other fields kept in their order. An absent object starts as
// `{"layout":1}` plus, for the wallpaper key, an empty "monitors" object,
// as the state layer expects. InvalidArgument if `object` is not an object.
absl::StatusOr<std::string> WithField(const std::optional<std::string>& object,
                                      std::string_view key,
                                      std::string_view field,
                                      const std::optional<std::string>& value);

}  // namespace dotlog::sync_internal

#endif  // DOTLOG_SYNC_REPLICA_RECORDS_H_
