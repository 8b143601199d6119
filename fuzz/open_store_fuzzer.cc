// Fuzzes recovery: Store::Open over arbitrary segment files, then reads,
// a write and a second opening.
//
// Input: the bytes of segment-000001.jsonl, optionally followed by
// kSeparator and the bytes of segment-000002.jsonl. A line ending in
// kPlaceholderTrailer gets the correct checksum in its place, so mutated
// records still reach the index (a fuzzer cannot forge XXH3 sums). The
// files are planted in an in-memory FaultFileSystem, and two handles open
// the store (as two processes would). Checked, whatever the bytes:
//   - Open fails only with FailedPrecondition (a segment from a newer format
//     version); README: "Open never aborts on what the files contain";
//   - List("") agrees with Get and Lookup, and with GetStats and Damage();
//   - a Put succeeds and is read back by both handles, which then list the
//     same items; the newest segment then ends with '\n';
//   - after Close, a new opening sees exactly the same items.
// Violations trap (a crash for libFuzzer) after printing the failed check.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "dotlog/options.h"
#include "dotlog/store.h"
#include "fuzz_check.h"
#include "support/fake_clock.h"
#include "support/fault_file_system.h"

// For the placeholder checksums only.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace dotlog {
namespace {

using testing::FakeClock;
using testing::FaultFileSystem;

// Separates the two files in an input.
constexpr std::string_view kSeparator = "%%segment-000002%%\n";
// Stands for the checksum trailer of the line it ends.
constexpr std::string_view kPlaceholderTrailer =
    ",\"xxh3\":\"XXXXXXXXXXXXXXXX\"}";
constexpr char kDir[] = "/store";
constexpr std::string_view kProbeKey = "fuzz/probe";
constexpr std::string_view kProbeValue = "{ \"n\" : [1, 2] }";
constexpr std::string_view kProbeStored = "{\"n\":[1,2]}";

// `file` with the checksum placeholder of every line replaced by the
// line's XXH3-64 (README, "Checksum").
std::string FillPlaceholders(std::string_view file) {
  std::string out;
  out.reserve(file.size());
  while (!file.empty()) {
    size_t end = file.find('\n');
    end = end == std::string_view::npos ? file.size() : end + 1;
    std::string_view line = file.substr(0, end);
    file.remove_prefix(end);
    const bool terminated = line.ends_with('\n');
    if (terminated) line.remove_suffix(1);
    if (line.ends_with(kPlaceholderTrailer)) {
      const std::string_view covered =
          line.substr(0, line.size() - kPlaceholderTrailer.size());
      char hex[17];
      std::snprintf(hex, sizeof hex, "%016llx",
                    static_cast<unsigned long long>(
                        XXH3_64bits(covered.data(), covered.size())));
      out.append(covered);
      out.append(",\"xxh3\":\"");
      out.append(hex);
      out.append("\"}");
    } else {
      out.append(line);
    }
    if (terminated) out.push_back('\n');
  }
  return out;
}

// Every field of an Item, to compare listings.
bool SameItems(const std::vector<Item>& a, const std::vector<Item>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].key != b[i].key || a[i].value != b[i].value ||
        a[i].seq != b[i].seq || a[i].expires_at != b[i].expires_at) {
      return false;
    }
  }
  return true;
}

// The number in a segment file name, or 0 for any other name.
uint64_t SegmentNumber(std::string_view name) {
  constexpr std::string_view kPrefix = "segment-", kSuffix = ".jsonl";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return 0;
  name = name.substr(kPrefix.size(),
                     name.size() - kPrefix.size() - kSuffix.size());
  uint64_t n = 0;
  for (char c : name) {
    if (c < '0' || c > '9' || n > UINT64_MAX / 10 - 1) return 0;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

// The bytes of the highest-numbered segment file in kDir.
std::string NewestSegment(FaultFileSystem* fs) {
  auto names = fs->ListDir(kDir);
  FUZZ_CHECK_OK(names.status());
  uint64_t newest = 0;
  std::string newest_name;
  for (const std::string& name : *names) {
    if (const uint64_t n = SegmentNumber(name); n > newest) {
      newest = n;
      newest_name = name;
    }
  }
  FUZZ_CHECK(newest != 0);
  auto bytes = fs->ReadAll(std::string(kDir) + "/" + newest_name);
  FUZZ_CHECK_OK(bytes.status());
  return *bytes;
}

// Lists every item of `store` and checks that the listing agrees with the
// store's other reads. Returns the listing.
std::vector<Item> ListAndCheck(Store* store, size_t damage_reported) {
  auto items = store->List("");
  FUZZ_CHECK_OK(items.status());
  for (size_t i = 0; i < items->size(); ++i) {
    const Item& item = (*items)[i];
    if (i > 0) FUZZ_CHECK((*items)[i - 1].key < item.key);
    FUZZ_CHECK(!item.value.empty());
    auto value = store->Get(item.key);
    FUZZ_CHECK_OK(value.status());
    FUZZ_CHECK(*value == item.value);
    auto looked_up = store->Lookup(item.key);
    FUZZ_CHECK_OK(looked_up.status());
    FUZZ_CHECK(looked_up->seq == item.seq);
    FUZZ_CHECK(looked_up->expires_at == item.expires_at);
    auto contains = store->Contains(item.key);
    FUZZ_CHECK_OK(contains.status());
    FUZZ_CHECK(*contains);
  }
  auto stats = store->GetStats();
  FUZZ_CHECK_OK(stats.status());
  FUZZ_CHECK(stats->live_keys == items->size());
  FUZZ_CHECK(stats->damaged_records == store->Damage().size());
  FUZZ_CHECK(stats->damaged_records == damage_reported);
  FUZZ_CHECK(stats->torn_tail_bytes <= stats->total_bytes);
  for (const Item& item : *items) FUZZ_CHECK(item.seq <= stats->last_seq);
  return *std::move(items);
}

}  // namespace
}  // namespace dotlog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dotlog;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> files;
  if (const void* sep = memmem(input.data(), input.size(), kSeparator.data(),
                               kSeparator.size())) {
    const size_t at = static_cast<const char*>(sep) - input.data();
    files = {input.substr(0, at), input.substr(at + kSeparator.size())};
  } else {
    files = {input};
  }

  FaultFileSystem fs;
  FakeClock clock;
  FUZZ_CHECK_OK(fs.CreateDir(kDir));
  uint64_t planted_bytes = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string path =
        std::string(kDir) + "/segment-00000" + std::to_string(i + 1) + ".jsonl";
    FUZZ_CHECK_OK(fs.WriteRaw(path, FillPlaceholders(files[i])));
    planted_bytes += files[i].size();
  }

  size_t damage_a = 0, damage_b = 0;
  Options options;
  options.file_system = &fs;
  options.clock = &clock;
  options.segment_bytes = 4096;  // the minimum: planted files roll over
  options.lock_timeout = std::chrono::milliseconds(100);
  options.on_damage = [&](const DamagedRecord&) { ++damage_a; };
  auto a = Store::Open(kDir, options);
  if (!a.ok()) {
    // The one refusal the files can cause: a newer format version.
    if (!absl::IsFailedPrecondition(a.status())) {
      std::fprintf(stderr, "Open: %s\n", a.status().ToString().c_str());
      __builtin_trap();
    }
    return 0;
  }
  options.on_damage = [&](const DamagedRecord&) { ++damage_b; };
  auto b = Store::Open(kDir, options);
  FUZZ_CHECK_OK(b.status());

  std::vector<Item> before = ListAndCheck(a->get(), damage_a);
  FUZZ_CHECK(SameItems(before, ListAndCheck(b->get(), damage_b)));
  auto stats = (*a)->GetStats();
  FUZZ_CHECK_OK(stats.status());
  // A compacted ("base") segment replaces the ones numbered below it.
  FUZZ_CHECK(stats->segments <= files.size());
  FUZZ_CHECK(stats->total_bytes <= planted_bytes);

  // A write on top of whatever the files hold, seen by both handles. The
  // one refusal allowed: the log already holds the highest sequence number
  // (the write must then change nothing).
  absl::Status put = (*a)->Put(kProbeKey, kProbeValue);
  if (absl::IsResourceExhausted(put)) {
    FUZZ_CHECK(stats->last_seq == std::numeric_limits<uint64_t>::max());
    FUZZ_CHECK(SameItems(before, ListAndCheck(a->get(), damage_a)));
    return 0;
  }
  FUZZ_CHECK_OK(put);
  auto got = (*a)->Get(kProbeKey);
  FUZZ_CHECK_OK(got.status());
  FUZZ_CHECK(*got == kProbeStored);
  const std::string newest = NewestSegment(&fs);
  FUZZ_CHECK(!newest.empty() && newest.back() == '\n');
  auto probe = (*a)->Lookup(kProbeKey);
  FUZZ_CHECK_OK(probe.status());
  FUZZ_CHECK(probe->seq > stats->last_seq);
  got = (*b)->Get(kProbeKey);
  FUZZ_CHECK_OK(got.status());
  FUZZ_CHECK(*got == kProbeStored);

  std::vector<Item> after = ListAndCheck(a->get(), damage_a);
  FUZZ_CHECK(SameItems(after, ListAndCheck(b->get(), damage_b)));
  // The write changed its own key and nothing else.
  std::erase_if(before, [](const Item& i) { return i.key == kProbeKey; });
  std::erase_if(after, [](const Item& i) { return i.key == kProbeKey; });
  FUZZ_CHECK(SameItems(before, after));

  // A new opening reads back the same state.
  FUZZ_CHECK_OK((*a)->Close());
  FUZZ_CHECK_OK((*b)->Close());
  a->reset();
  b->reset();
  options.on_damage = nullptr;
  auto c = Store::Open(kDir, options);
  FUZZ_CHECK_OK(c.status());
  got = (*c)->Get(kProbeKey);
  FUZZ_CHECK_OK(got.status());
  FUZZ_CHECK(*got == kProbeStored);
  auto reopened = (*c)->List("");
  FUZZ_CHECK_OK(reopened.status());
  std::erase_if(*reopened, [](const Item& i) { return i.key == kProbeKey; });
  FUZZ_CHECK(SameItems(before, *reopened));
  return 0;
}
