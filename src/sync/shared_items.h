// Which parts of a store are shared between machines, and the keys the
// replica keeps its own bookkeeping under.
#ifndef DOTLOG_SYNC_SHARED_ITEMS_H_
#define DOTLOG_SYNC_SHARED_ITEMS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dotlog::sync_internal {

// Bookkeeping keys; never shared (a rule may not name them).
inline constexpr std::string_view kSyncPrefix = "sync/";
// The stream position, per-machine sequence numbers and clock, written in
// the batch of every applied round.
inline constexpr std::string_view kPositionKey = "sync/position";
// The feed position published up to, and the entries written to the stream
// next (kept until the stream has them, so a restart resends them as they
// were).
inline constexpr std::string_view kOutboxKey = "sync/outbox";
// Followed by an item: the version of the item the store holds.
inline constexpr std::string_view kMetaPrefix = "sync/meta/";

// One rule: a key prefix, or one top-level field of one key's JSON object
// ("KEY#FIELD").
struct SharedRule {
  std::string prefix = {};  // the prefix, or the whole key of a field rule
  std::string field;   // "" for a prefix rule
};

// A shared item a key carries: the key itself, or "KEY#FIELD".
struct ItemOfKey {
  std::string item = {};
  std::string field = {};  // "" when the item is the whole key
};

class SharedItems {
 public:
  // Parses `specs`. InvalidArgument naming the spec when one is empty,
  // names a bookkeeping key (sync/...), or has an empty field after '#'.
  static absl::StatusOr<SharedItems> Parse(
      const std::vector<std::string>& specs);

  // The items of `key` that are shared (none, usually).
  std::vector<ItemOfKey> ItemsOf(std::string_view key) const;
  // The item `item` names, if this machine shares it: its key and field.
  bool Find(std::string_view item, std::string* key, std::string* field) const;

  const std::vector<SharedRule>& rules() const { return rules_; }

 private:
  std::vector<SharedRule> rules_;
};

}  // namespace dotlog::sync_internal

#endif  // DOTLOG_SYNC_SHARED_ITEMS_H_
