#include "store/index.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "store/snapshot.h"
#include "util/strings.h"

namespace dotlog {

void Index::Reset(std::shared_ptr<const Snapshot> base) {
  // Swapped with empty containers so that the memory is freed, not kept.
  decltype(table_)(0, SlotHash{this}, SlotEq{this}).swap(table_);
  std::vector<Slot>().swap(slots_);
  std::vector<char>().swap(keys_);
  std::vector<uint32_t>().swap(free_slots_);
  erased_key_bytes_ = 0;
  base_ = std::move(base);
  live_bytes_ = base_ != nullptr ? base_->live_bytes() : 0;
  expiry_counted_ = false;
  std::map<int64_t, uint64_t>().swap(expiring_);
  expired_until_ = std::numeric_limits<int64_t>::min();
  expired_bytes_ = 0;
}

void Index::CountExpiry(const IndexEntry& entry) {
  if (!expiry_counted_ || entry.expires_ms == 0) return;
  if (entry.expires_ms <= expired_until_) {
    expired_bytes_ += entry.charged_bytes;
  } else {
    expiring_[entry.expires_ms] += entry.charged_bytes;
  }
}

void Index::ForgetExpiry(const IndexEntry& entry) {
  if (!expiry_counted_ || entry.expires_ms == 0) return;
  if (entry.expires_ms <= expired_until_) {
    expired_bytes_ -= entry.charged_bytes;
    return;
  }
  auto it = expiring_.find(entry.expires_ms);
  // Invariant: every counted entry is in the map or in expired_bytes_.
  assert(it != expiring_.end() && it->second >= entry.charged_bytes);
  if ((it->second -= entry.charged_bytes) == 0) expiring_.erase(it);
}

uint64_t Index::ExpiredBytes(int64_t now_ms) {
  if (!expiry_counted_) {
    expiry_counted_ = true;
    ForEachLive([&](std::string_view, const IndexEntry& entry) { CountExpiry(entry); });
  }
  if (now_ms > expired_until_) {
    const auto end = expiring_.upper_bound(now_ms);
    for (auto it = expiring_.begin(); it != end; ++it) expired_bytes_ += it->second;
    expiring_.erase(expiring_.begin(), end);
    expired_until_ = now_ms;
  }
  return expired_bytes_;
}

size_t Index::SlotHash::operator()(uint32_t slot) const {
  return (*this)(index->KeyOf(slot));
}
size_t Index::SlotHash::operator()(std::string_view key) const {
  return absl::Hash<absl::string_view>()(AV(key));
}
bool Index::SlotEq::operator()(uint32_t a, uint32_t b) const {
  return index->KeyOf(a) == index->KeyOf(b);
}
bool Index::SlotEq::operator()(uint32_t a, std::string_view b) const {
  return index->KeyOf(a) == b;
}
bool Index::SlotEq::operator()(std::string_view a, uint32_t b) const {
  return a == index->KeyOf(b);
}

std::string_view Index::KeyOf(uint32_t slot) const {
  const Slot& s = slots_[slot];
  return std::string_view(keys_.data() + s.key_offset, s.key_size);
}

uint64_t Index::approximate_size() const {
  return table_.size() + (base_ != nullptr ? base_->size() : 0);
}

uint64_t Index::base_size() const {
  return base_ != nullptr ? base_->size() : 0;
}

bool Index::base_damaged() const { return base_ != nullptr && base_->damaged(); }

uint64_t Index::memory_bytes() const {
  // A flat_hash_set slot is the element plus one control byte.
  return slots_.capacity() * sizeof(Slot) + keys_.capacity() +
         free_slots_.capacity() * sizeof(uint32_t) +
         table_.capacity() * (sizeof(uint32_t) + 1) +
         (base_ != nullptr ? base_->file_size() : 0);
}

Index::Slot* Index::FindSlot(std::string_view key) {
  auto it = table_.find(key);
  return it == table_.end() ? nullptr : &slots_[*it];
}

const Index::Slot* Index::FindSlot(std::string_view key) const {
  auto it = table_.find(key);
  return it == table_.end() ? nullptr : &slots_[*it];
}

const IndexEntry* Index::FindAny(std::string_view key) const {
  if (const Slot* slot = FindSlot(key)) return &slot->entry;
  return base_ != nullptr ? base_->Find(key) : nullptr;
}

void Index::Insert(std::string_view key, const IndexEntry& entry) {
  // Key offsets are 32 bits: live keys take at most 4 GiB in all (README
  // "Limits and errors"). Erased keys' bytes are dropped before that.
  if (keys_.size() + key.size() > std::numeric_limits<uint32_t>::max()) {
    MaybeCompactKeys();
  }
  assert(keys_.size() + key.size() <= std::numeric_limits<uint32_t>::max());
  // Both arrays grow by half, not double, when full: an open that reads
  // every key into the overlay holds less unused room.
  if (keys_.size() + key.size() > keys_.capacity()) {
    keys_.reserve(std::max(keys_.size() + key.size(),
                           keys_.capacity() + keys_.capacity() / 2));
  }
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    if (slots_.size() == slots_.capacity()) {
      slots_.reserve(std::max<size_t>(16, slots_.capacity() + slots_.capacity() / 2));
    }
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  slots_[slot] = Slot{entry, static_cast<uint32_t>(keys_.size()),
                      static_cast<uint32_t>(key.size())};
  keys_.insert(keys_.end(), key.begin(), key.end());
  // The slot holds its key before the table hashes it.
  table_.insert(slot);
}

void Index::Erase(uint32_t slot) {
  table_.erase(slot);
  erased_key_bytes_ += slots_[slot].key_size;
  slots_[slot] = Slot{};
  free_slots_.push_back(slot);
}

void Index::MaybeCompactKeys() {
  if (erased_key_bytes_ < 4096 || erased_key_bytes_ * 2 < keys_.size()) return;
  std::vector<char> kept;
  kept.reserve(keys_.size() - erased_key_bytes_);
  for (uint32_t slot : table_) {
    Slot& s = slots_[slot];
    const uint32_t offset = static_cast<uint32_t>(kept.size());
    const std::string_view key = KeyOf(slot);
    kept.insert(kept.end(), key.begin(), key.end());
    s.key_offset = offset;  // the key's bytes, and so its hash, are unchanged
  }
  keys_.swap(kept);
  erased_key_bytes_ = 0;
}

void Index::Apply(std::string_view key, const IndexEntry& entry,
                  bool keep_tombstones) {
  Slot* slot = FindSlot(key);
  const IndexEntry* base = base_ != nullptr ? base_->Find(key) : nullptr;
  const IndexEntry* current = slot != nullptr ? &slot->entry : base;
  if (current != nullptr) {
    if (current->seq > entry.seq) return;  // an older record, met late
    if (!current->is_tombstone()) {
      live_bytes_ -= current->charged_bytes;
      ForgetExpiry(*current);
    }
  }
  if (entry.is_tombstone() && !keep_tombstones && base == nullptr) {
    if (slot != nullptr) {
      Erase(static_cast<uint32_t>(slot - slots_.data()));
      MaybeCompactKeys();
    }
    return;
  }
  if (slot != nullptr) {
    slot->entry = entry;
  } else {
    Insert(key, entry);
  }
  if (!entry.is_tombstone()) {
    live_bytes_ += entry.charged_bytes;
    CountExpiry(entry);
  }
}

void Index::DropTombstones() {
  std::vector<uint32_t> dropped;
  for (uint32_t slot : table_) {
    if (slots_[slot].entry.is_tombstone() &&
        (base_ == nullptr || base_->Find(KeyOf(slot)) == nullptr)) {
      dropped.push_back(slot);
    }
  }
  for (uint32_t slot : dropped) Erase(slot);
  MaybeCompactKeys();
}

void Index::ShrinkToFit() {
  slots_.shrink_to_fit();
  keys_.shrink_to_fit();
  free_slots_.shrink_to_fit();
  // Rehashing hashes every key again: worth it only when deletes met
  // during the load left the table at least four times its size.
  if (table_.capacity() > 4 * table_.size() + 16) table_.rehash(0);
}

const IndexEntry* Index::Find(std::string_view key) const {
  const IndexEntry* e = FindAny(key);
  return e == nullptr || e->is_tombstone() ? nullptr : e;
}

void Index::ForEachLive(const std::function<void(std::string_view key,
                                                 const IndexEntry& entry)>& fn) const {
  for (uint32_t slot : table_) {
    const IndexEntry& entry = slots_[slot].entry;
    if (!entry.is_tombstone()) fn(KeyOf(slot), entry);
  }
  if (base_ == nullptr) return;
  base_->ForEach([&](std::string_view key, const IndexEntry& entry) {
    if (!table_.contains(key)) fn(key, entry);
  });
}

std::vector<std::pair<std::string_view, IndexEntry>> Index::Prefix(
    std::string_view prefix, int64_t now_ms) const {
  std::vector<std::pair<std::string_view, IndexEntry>> out;
  ForEachLive([&](std::string_view key, const IndexEntry& entry) {
    if (!entry.expired(now_ms) && key.starts_with(prefix)) {
      out.emplace_back(key, entry);
    }
  });
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

uint64_t Index::CountLive(int64_t now_ms) const {
  uint64_t n = 0;
  ForEachLive([&](std::string_view, const IndexEntry& entry) {
    if (!entry.expired(now_ms)) ++n;
  });
  return n;
}

}  // namespace dotlog
