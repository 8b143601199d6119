// Which parts of a store are shared between machines, and the keys the
// replica keeps its own bookkeeping under.
#ifndef DOTLOG_SYNC_SHARED_ITEMS_H_
#define DOTLOG_SYNC_SHARED_ITEMS_H_

#include <optional>
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
// Never written: deleting it writes nothing, but takes the store's write
// lock, under which the store reads everything in its files (see
// Replica::Open).
inline constexpr std::string_view kViewKey = "sync/view";
// Followed by an item: the version of the item the store holds.
inline constexpr std::string_view kMetaPrefix = "sync/meta/";

// Followed by a counter key: the counter's contributions (see
// replica_counters.h).
inline constexpr std::string_view kCountPrefix = "sync/count/";

// What marks a per-machine rule ("log:PREFIX") and a counter rule
// ("count:PREFIX"), and what separates a key of such a rule from the
// machine that wrote it ("KEY@MACHINE").
inline constexpr std::string_view kPerMachineMark = "log:";
inline constexpr std::string_view kCounterMark = "count:";
inline constexpr char kMachineSeparator = '@';

// One rule: a key prefix, one top-level field of one key's JSON object
// ("KEY#FIELD"), a per-machine prefix ("log:PREFIX") or a counter prefix
// ("count:PREFIX").
struct SharedRule {
  std::string prefix = {};  // the prefix, or the whole key of a field rule
  std::string field;   // "" for a prefix rule
  // The keys under the prefix are each machine's own (an event log): a
  // key this machine writes travels as item "KEY@MACHINE", and another
  // machine's is kept under that item's name, so that two machines'
  // equal keys never meet.
  bool per_machine = false;
  // The keys under the prefix are counters (Store::Increment): what
  // travels is this machine's contribution to key KEY, as item
  // "KEY@MACHINE", and the local KEY holds the sum of every machine's.
  bool counter = false;
};

// A shared item a key carries: the key itself, or "KEY#FIELD".
struct ItemOfKey {
  std::string item = {};
  std::string field = {};  // "" when the item is the whole key
  bool counter = false;    // the item is a machine's contribution to key
};

// What a shared item names: the local key, and for a field item the
// field; for a counter item, the counter's key and the machine whose
// contribution it is.
struct KeyOfItem {
  std::string key = {};
  std::string field = {};    // "" when the item is the whole key
  std::string machine = {};  // "" unless the item is a counter's
};

class SharedItems {
 public:
  // Parses `specs` for the machine named `machine`. InvalidArgument naming
  // the spec when one is empty, names a bookkeeping key (sync/...), has an
  // empty field after '#', or combines "log:" or "count:" with '#'.
  static absl::StatusOr<SharedItems> Parse(
      const std::vector<std::string>& specs, std::string machine);

  // The items of `key` that are shared (none, usually).
  std::vector<ItemOfKey> ItemsOf(std::string_view key) const;
  // The key (and field, or counter's machine) `item` names, or nullopt if
  // this machine does not share it.
  std::optional<KeyOfItem> Find(std::string_view item) const;
  // True if `item` is a machine's contribution to a counter shared here.
  bool IsCounterItem(std::string_view item) const {
    std::optional<KeyOfItem> found = Find(item);
    return found.has_value() && !found->machine.empty();
  }

  const std::vector<SharedRule>& rules() const { return rules_; }

 private:
  std::vector<SharedRule> rules_;
  std::string machine_;
};

}  // namespace dotlog::sync_internal

#endif  // DOTLOG_SYNC_SHARED_ITEMS_H_
