// A compaction killed between its commit and its cleanup leaves segments
// that its base replaced. The store ignores them; the change feed (watch
// --initial), dotlog-dump --format history and verify read them as live.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "dotlog/change_feed.h"
#include "dotlog/dump.h"
#include "dotlog/store.h"
#include "dotlog/verify.h"
#include "store/segment.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::ReadFileBytes;
using testing::WriteFileBytes;

// A store whose key "gone" was put in segment 1 and deleted later, then
// compacted, with segment 1 put back as a crash before the cleanup leaves
// it.
void MakeStoreWithLeftover(const std::string& dir) {
  const Options options = testing::SmallSegments(SyncMode::kNone);
  auto store = testing::OpenOrDie(dir, options);
  REQUIRE_OK(store->Put("gone", "\"old\""));
  for (int i = 0; i < 100; ++i) {
    REQUIRE_OK(store->Put("k" + std::to_string(i % 10), std::to_string(i)));
  }
  REQUIRE_OK(store->Delete("gone"));
  REQUIRE(store->GetStats()->segments >= 3);
  const std::string first = dir + "/" + SegmentFileName(1);
  const std::string leftover = ReadFileBytes(first);
  REQUIRE_OK(store->Compact());
  REQUIRE_OK(store->Close());
  WriteFileBytes(first, leftover);
  auto reopened = testing::OpenOrDie(dir, options);
  REQUIRE(absl::IsNotFound(reopened->Get("gone").status()));
}

TEST_CASE("the change feed's snapshot ignores segments a base replaced",
          "[regression]") {
  testing::TempDir tmp;
  MakeStoreWithLeftover(tmp.path());
  ChangeFeed feed(tmp.path());
  FeedPosition end;
  auto live = feed.Snapshot("", std::chrono::system_clock::now(), &end);
  REQUIRE_OK(live.status());
  for (const Change& c : *live) CHECK(c.key != "gone");
  CHECK(live->size() == 10);
}

TEST_CASE("the history dump ignores segments a base replaced", "[regression]") {
  testing::TempDir tmp;
  MakeStoreWithLeftover(tmp.path());
  std::string out;
  REQUIRE_OK(DumpHistory(tmp.path(), nullptr, "", [&](std::string_view text) {
    out.append(text);
    return absl::OkStatus();
  }));
  CHECK_FALSE(absl::StrContains(out, "\"gone\""));
  CHECK(absl::StrContains(out, "\"k9\""));
}

TEST_CASE("verify names a segment a base replaced without checking it",
          "[regression]") {
  testing::TempDir tmp;
  MakeStoreWithLeftover(tmp.path());
  auto report = VerifyStore(tmp.path(), nullptr);
  REQUIRE_OK(report.status());
  CHECK(report->errors.empty());
  REQUIRE(report->warnings.size() == 1);
  CHECK(absl::StrContains(report->warnings[0].reason, "replaced by compacted"));
}

}  // namespace
}  // namespace dotlog
