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

// What marks a per-machine rule ("log:PREFIX"), and what separates a key
// of such a rule from the machine that wrote it ("KEY@MACHINE").
inline constexpr std::string_view kPerMachineMark = "log:";
inline constexpr char kMachineSeparator = '@';

// One rule: a key prefix, one top-level field of one key's JSON object
// ("KEY#FIELD"), or a per-machine prefix ("log:PREFIX").
struct SharedRule {
  std::string prefix = {};  // the prefix, or the whole key of a field rule
  std::string field;   // "" for a prefix rule
  // The keys under the prefix are each machine's own (an event log): a
  // key this machine writes travels as item "KEY@MACHINE", and another
  // machine's is kept under that item's name, so that two machines'
  // equal keys never meet.
  bool per_machine = false;
};

// A shared item a key carries: the key itself, or "KEY#FIELD".
struct ItemOfKey {
  std::string item = {};
  std::string field = {};  // "" when the item is the whole key
};

class SharedItems {
 public:
  // Parses `specs` for the machine named `machine`. InvalidArgument naming
  // the spec when one is empty, names a bookkeeping key (sync/...), has an
  // empty field after '#', or combines "log:" with '#'.
  static absl::StatusOr<SharedItems> Parse(
      const std::vector<std::string>& specs, std::string machine);

  // The items of `key` that are shared (none, usually).
  std::vector<ItemOfKey> ItemsOf(std::string_view key) const;
  // The item `item` names, if this machine shares it: its key and field.
  bool Find(std::string_view item, std::string* key, std::string* field) const;

  const std::vector<SharedRule>& rules() const { return rules_; }

 private:
  std::vector<SharedRule> rules_;
  std::string machine_;
};

}  // namespace dotlog::sync_internal

#endif  // DOTLOG_SYNC_SHARED_ITEMS_H_
