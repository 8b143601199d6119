#include "support/store_helpers.h"

#include <catch2/catch.hpp>
#include <vector>

#include "dotlog/dump.h"
#include "format/record.h"
#include "support/status_helpers.h"

namespace dotlog::testing {

std::unique_ptr<Store> OpenOrDie(const std::string& dir,
                                 const Options& options) {
  return Value(Store::Open(dir, options));
}

Options NoAutoCompaction() {
  Options options;
  options.sync = SyncMode::kNone;
  options.auto_compact = false;
  return options;
}

Options SmallSegments(SyncMode sync) {
  Options options = NoAutoCompaction();
  options.sync = sync;
  options.segment_bytes = 4096;
  return options;
}

std::map<std::string, std::string> Contents(Store& store) {
  auto items = store.List("");
  INFO(items.status().ToString());
  REQUIRE_OK(items);
  std::map<std::string, std::string> contents;
  for (const Item& item : *items) contents[item.key] = item.value;
  return contents;
}

std::string JsonlDump(Store& store) {
  std::string out;
  REQUIRE_OK(DumpStore(store, "", DumpFormat::kJsonl, [&](std::string_view t) {
    out.append(t);
    return absl::OkStatus();
  }));
  return out;
}

std::string OnePutSegment(uint64_t seq, const std::string& key,
                          const std::string& value) {
  constexpr int64_t kTs = 1767225600000;  // 2026-01-01T00:00:00Z
  std::string bytes;
  EncodeHeader(1, 8 << 20, kTs, &bytes);
  std::vector<Mutation> put(1);
  put[0].key = key;
  put[0].value = value;
  EncodeRecord(seq, kTs, put, &bytes);
  return bytes;
}

}  // namespace dotlog::testing
