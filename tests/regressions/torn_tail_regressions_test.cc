// The torn-tail rule cuts only what a crash can have left: each test here
// edits the newest segment the way an editor or a tool does, and the store
// used to erase the edited records as a "torn tail" at the next write.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "absl/strings/str_replace.h"
#include "dotlog/store.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::NoAutoCompaction;
using testing::ReadFileBytes;
using testing::SmallSegments;
using testing::WriteFileBytes;

constexpr char kSegment[] = "segment-000001.jsonl";

// Writes keys k0..k{n-1} to a fresh store in `dir`, one segment.
void WriteKeys(const std::string& dir, int n) {
  auto store = testing::OpenOrDie(dir, NoAutoCompaction());
  for (int i = 0; i < n; ++i) {
    REQUIRE_OK(store->Put("k" + std::to_string(i), std::to_string(i)));
  }
  REQUIRE_OK(store->Close());
}

// The bytes of the one segment of the store in `tmp` now.
std::string SegmentNow(const testing::TempDir& tmp) {
  return ReadFileBytes(tmp.Join(kSegment));
}

// Writes keys k0..k{n-1} to a fresh store in `dir`, then replaces its one
// segment's bytes with what `edit` makes of them, and returns those.
std::string WriteKeysThenEdit(const std::string& dir, int n,
                              const std::function<std::string(std::string)>& edit) {
  WriteKeys(dir, n);
  const std::string path = dir + "/" + kSegment;
  const std::string edited = edit(ReadFileBytes(path));
  WriteFileBytes(path, edited);
  return edited;
}

TEST_CASE("a newest segment converted to CRLF is reported as damage and kept "
          "by the next write",
          "[regression]") {
  testing::TempDir tmp;
  const std::string crlf = WriteKeysThenEdit(tmp.path(), 20, [](std::string b) {
    return absl::StrReplaceAll(b, {{"\n", "\r\n"}});
  });

  auto store = testing::OpenOrDie(tmp.path(), NoAutoCompaction());
  CHECK(store->Damage().size() == 21);  // the header and 20 records
  CHECK(store->GetStats()->torn_tail_bytes == 0);
  REQUIRE_OK(store->Put("after", "1"));
  REQUIRE_OK(store->Close());
  // Every converted byte is still there, for the user to repair.
  const std::string now = SegmentNow(tmp);
  CHECK(now.substr(0, crlf.size()) == crlf);
  auto reopened = testing::OpenOrDie(tmp.path(), NoAutoCompaction());
  CHECK(reopened->Damage().size() == 21);
  CHECK(testing::Value(reopened->Get("after")) == "1");
}

TEST_CASE("an intact last record without its newline is served, and the next "
          "write keeps it",
          "[regression]") {
  testing::TempDir tmp;
  const std::string bytes = WriteKeysThenEdit(tmp.path(), 3, [](std::string b) {
    REQUIRE(b.back() == '\n');
    b.pop_back();  // what an editor with "no final newline" saves
    return b;
  });

  auto store = testing::OpenOrDie(tmp.path(), NoAutoCompaction());
  CHECK(store->Damage().empty());
  CHECK(testing::Value(store->Get("k2")) == "2");
  CHECK(store->GetStats()->torn_tail_bytes == 0);
  REQUIRE_OK(store->Put("k3", "3"));
  REQUIRE_OK(store->Close());
  CHECK(SegmentNow(tmp).substr(0, bytes.size() + 1) == bytes + "\n");
  auto reopened = testing::OpenOrDie(tmp.path(), NoAutoCompaction());
  CHECK(reopened->Damage().empty());
  CHECK(testing::Value(reopened->Get("k2")) == "2");
  CHECK(testing::Value(reopened->Get("k3")) == "3");
  CHECK(reopened->Lookup("k3")->seq == 4);
}

TEST_CASE("a full segment whose last record lacks its newline is ended when "
          "the next write starts a new segment",
          "[regression]") {
  // A crash can keep all of an unsynced record but its '\n'; when that
  // record filled the segment, the next write goes to a new one and used
  // to leave the old one ending in an unterminated line.
  testing::TempDir tmp;
  const std::string path = tmp.Join(kSegment);
  const Options options = SmallSegments(SyncMode::kNone);
  {
    auto store = testing::OpenOrDie(tmp.path(), options);
    for (int i = 0; ReadFileBytes(path).size() < 4096; ++i) {
      REQUIRE_OK(store->Put("k" + std::to_string(i), std::to_string(i)));
    }
    REQUIRE_OK(store->Close());
  }
  std::string bytes = ReadFileBytes(path);
  REQUIRE(bytes.back() == '\n');
  bytes.pop_back();
  WriteFileBytes(path, bytes);

  auto store = testing::OpenOrDie(tmp.path(), options);
  CHECK(store->Damage().empty());
  REQUIRE_OK(store->Put("next", "1"));
  REQUIRE_OK(store->Close());
  CHECK(ReadFileBytes(path) == bytes + "\n");
  CHECK(!ReadFileBytes(tmp.Join("segment-000002.jsonl")).empty());
  auto reopened = testing::OpenOrDie(tmp.path(), options);
  CHECK(reopened->Damage().empty());
  CHECK(testing::Value(reopened->Get("next")) == "1");
}

TEST_CASE("a hand-edited last line is reported and kept by the next write",
          "[regression]") {
  testing::TempDir tmp;
  const std::string bytes = WriteKeysThenEdit(tmp.path(), 3, [](std::string b) {
    const size_t value = b.rfind("\"value\":2");
    REQUIRE(value != std::string::npos);
    b[value + 8] = '7';  // the user "fixes" the value by hand
    return b;
  });

  auto store = testing::OpenOrDie(tmp.path(), NoAutoCompaction());
  REQUIRE(store->Damage().size() == 1);
  CHECK(store->Damage()[0].line == 4);
  REQUIRE_OK(store->Put("k3", "3"));
  REQUIRE_OK(store->Close());
  CHECK(SegmentNow(tmp).substr(0, bytes.size()) == bytes);
  auto reopened = testing::OpenOrDie(tmp.path(), NoAutoCompaction());
  CHECK(reopened->Damage().size() == 1);
  CHECK(testing::Value(reopened->Get("k3")) == "3");
}

TEST_CASE("a partial last line a crash left is still cut by the next write",
          "[regression]") {
  testing::TempDir tmp;
  std::string intact;
  WriteKeysThenEdit(tmp.path(), 3, [&](std::string b) {
    intact = b;
    return b + "{\"seq\":4,\"ts\":\"2026-";  // a crash mid-append
  });

  auto store = testing::OpenOrDie(tmp.path(), NoAutoCompaction());
  CHECK(store->Damage().empty());
  CHECK(store->GetStats()->torn_tail_bytes > 0);
  REQUIRE_OK(store->Put("k3", "3"));
  REQUIRE_OK(store->Close());
  const std::string now = SegmentNow(tmp);
  CHECK(now.substr(0, intact.size()) == intact);
  CHECK(now.find("2026-{") == std::string::npos);
  CHECK(testing::OpenOrDie(tmp.path(), NoAutoCompaction())->Damage().empty());
}

}  // namespace
}  // namespace dotlog
