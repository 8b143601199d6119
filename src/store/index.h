// The in-memory index: for each key, where its newest value lives.
#ifndef DOTLOG_STORE_INDEX_H_
#define DOTLOG_STORE_INDEX_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace dotlog {

class Snapshot;

// Location and metadata of a key's newest record. 40 bytes.
struct IndexEntry {
  static constexpr uint32_t kTombstone = std::numeric_limits<uint32_t>::max();

  uint64_t seq = 0;           // record's sequence number
  int64_t expires_ms = 0;     // 0: never expires
  // File offset of the value's JSON text: 64 bits, since a compacted
  // segment holds every live value and may pass 4 GiB.
  uint64_t value_offset = 0;
  uint32_t segment = 0;       // segment number
  uint32_t value_size = 0;    // its length, or kTombstone for a delete
  uint32_t charged_bytes = 0;  // share of the record's bytes this key keeps live
  uint32_t unused = 0;        // zero; pads the entry to 8-byte alignment

  bool is_tombstone() const { return value_size == kTombstone; }
  bool expired(int64_t now_ms) const {
    return expires_ms != 0 && expires_ms <= now_ms;
  }
};

// Maps keys to IndexEntry, in two layers: an optional read-only base (an
// index snapshot, mapped from disk) and an in-memory overlay holding every
// change applied since. The overlay keeps its keys end to end in one buffer
// and its entries in one array, with a hash table of entry numbers over
// them: about 54 bytes per key besides the key itself. Not thread-safe: the
// store guards it. Neither copyable nor movable (its table refers to it).
class Index {
 public:
  Index() = default;
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // Starts over from `base` (may be null): the overlay is emptied and its
  // memory freed.
  void Reset(std::shared_ptr<const Snapshot> base);

  // Records that `key` was written by `entry`, unless the index already
  // holds a record of the key with a higher sequence number (records may be
  // applied out of order while loading). Among equal sequence numbers (one
  // batch) the later call wins. A tombstone is kept while `keep_tombstones`
  // (during a load), and whenever it hides a key of the base.
  void Apply(std::string_view key, const IndexEntry& entry,
             bool keep_tombstones);
  // Drops the tombstones kept by Apply that hide nothing in the base.
  void DropTombstones();
  // Gives back the memory that growing left unused, after a load.
  void ShrinkToFit();

  // The key's entry, or nullptr if absent or deleted. Expiry is the
  // caller's business. Valid until the next mutation of the index.
  const IndexEntry* Find(std::string_view key) const;

  // Calls `fn` for every undeleted entry, expired ones included, in no
  // particular order.
  void ForEachLive(const std::function<void(std::string_view key,
                                            const IndexEntry& entry)>& fn) const;
  // Live, unexpired entries whose keys start with `prefix`, sorted by key.
  // The keys are valid until the next mutation of the index.
  std::vector<std::pair<std::string_view, IndexEntry>> Prefix(
      std::string_view prefix, int64_t now_ms) const;
  // Number of unexpired, undeleted keys.
  uint64_t CountLive(int64_t now_ms) const;
  // Sum of charged_bytes over undeleted keys, expired ones included.
  uint64_t live_bytes() const { return live_bytes_; }
  // Of live_bytes(), those of keys expired at `now_ms`: dead bytes, which
  // compaction reclaims. The first call after Reset reads the whole base;
  // later ones cost little. `now_ms` should not go backwards between calls
  // (a key counted as expired stays counted).
  uint64_t ExpiredBytes(int64_t now_ms);
  // Entries held in memory (the overlay), tombstones included.
  size_t overlay_size() const { return table_.size(); }
  size_t size() const { return overlay_size(); }
  // Keys in both layers, deleted ones hidden in the base counted twice.
  uint64_t approximate_size() const;
  // Keys in the base layer.
  uint64_t base_size() const;
  // True if the base met damage in a lookup: answers may be wrong, and the
  // index must be rebuilt from the log.
  bool base_damaged() const;
  // Bytes the overlay holds on the heap (capacity, not just size) plus the
  // base's mapped size.
  uint64_t memory_bytes() const;
  void Clear() { Reset(nullptr); }

 private:
  // One overlay entry; its key is key_size bytes at key_offset of keys_.
  struct Slot {
    IndexEntry entry;
    uint32_t key_offset = 0;
    uint32_t key_size = 0;
  };
  // Hash and equality of entry numbers by their keys, also taking keys
  // themselves, so that the table is searched by key without a copy.
  struct SlotHash {
    using is_transparent = void;
    const Index* index;
    size_t operator()(uint32_t slot) const;
    size_t operator()(std::string_view key) const;
  };
  struct SlotEq {
    using is_transparent = void;
    const Index* index;
    bool operator()(uint32_t a, uint32_t b) const;
    bool operator()(uint32_t a, std::string_view b) const;
    bool operator()(std::string_view a, uint32_t b) const;
  };

  std::string_view KeyOf(uint32_t slot) const;
  // The overlay entry of `key`, tombstones included, or nullptr.
  Slot* FindSlot(std::string_view key);
  const Slot* FindSlot(std::string_view key) const;
  // The entry of `key` in either layer, tombstones included.
  const IndexEntry* FindAny(std::string_view key) const;
  void Insert(std::string_view key, const IndexEntry& entry);
  void Erase(uint32_t slot);
  // Adds `entry`'s charged bytes to the expiry accounting, or takes them
  // away; for undeleted entries with an expiry.
  void CountExpiry(const IndexEntry& entry);
  void ForgetExpiry(const IndexEntry& entry);
  // Rewrites keys_ without the bytes of erased keys once they are most of it.
  void MaybeCompactKeys();

  std::shared_ptr<const Snapshot> base_;
  std::vector<Slot> slots_;
  std::vector<char> keys_;  // grown by half when full (Insert)
  std::vector<uint32_t> free_slots_;  // slots of erased entries, for reuse
  uint64_t erased_key_bytes_ = 0;     // bytes of keys_ no slot points to
  absl::flat_hash_set<uint32_t, SlotHash, SlotEq> table_{
      0, SlotHash{this}, SlotEq{this}};
  uint64_t live_bytes_ = 0;
  // Expiry accounting, once ExpiredBytes was called: charged bytes of the
  // live entries that expire after `expired_until_`, by expiry time, and
  // the sum of those that expired up to it.
  bool expiry_counted_ = false;
  std::map<int64_t, uint64_t> expiring_;
  int64_t expired_until_ = std::numeric_limits<int64_t>::min();
  uint64_t expired_bytes_ = 0;
};

}  // namespace dotlog

#endif  // DOTLOG_STORE_INDEX_H_
