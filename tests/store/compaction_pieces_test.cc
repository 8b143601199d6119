// Compaction streams: it reads the sealed segments and writes the base a
// piece at a time, so its memory does not grow with the values it keeps;
// and it notices a segment that changed between its two readings.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "dotlog/store.h"
#include "store/file_names.h"
#include "store/segment.h"
#include "support/fault_file_system.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::Contents;
using testing::FaultFileSystem;
using testing::OpenOrDie;
using testing::TempDir;

// A JSON string value of exactly `size` bytes of text, tagged so that two
// values of one key differ.
std::string BigValue(size_t size, char tag) {
  return "\"" + std::string(size - 2, tag) + "\"";
}

// Options for a store on `fs` (nullptr: the real one) that compacts only
// when asked and does not sync.
Options Unsynced(FileSystem* fs) {
  Options options;
  options.file_system = fs;
  options.sync = SyncMode::kNone;
  options.auto_compact = false;
  return options;
}

TEST_CASE("compaction reads and writes a store many pieces big one piece at a time",
          "[compaction]") {
  FaultFileSystem fs;
  const Options options = Unsynced(&fs);
  auto store = OpenOrDie("/store", options);
  std::map<std::string, std::string> expected;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 200; ++i) {
      const std::string key = "k/" + std::to_string(i);
      // Half the keys are overwritten: the compaction has work to do.
      if (round == 1 && i % 2 == 0) continue;
      expected[key] = BigValue(64 << 10, static_cast<char>('a' + round));
      REQUIRE_OK(store->Put(key, expected[key]));
    }
  }
  const uint64_t before = store->GetStats()->total_bytes;
  REQUIRE(before > 16 * kLinePieceBytes);

  fs.ResetLargestIo();
  REQUIRE_OK(store->Compact());
  // The inputs, the base it wrote and its reading back afterwards all went
  // through in pieces: never more than a piece and a record at once.
  CHECK(fs.largest_read() <= kLinePieceBytes + (128 << 10));
  CHECK(fs.largest_append() <= kLinePieceBytes + (128 << 10));
  CHECK(store->GetStats()->total_bytes < before * 3 / 4);
  CHECK(Contents(*store) == expected);
  store.reset();
  auto reopened = OpenOrDie("/store", options);
  CHECK(Contents(*reopened) == expected);
}

TEST_CASE("values longer than a piece survive compaction whole", "[compaction]") {
  TempDir tmp;
  const Options options = Unsynced(nullptr);
  std::map<std::string, std::string> expected;
  {
    auto store = OpenOrDie(tmp.path(), options);
    for (char tag : {'a', 'b'}) {
      for (int i = 0; i < 3; ++i) {
        const std::string key = "big/" + std::to_string(i);
        expected[key] = BigValue(kLinePieceBytes * 3 / 2 + i, tag);
        REQUIRE_OK(store->Put(key, expected[key]));
      }
    }
    REQUIRE_OK(store->Put("small", "1"));
    expected["small"] = "1";
    REQUIRE_OK(store->Compact());
    CHECK(Contents(*store) == expected);
  }
  auto reopened = OpenOrDie(tmp.path(), options);
  CHECK(reopened->Damage().empty());
  CHECK(Contents(*reopened) == expected);
}

TEST_CASE("a segment edited between compaction's two readings stops it with "
          "Aborted and leaves no file behind",
          "[compaction]") {
  FaultFileSystem fs;
  const Options options = Unsynced(&fs);
  auto store = OpenOrDie("/store", options);
  REQUIRE_OK(store->Put("a", "1"));
  REQUIRE_OK(store->Put("a", "2"));
  REQUIRE_OK(store->Put("b", "3"));
  const std::string first = SegmentPath("/store", 1);
  // Once every input was read the first time, an editor saves segment 1
  // with one digit changed: its size stays, its bytes do not.
  bool edited = false;
  absl::Status s = store->Compact([&](std::string_view what, uint64_t done,
                                      uint64_t total) {
    if (what != "segments read" || done != total || edited) return;
    std::string bytes = *fs.ReadAll(first);
    const size_t at = bytes.find("\"value\":3");
    REQUIRE(at != std::string::npos);
    bytes[at + 8] = '4';
    REQUIRE_OK(fs.WriteRaw(first, bytes));
    edited = true;
  });
  REQUIRE(edited);
  CHECK(absl::IsAborted(s));
  CHECK(s.message().find("segment-000001.jsonl changed while it was being "
                         "compacted") != std::string::npos);
  auto names = fs.ListDir("/store");
  REQUIRE_OK(names);
  for (const std::string& name : *names) {
    CHECK(name.find(".compacting") == std::string::npos);
  }
}

}  // namespace
}  // namespace dotlog
