#include "store/snapshot.h"

#include <xxhash.h>

#include <cstring>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "format/record.h"
#include "store/file_names.h"

namespace dotlog {
namespace {

constexpr char kMagic[8] = {'d', 'o', 't', 'l', 'o', 'g', 'i', 'x'};
constexpr uint64_t kLayoutVersion = 3;
// Header: magic, then these u64 fields in order.
enum Field {
  kVersion, kEntrySize, kEntryCount, kBucketCount, kSegment, kOffset,
  kNextLine, kMaxBytes, kSealed, kLastSeq, kRecords, kKeyBytes,
  kSegmentCount, kLiveBytes, kFieldCount
};
constexpr size_t kHeaderBytes = sizeof(kMagic) + 8 * kFieldCount;
static_assert(sizeof(IndexEntry) == 40 && sizeof(SegmentSum) == 24);
static_assert(kHeaderBytes % 8 == 0);

uint64_t HashKey(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

uint64_t BucketsFor(uint64_t entries) {
  uint64_t b = 2;
  while (b < entries * 2) b *= 2;
  return b;
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
  uint64_t stored_sum;
  std::memcpy(&stored_sum, p + *size - 8, 8);
  if (std::memcmp(p, kMagic, sizeof(kMagic)) != 0) return Damaged(path, "has no magic");
  if (RecordChecksum(std::string_view(p, *size - 8)) != stored_sum) {
    return Damaged(path, "checksum mismatch");
  }
  uint64_t f[kFieldCount];
  std::memcpy(f, p + sizeof(kMagic), sizeof(f));
  if (f[kVersion] != kLayoutVersion || f[kEntrySize] != sizeof(IndexEntry)) {
    return Damaged(path, "has another layout");
  }
  const uint64_t n = f[kEntryCount], b = f[kBucketCount];
  if (b != BucketsFor(n) || n >= (1u << 31) || f[kSegmentCount] > (1u << 20) ||
      f[kKeyBytes] > *size ||
      kHeaderBytes + 4 * b + (sizeof(IndexEntry) + 4) * n + f[kKeyBytes] +
              sizeof(SegmentSum) * f[kSegmentCount] + 8 !=
          *size) {
    return Damaged(path, "has inconsistent sizes");
  }
  std::shared_ptr<Snapshot> snap(new Snapshot());
  snap->file_ = std::move(*file);
  snap->bytes_ = *bytes;
  snap->position_ = SnapshotPosition{f[kSegment],  f[kOffset],  f[kNextLine],
                                     f[kMaxBytes], f[kSealed],  f[kLastSeq],
                                     f[kRecords],  {}};
  snap->entry_count_ = n;
  snap->live_bytes_ = f[kLiveBytes];
  snap->bucket_count_ = b;
  snap->buckets_ = reinterpret_cast<const uint32_t*>(p + kHeaderBytes);
  snap->entries_ = p + kHeaderBytes + 4 * b;
  snap->key_ends_ = reinterpret_cast<const uint32_t*>(snap->entries_ + sizeof(IndexEntry) * n);
  snap->keys_ = std::string_view(reinterpret_cast<const char*>(snap->key_ends_ + n),
                                 f[kKeyBytes]);
  snap->position_.segments.resize(f[kSegmentCount]);
  std::memcpy(snap->position_.segments.data(), snap->keys_.data() + snap->keys_.size(),
              sizeof(SegmentSum) * f[kSegmentCount]);
  // Keys lie end to end: their ends ascend to the end of the key bytes.
  if (n == 0 && f[kKeyBytes] != 0) return Damaged(path, "has key bytes but no keys");
  for (uint64_t i = 0, last = 0; i < n; ++i) {
    if (snap->key_ends_[i] < last || (i + 1 == n && snap->key_ends_[i] != f[kKeyBytes])) {
      return Damaged(path, "has a key outside its key bytes");
    }
    last = snap->key_ends_[i];
  }
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

const IndexEntry* Snapshot::EntryAt(uint64_t i) const {
  return reinterpret_cast<const IndexEntry*>(entries_ + i * sizeof(IndexEntry));
}

std::string_view Snapshot::KeyAt(uint64_t i) const {
  const uint32_t begin = i == 0 ? 0 : key_ends_[i - 1];
  return keys_.substr(begin, key_ends_[i] - begin);
}

const IndexEntry* Snapshot::Find(std::string_view key) const {
  const uint64_t mask = bucket_count_ - 1;
  for (uint64_t i = HashKey(key) & mask, probes = 0; probes < bucket_count_;
       i = (i + 1) & mask, ++probes) {
    const uint32_t slot = buckets_[i];
    if (slot == 0 || slot > entry_count_) return nullptr;
    if (KeyAt(slot - 1) == key) return EntryAt(slot - 1);
  }
  return nullptr;
}

void Snapshot::ForEach(const std::function<void(std::string_view key,
                                                const IndexEntry& entry)>& fn) const {
  for (uint64_t i = 0; i < entry_count_; ++i) fn(KeyAt(i), *EntryAt(i));
}

absl::Status WriteSnapshot(FileSystem* fs, const std::string& dir,
                           const SnapshotPosition& position, const Index& index,
                           uint64_t writer_id) {
  std::vector<IndexEntry> entries;
  std::vector<uint32_t> key_ends;
  std::string keys;
  std::vector<uint64_t> hashes;
  uint64_t live_bytes = 0;
  index.ForEachLive([&](std::string_view key, const IndexEntry& entry) {
    live_bytes += entry.charged_bytes;
    entries.push_back(entry);
    keys.append(key);
    key_ends.push_back(static_cast<uint32_t>(keys.size()));
    hashes.push_back(HashKey(key));
  });
  if (keys.size() > std::numeric_limits<uint32_t>::max()) {
    return absl::ResourceExhaustedError("index snapshot: keys exceed 4 GiB");
  }
  const uint64_t n = entries.size(), b = BucketsFor(n);
  std::vector<uint32_t> buckets(b, 0);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t slot = hashes[i] & (b - 1);
    while (buckets[slot] != 0) slot = (slot + 1) & (b - 1);
    buckets[slot] = static_cast<uint32_t>(i + 1);
  }
  const uint64_t f[kFieldCount] = {
      kLayoutVersion,     sizeof(IndexEntry),  n,
      b,                  position.segment,    position.offset,
      position.next_line, position.max_bytes,  position.sealed,
      position.last_seq,  position.records,    keys.size(),
      position.segments.size(), live_bytes};
  std::string out(kMagic, sizeof(kMagic));
  out.append(reinterpret_cast<const char*>(f), sizeof(f));
  out.append(reinterpret_cast<const char*>(buckets.data()), 4 * b);
  out.append(reinterpret_cast<const char*>(entries.data()), sizeof(IndexEntry) * n);
  out.append(reinterpret_cast<const char*>(key_ends.data()), 4 * n);
  out.append(keys);
  out.append(reinterpret_cast<const char*>(position.segments.data()),
             sizeof(SegmentSum) * position.segments.size());
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
    if (absl::Status s = (*file)->Append(out); !s.ok()) {
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
