#include "store/index.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "store/snapshot.h"
#include "util/strings.h"

namespace dotlog {

void Index::Reset(std::shared_ptr<const Snapshot> base) {
  map_.clear();
  base_ = std::move(base);
  live_bytes_ = base_ != nullptr ? base_->live_bytes() : 0;
}

uint64_t Index::approximate_size() const {
  return map_.size() + (base_ != nullptr ? base_->size() : 0);
}

uint64_t Index::base_size() const {
  return base_ != nullptr ? base_->size() : 0;
}

const IndexEntry* Index::FindAny(std::string_view key) const {
  auto it = map_.find(AV(key));
  if (it != map_.end()) return &it->second;
  return base_ != nullptr ? base_->Find(key) : nullptr;
}

void Index::Apply(std::string_view key, const IndexEntry& entry,
                  bool keep_tombstones) {
  const IndexEntry* current = FindAny(key);
  if (current != nullptr) {
    if (current->seq > entry.seq) return;  // an older record, met late
    if (!current->is_tombstone()) live_bytes_ -= current->charged_bytes;
  }
  const bool hides_base = base_ != nullptr && base_->Find(key) != nullptr;
  if (entry.is_tombstone() && !keep_tombstones && !hides_base) {
    map_.erase(AV(key));
    return;
  }
  map_.insert_or_assign(std::string(key), entry);
  if (!entry.is_tombstone()) live_bytes_ += entry.charged_bytes;
}

void Index::DropTombstones() {
  absl::erase_if(map_, [&](const auto& kv) {
    return kv.second.is_tombstone() &&
           (base_ == nullptr || base_->Find(kv.first) == nullptr);
  });
}

const IndexEntry* Index::Find(std::string_view key) const {
  const IndexEntry* e = FindAny(key);
  return e == nullptr || e->is_tombstone() ? nullptr : e;
}

void Index::ForEachLive(const std::function<void(std::string_view key,
                                                 const IndexEntry& entry)>& fn) const {
  for (const auto& [key, entry] : map_) {
    if (!entry.is_tombstone()) fn(key, entry);
  }
  if (base_ == nullptr) return;
  base_->ForEach([&](std::string_view key, const IndexEntry& entry) {
    if (!map_.contains(AV(key))) fn(key, entry);
  });
}

std::vector<std::pair<std::string, IndexEntry>> Index::Prefix(
    std::string_view prefix, int64_t now_ms) const {
  std::vector<std::pair<std::string, IndexEntry>> out;
  ForEachLive([&](std::string_view key, const IndexEntry& entry) {
    if (!entry.expired(now_ms) && key.starts_with(prefix)) {
      out.emplace_back(std::string(key), entry);
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
