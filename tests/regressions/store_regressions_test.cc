// Bugs found in the store, each pinned by the test that first caught it.
#include <catch2/catch.hpp>

#include <limits>

#include "dotlog/store.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::NoAutoCompaction;

// Compaction drops deleted keys; the next sequence number used to be taken
// from the records that survived, so numbers were handed out twice and a
// CompareAndSet could match a different record.
TEST_CASE("sequence numbers are never reused after compaction drops the newest records",
          "[regression]") {
  testing::TempDir tmp;
  auto store = *Store::Open(tmp.path(), NoAutoCompaction());
  REQUIRE_OK(store->Put("a", "1"));
  REQUIRE_OK(store->Put("k", "2"));
  REQUIRE_OK(store->Delete("k"));  // seq 3, the newest
  REQUIRE_OK(store->Compact());
  CHECK(store->GetStats()->last_seq == 3);
  REQUIRE_OK(store->Put("k", "4"));
  CHECK(store->Lookup("k")->seq == 4);
  CHECK(absl::IsAborted(store->CompareAndSet("k", 3, "5")));
  auto reopened = *Store::Open(tmp.path(), NoAutoCompaction());
  CHECK(reopened->Lookup("k")->seq == 4);
  CHECK(reopened->GetStats()->last_seq == 4);
}

// The timestamp of a batch's record was read through a view into the
// decoder's buffer after later lines had reused it.
TEST_CASE("compaction keeps the timestamps of operations that came from batches",
          "[regression]") {
  testing::TempDir tmp;
  auto store = *Store::Open(tmp.path(), NoAutoCompaction());
  for (int i = 0; i < 20; ++i) {
    WriteBatch batch;
    batch.Put("b/" + std::to_string(i), std::to_string(i));
    batch.Put("c/" + std::to_string(i), std::to_string(i));
    REQUIRE_OK(store->Write(batch));
    REQUIRE_OK(store->Put("filler/" + std::to_string(i), "\"" + std::string(100, 'x') + "\""));
  }
  const auto before = store->History("b/7", 1);
  REQUIRE_OK(before);
  REQUIRE_OK(store->Compact());
  const auto after = store->History("b/7", 1);
  REQUIRE_OK(after);
  REQUIRE(after->size() == 1);
  CHECK((*after)[0].written == (*before)[0].written);
  CHECK((*after)[0].seq == (*before)[0].seq);
  CHECK(testing::Value(store->Get("c/19")) == "19");
}

}  // namespace
}  // namespace dotlog

namespace dotlog {
namespace {

// Compaction writes the operations of a batch as separate records that
// share the batch's sequence number. A later compaction sorted versions by
// sequence number alone, could swap two such records, and then served the
// older value of a key whose history was kept.
TEST_CASE("the later operation of a batch still wins after repeated compactions",
          "[regression]") {
  testing::TempDir tmp;
  Options options = NoAutoCompaction();
  options.history = {{"v/", 3, std::chrono::milliseconds(0)}};
  auto store = *Store::Open(tmp.path(), options);
  // Enough records that ordering them is no longer an insertion sort.
  for (int i = 0; i < 40; ++i) REQUIRE_OK(store->Put("o/" + std::to_string(i), "0"));
  WriteBatch twice;
  twice.Put("v/a", "1");
  twice.Put("v/a", "2");
  REQUIRE_OK(store->Write(twice));
  WriteBatch back;
  back.Delete("v/b");
  back.Put("v/b", "3");
  REQUIRE_OK(store->Write(back));
  for (int round = 0; round < 5; ++round) {
    REQUIRE_OK(store->Compact());
    INFO("after compaction " << round + 1);
    CHECK(testing::Value(store->Get("v/a")) == "2");
    CHECK(store->Get("v/b").value_or("absent") == "3");
  }
}

}  // namespace
}  // namespace dotlog

namespace dotlog {
namespace {

// Found by fuzzing: after a record with the highest sequence number, the
// next write wrapped to seq 0, reported success, and was never served.
TEST_CASE("a write after the highest sequence number is refused, not lost",
          "[regression]") {
  testing::TempDir tmp;
  const std::string bytes =
      testing::OnePutSegment(std::numeric_limits<uint64_t>::max(), "k", "\"old\"");
  testing::WriteFileBytes(tmp.Join("segment-000001.jsonl"), bytes);
  auto store = *Store::Open(tmp.path(), NoAutoCompaction());
  REQUIRE(testing::Value(store->Get("k")) == "\"old\"");
  absl::Status s = store->Put("k", "\"new\"");
  // A store error (ResourceExhausted: the CLI exits 3), not a usage error,
  // with a way out.
  CHECK(absl::IsResourceExhausted(s));
  CHECK(std::string(s.message()).find("used up") != std::string::npos);
  CHECK(std::string(s.message()).find("load") != std::string::npos);
  CHECK(testing::ReadFileBytes(tmp.Join("segment-000001.jsonl")) == bytes);
  CHECK(testing::Value(store->Get("k")) == "\"old\"");
}

}  // namespace
}  // namespace dotlog
