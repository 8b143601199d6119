#include "store/snapshot.h"

#include <xxhash.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "format/record.h"
#include "store/file_names.h"

namespace dotlog {
namespace {

constexpr char kMagic[8] = {'d', 'o', 't', 'l', 'o', 'g', 'i', 'x'};
constexpr uint64_t kLayoutVersion = 4;
// Header: magic, then these u64 fields in order.
enum Field {
  kVersion, kEntrySize, kEntryCount, kBucketCount, kSegment, kOffset,
  kNextLine, kMaxBytes, kSealed, kLastSeq, kRecords, kKeyBytes,
  kSegmentCount, kLiveBytes, kBodyBytes, kFieldCount
};
constexpr size_t kHeaderBytes = sizeof(kMagic) + 8 * kFieldCount;
// The body is checked in blocks of this size, each when first touched.
constexpr uint64_t kBlockBytes = 4096;
static_assert(sizeof(IndexEntry) == 40 && sizeof(SegmentSum) == 56);
static_assert(kHeaderBytes % 8 == 0);

uint64_t HashKey(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

uint64_t BucketsFor(uint64_t entries) {
  uint64_t b = 2;
  while (b < entries * 2) b *= 2;
  return b;
}

uint64_t BlocksFor(uint64_t body_bytes) {
  return (body_bytes + kBlockBytes - 1) / kBlockBytes;
}

uint64_t BlockSum(std::string_view body, uint64_t block) {
  const uint64_t begin = block * kBlockBytes;
  return RecordChecksum(body.substr(begin, std::min(kBlockBytes, body.size() - begin)));
}

absl::Status Damaged(const std::string& path, std::string_view why) {
  return absl::DataLossError(absl::StrCat(path, ": index snapshot ", std::string(why)));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Snapshot>> Snapshot::Open(
    FileSystem* fs, const std::string& path) {
  auto file = fs->OpenReadableFile(path);
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  if (*size < kHeaderBytes + 8) return Damaged(path, "is too short");
  auto bytes = (*file)->Map(*size);
  if (!bytes.ok()) return bytes.status();
  const char* p = bytes->data();
  if (std::memcmp(p, kMagic, sizeof(kMagic)) != 0) return Damaged(path, "has no magic");
  uint64_t f[kFieldCount];
  std::memcpy(f, p + sizeof(kMagic), sizeof(f));
  if (f[kVersion] != kLayoutVersion || f[kEntrySize] != sizeof(IndexEntry)) {
    return Damaged(path, "has another layout");
  }
  // Only the head is read here; it says how long everything is.
  const uint64_t segments = f[kSegmentCount], body = f[kBodyBytes];
  if (segments > (1u << 20) || body > *size) return Damaged(path, "has inconsistent sizes");
  const uint64_t blocks = BlocksFor(body);
  const uint64_t head = kHeaderBytes + sizeof(SegmentSum) * segments + 8 * blocks;
  if (head + 8 + body != *size) return Damaged(path, "has inconsistent sizes");
  uint64_t stored_sum;
  std::memcpy(&stored_sum, p + head, 8);
  if (RecordChecksum(std::string_view(p, head)) != stored_sum) {
    return Damaged(path, "checksum mismatch");
  }
  const uint64_t n = f[kEntryCount], b = f[kBucketCount];
  if (b != BucketsFor(n) || n >= (1u << 31) || f[kKeyBytes] > body ||
      4 * b + (sizeof(IndexEntry) + 4) * n + f[kKeyBytes] != body) {
    return Damaged(path, "has inconsistent sizes");
  }
  if (n == 0 && f[kKeyBytes] != 0) return Damaged(path, "has key bytes but no keys");
  std::shared_ptr<Snapshot> snap(new Snapshot());
  // The file system's own clock, for the racy-timestamp rule.
  auto stat = (*file)->Stat();
  snap->written_ns_ = stat.ok() ? stat->mtime_ns : 0;
  snap->file_ = std::move(*file);
  snap->bytes_ = *bytes;
  snap->body_ = bytes->substr(head + 8);
  snap->block_sums_ =
      reinterpret_cast<const uint64_t*>(p + kHeaderBytes + sizeof(SegmentSum) * segments);
  snap->block_state_.reset(new std::atomic<uint8_t>[blocks]());
  snap->position_ = SnapshotPosition{f[kSegment],  f[kOffset],  f[kNextLine],
                                     f[kMaxBytes], f[kSealed],  f[kLastSeq],
                                     f[kRecords],  {}};
  snap->entry_count_ = n;
  snap->live_bytes_ = f[kLiveBytes];
  snap->bucket_count_ = b;
  const char* q = snap->body_.data();
  snap->buckets_ = reinterpret_cast<const uint32_t*>(q);
  snap->entries_ = q + 4 * b;
  snap->key_ends_ = reinterpret_cast<const uint32_t*>(snap->entries_ + sizeof(IndexEntry) * n);
  snap->keys_ = std::string_view(reinterpret_cast<const char*>(snap->key_ends_ + n),
                                 f[kKeyBytes]);
  snap->position_.segments.resize(segments);
  std::memcpy(snap->position_.segments.data(), p + kHeaderBytes,
              sizeof(SegmentSum) * segments);
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

bool Snapshot::Check(uint64_t offset, uint64_t size) const {
  if (offset > body_.size() || size > body_.size() - offset) {
    damaged_.store(true, std::memory_order_release);
    return false;
  }
  if (size == 0) return !damaged();
  for (uint64_t block = offset / kBlockBytes; block <= (offset + size - 1) / kBlockBytes;
       ++block) {
    std::atomic<uint8_t>& state = block_state_[block];
    uint8_t known = state.load(std::memory_order_acquire);
    if (known == 0) {
      known = BlockSum(body_, block) == block_sums_[block] ? 1 : 2;
      state.store(known, std::memory_order_release);
    }
    if (known != 1) {
      damaged_.store(true, std::memory_order_release);
      return false;
    }
  }
  return true;
}

const IndexEntry* Snapshot::EntryAt(uint64_t i) const {
  if (!Check(reinterpret_cast<const char*>(entries_) - body_.data() + i * sizeof(IndexEntry),
             sizeof(IndexEntry))) {
    return nullptr;
  }
  return reinterpret_cast<const IndexEntry*>(entries_ + i * sizeof(IndexEntry));
}

std::optional<std::string_view> Snapshot::KeyAt(uint64_t i) const {
  const uint64_t ends = reinterpret_cast<const char*>(key_ends_) - body_.data();
  const uint64_t first = i == 0 ? i : i - 1;
  if (!Check(ends + 4 * first, 4 * (i + 1 - first))) return std::nullopt;
  const uint64_t begin = i == 0 ? 0 : key_ends_[i - 1];
  const uint64_t end = key_ends_[i];
  // Keys lie end to end inside the key bytes.
  if (begin > end || end > keys_.size()) {
    damaged_.store(true, std::memory_order_release);
    return std::nullopt;
  }
  if (!Check(keys_.data() - body_.data() + begin, end - begin)) return std::nullopt;
  return keys_.substr(begin, end - begin);
}

const IndexEntry* Snapshot::Find(std::string_view key) const {
  const uint64_t mask = bucket_count_ - 1;
  for (uint64_t i = HashKey(key) & mask, probes = 0; probes < bucket_count_;
       i = (i + 1) & mask, ++probes) {
    if (!Check(4 * i, 4)) return nullptr;
    const uint32_t slot = buckets_[i];
    if (slot == 0) return nullptr;
    if (slot > entry_count_) {
      damaged_.store(true, std::memory_order_release);
      return nullptr;
    }
    auto found = KeyAt(slot - 1);
    if (!found) return nullptr;
    if (*found == key) return EntryAt(slot - 1);
  }
  return nullptr;
}

void Snapshot::ForEach(const std::function<void(std::string_view key,
                                                const IndexEntry& entry)>& fn) const {
  for (uint64_t i = 0; i < entry_count_; ++i) {
    auto key = KeyAt(i);
    const IndexEntry* entry = key ? EntryAt(i) : nullptr;
    if (entry == nullptr) return;
    fn(*key, *entry);
  }
}

absl::Status WriteSnapshot(FileSystem* fs, const std::string& dir,
                           const SnapshotPosition& position, const Index& index,
                           uint64_t writer_id) {
  // The body's four parts are built once, at their exact sizes, and written
  // one after the other: the snapshot is never held twice.
  uint64_t n = 0, key_bytes = 0;
  index.ForEachLive([&](std::string_view key, const IndexEntry&) {
    ++n;
    key_bytes += key.size();
  });
  if (key_bytes > std::numeric_limits<uint32_t>::max()) {
    return absl::ResourceExhaustedError("index snapshot: keys exceed 4 GiB");
  }
  const uint64_t b = BucketsFor(n);
  std::vector<uint32_t> buckets(b, 0);
  std::vector<IndexEntry> entries;
  entries.reserve(n);
  std::vector<uint32_t> key_ends;
  key_ends.reserve(n);
  std::string keys;
  keys.reserve(key_bytes);
  uint64_t live_bytes = 0;
  index.ForEachLive([&](std::string_view key, const IndexEntry& entry) {
    live_bytes += entry.charged_bytes;
    uint64_t slot = HashKey(key) & (b - 1);
    while (buckets[slot] != 0) slot = (slot + 1) & (b - 1);
    entries.push_back(entry);
    buckets[slot] = static_cast<uint32_t>(entries.size());
    keys.append(key);
    key_ends.push_back(static_cast<uint32_t>(keys.size()));
  });
  // Invariant: the second pass met the same keys as the first.
  assert(entries.size() == n && keys.size() == key_bytes);
  const std::string_view body[] = {
      {reinterpret_cast<const char*>(buckets.data()), 4 * b},
      {reinterpret_cast<const char*>(entries.data()), sizeof(IndexEntry) * n},
      {reinterpret_cast<const char*>(key_ends.data()), 4 * n},
      keys};
  uint64_t body_bytes = 0;
  for (std::string_view part : body) body_bytes += part.size();
  const uint64_t f[kFieldCount] = {
      kLayoutVersion,     sizeof(IndexEntry),  n,
      b,                  position.segment,    position.offset,
      position.next_line, position.max_bytes,  position.sealed,
      position.last_seq,  position.records,    keys.size(),
      position.segments.size(), live_bytes, body_bytes};
  std::string out(kMagic, sizeof(kMagic));
  out.append(reinterpret_cast<const char*>(f), sizeof(f));
  out.append(reinterpret_cast<const char*>(position.segments.data()),
             sizeof(SegmentSum) * position.segments.size());
  // The sum of each block of the body, whose blocks may span two parts.
  std::string block;
  block.reserve(kBlockBytes);
  auto add_block_sum = [&] {
    const uint64_t sum = RecordChecksum(block);
    out.append(reinterpret_cast<const char*>(&sum), 8);
    block.clear();
  };
  for (std::string_view part : body) {
    while (!part.empty()) {
      const size_t take = std::min<size_t>(kBlockBytes - block.size(), part.size());
      block.append(part.substr(0, take));
      part.remove_prefix(take);
      if (block.size() == kBlockBytes) add_block_sum();
    }
  }
  if (!block.empty()) add_block_sum();
  const uint64_t sum = RecordChecksum(out);
  out.append(reinterpret_cast<const char*>(&sum), 8);

  // Several processes may write at once: each through its own file.
  const std::string temp = SnapshotTempPath(dir, writer_id);
  {
    auto file = fs->CreateFile(temp);
    if (absl::IsAlreadyExists(file.status())) {
      if (absl::Status s = fs->Remove(temp); !s.ok()) return s;
      file = fs->CreateFile(temp);
    }
    if (!file.ok()) return file.status();
    absl::Status s = (*file)->Append(out);
    for (std::string_view part : body) {
      if (s.ok() && !part.empty()) s = (*file)->Append(part);
    }
    if (!s.ok()) {
      fs->Remove(temp).IgnoreError();
      return s;
    }
  }
  absl::Status s = fs->Rename(temp, SnapshotPath(dir));
  // A directory in the snapshot's place, say: leave no temporary behind.
  if (!s.ok()) fs->Remove(temp).IgnoreError();
  return s;
}

}  // namespace dotlog
