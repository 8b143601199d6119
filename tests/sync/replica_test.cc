#include "dotlog/sync/replica.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"
#include "sync/local_machine.h"
#include "sync/memory_stream.h"

namespace dotlog {
namespace {

using testing::MemoryStream;
using testing::Value;

const std::vector<std::string> kShared = {"state/wallpaper/favourite/",
                                          "state/colorscheme",
                                          "state/wallpaper/current#recent"};
constexpr const char* kFav = "state/wallpaper/favourite/a.png";

struct Machine : testing::LocalMachine {
  explicit Machine(std::string name)
      : LocalMachine(std::move(name), kShared) {}
};

TEST_CASE("A change of a shared prefix arrives on the other machine") {
  Machine a("a"), b("b");
  MemoryStream stream;
  a.Put(kFav, R"({"layout":1})");
  stream.Publish(*a.replica);
  const ApplyReport report = stream.Deliver(*b.replica);
  CHECK(report.applied == 1);
  CHECK(b.Get(kFav) == R"({"layout":1})");
}

TEST_CASE("Keys outside the shared prefixes never leave the machine") {
  Machine a("a"), b("b");
  MemoryStream stream;
  a.Put("state/health/waybar", R"({"layout":1})");
  a.Put("state/wallpaper/cache/x.png", R"({"layout":1})");
  stream.Publish(*a.replica);
  CHECK(stream.size() == 0);
  stream.Deliver(*b.replica);
  CHECK_FALSE(b.Has("state/health/waybar"));
}

TEST_CASE("A change to a key another machine does not share is ignored") {
  Machine a("a"), b("b");
  MemoryStream stream;
  stream.Append({StreamEntry{.machine = "c", .seq = 1, .hlc = 5,
                             .changes = {{.item = "state/health/x",
                                          .value = "1"}}}});
  CHECK(stream.Deliver(*b.replica).applied == 0);
  CHECK_FALSE(b.Has("state/health/x"));
}

TEST_CASE("Only the recent list of the wallpaper key travels") {
  Machine a("a"), b("b");
  MemoryStream stream;
  b.Put("state/wallpaper/current",
        R"({"layout":1,"monitors":{"HDMI":{"path":"/b"}},"recent":[]})");
  stream.Publish(*b.replica);
  stream.Deliver(*a.replica);
  a.Put("state/wallpaper/current",
        R"({"layout":1,"monitors":{"DP-1":{"path":"/a"}},"recent":[{"path":"/a"}]})");
  stream.Publish(*a.replica);
  stream.Deliver(*b.replica);
  CHECK(b.Get("state/wallpaper/current") ==
        R"({"layout":1,"monitors":{"HDMI":{"path":"/b"}},"recent":[{"path":"/a"}]})");
}

TEST_CASE("The recent list creates the wallpaper key where it is absent") {
  Machine a("a"), b("b");
  MemoryStream stream;
  a.Put("state/wallpaper/current",
        R"({"layout":1,"monitors":{"DP-1":{}},"recent":["/a"]})");
  stream.Publish(*a.replica);
  stream.Deliver(*b.replica);
  CHECK(b.Get("state/wallpaper/current") ==
        R"({"layout":1,"monitors":{},"recent":["/a"]})");
}

TEST_CASE("Applied remote changes are not published back") {
  Machine a("a"), b("b");
  MemoryStream stream;
  a.Put(kFav, "1");
  a.Put("state/wallpaper/current", R"({"layout":1,"monitors":{},"recent":[1]})");
  stream.Publish(*a.replica);
  stream.Deliver(*b.replica);
  const size_t before = stream.size();
  stream.Publish(*b.replica);
  CHECK(stream.size() == before);
}

TEST_CASE("Concurrent writes converge on the later clock, in any order") {
  Machine a("a"), b("b");
  MemoryStream stream;
  a.wall = 2000;
  b.wall = 3000;
  a.Put(kFav, R"("from a")");
  b.Put(kFav, R"("from b")");
  const bool a_first = GENERATE(true, false);
  if (a_first) {
    stream.Publish(*a.replica);
    stream.Publish(*b.replica);
  } else {
    stream.Publish(*b.replica);
    stream.Publish(*a.replica);
  }
  stream.Deliver(*a.replica);
  stream.Deliver(*b.replica);
  CHECK(a.Get(kFav) == R"("from b")");
  CHECK(b.Get(kFav) == R"("from b")");
}

TEST_CASE("Equal clocks are decided by the greater machine name") {
  Machine a("desktop"), b("laptop");
  MemoryStream stream;
  a.Put(kFav, R"("desktop")");
  b.Put(kFav, R"("laptop")");
  stream.Publish(*b.replica);
  stream.Publish(*a.replica);
  REQUIRE(stream.size() == 2);
  stream.Deliver(*a.replica);
  stream.Deliver(*b.replica);
  CHECK(a.Get(kFav) == R"("laptop")");
  CHECK(b.Get(kFav) == R"("laptop")");
}

TEST_CASE("A delete is not resurrected by an older change arriving late") {
  Machine a("a"), b("b"), c("c");
  MemoryStream stream;
  a.Put(kFav, "1");
  stream.Publish(*a.replica);
  stream.Deliver(*b.replica);
  stream.Deliver(*c.replica);
  // c changes the key while cut off; b deletes it later.
  c.wall = 2000;
  c.Put(kFav, "2");
  b.wall = 3000;
  REQUIRE_OK(b.store->Delete(kFav));
  stream.Publish(*b.replica);
  stream.Deliver(*a.replica);
  stream.Publish(*c.replica);  // the late, older change
  stream.Deliver(*a.replica);
  stream.Deliver(*b.replica);
  stream.Deliver(*c.replica);
  CHECK_FALSE(a.Has(kFav));
  CHECK_FALSE(b.Has(kFav));
  CHECK_FALSE(c.Has(kFav));
}

TEST_CASE("A restart resumes after the last applied entry") {
  Machine a("a"), b("b");
  MemoryStream stream;
  a.Put(kFav, "1");
  stream.Publish(*a.replica);
  stream.Deliver(*b.replica);
  const std::string position = b.replica->position().stream_id;
  b.Put(kFav, "2");  // local, not yet published
  b.Restart();
  CHECK(b.replica->position().stream_id == position);
  CHECK(stream.Deliver(*b.replica).entries == 0);
  CHECK(b.Get(kFav) == "2");
}

TEST_CASE("After a restart the clock goes on past its last timestamp") {
  Machine a("a");
  a.wall = 5000;
  a.Put(kFav, "1");
  const std::vector<StreamEntry> first = Value(a.replica->PrepareOutgoing());
  REQUIRE_OK(a.replica->MarkSent());
  a.wall = 1000;  // the wall clock went back meanwhile
  a.Restart();
  a.Put(kFav, "2");
  const std::vector<StreamEntry> second = Value(a.replica->PrepareOutgoing());
  REQUIRE(first.size() == 1);
  REQUIRE(second.size() == 1);
  CHECK(second[0].hlc > first[0].hlc);
}

TEST_CASE("Entries resent after a crash are the same and applied once") {
  Machine a("a"), b("b");
  MemoryStream stream;
  a.Put(kFav, "1");
  const std::vector<StreamEntry> sent = Value(a.replica->PrepareOutgoing());
  stream.Append(sent);
  a.Restart();  // killed before MarkSent
  const std::vector<StreamEntry> again = Value(a.replica->PrepareOutgoing());
  CHECK(again == sent);
  stream.Append(again);
  REQUIRE_OK(a.replica->MarkSent());
  const ApplyReport report = stream.Deliver(*b.replica);
  CHECK(report.entries == 2);
  CHECK(report.applied == 1);
  CHECK(b.Get(kFav) == "1");
}

TEST_CASE("Malformed and newer entries are reported and skipped") {
  Machine b("b");
  MemoryStream stream;
  StreamFields newer = EncodeEntry(
      {.machine = "a", .seq = 1, .hlc = 9, .changes = {{.item = kFav, .value = "9"}}});
  newer[0].second = "2";
  stream.AppendFields(newer);
  stream.AppendFields({{"v", "1"}, {"m", "a"}});
  stream.Append({{.machine = "a", .seq = 2, .hlc = 10,
                  .changes = {{.item = "state/colorscheme", .value = "3"}}}});
  const ApplyReport report = stream.Deliver(*b.replica);
  REQUIRE(report.problems.size() == 2);
  CHECK(report.problems[0].find("1-0") != std::string::npos);
  CHECK(report.problems[1].find("2-0") != std::string::npos);
  CHECK_FALSE(b.Has(kFav));
  CHECK(b.Get("state/colorscheme") == "3");
  CHECK(b.replica->position().stream_id == "3-0");
}

TEST_CASE("A second replica of one store is refused while the first lives") {
  Machine a("a");
  absl::StatusOr<std::unique_ptr<Replica>> second = Replica::Open(
      a.store.get(), a.dir.path(), {.machine = "a", .shared = kShared});
  CHECK(absl::IsFailedPrecondition(second.status()));
  CHECK(std::string(second.status().message()).find("SYNC.lock") !=
        std::string::npos);
  // One that only reads the position is allowed, and cannot replicate.
  std::unique_ptr<Replica> reader = Value(Replica::Open(
      a.store.get(), a.dir.path(),
      {.machine = "a", .shared = kShared, .replicate = false}));
  CHECK(absl::IsFailedPrecondition(reader->PrepareOutgoing().status()));
  CHECK(absl::IsFailedPrecondition(reader->Apply({{"1-0", {}}}).status()));
  a.replica.reset();
  CHECK_OK(Replica::Open(a.store.get(), a.dir.path(),
                         {.machine = "a", .shared = kShared}));
}

TEST_CASE("Bookkeeping keys cannot be shared") {
  Machine a("a");
  CHECK(absl::IsInvalidArgument(
      Replica::Open(a.store.get(), a.dir.path(),
                    {.machine = "a", .shared = {"sync/"}})
          .status()));
  CHECK(absl::IsInvalidArgument(
      Replica::Open(a.store.get(), a.dir.path(), {.machine = ""}).status()));
}

// Machines sharing the counters under "state/count/".
struct CountingMachine : testing::LocalMachine {
  explicit CountingMachine(std::string name)
      : LocalMachine(std::move(name), {"count:state/count/"}) {}
  void Increment(int64_t by) { REQUIRE_OK(store->Increment(kCount, by)); }
  static constexpr const char* kCount = "state/count/n";
};

// Publishes what `a` and `b` changed, then delivers it to both.
void Exchange(CountingMachine& a, CountingMachine& b, MemoryStream& stream) {
  stream.Publish(*a.replica);
  stream.Publish(*b.replica);
  stream.Deliver(*a.replica);
  stream.Deliver(*b.replica);
}

// a counted 3 and b 2, and they exchanged: both hold 5.
struct CountedOnBoth {
  CountedOnBoth() {
    a.Increment(3);
    b.Increment(2);
    Exchange(a, b, stream);
  }
  CountingMachine a{"a"}, b{"b"};
  MemoryStream stream;
};

// a counted 5 and published it; b has not seen it yet.
struct FivePublishedByA {
  FivePublishedByA() {
    a.Increment(5);
    stream.Publish(*a.replica);
  }
  CountingMachine a{"a"}, b{"b"};
  MemoryStream stream;
};

TEST_CASE("A counter rule is a key prefix, without '#'") {
  Machine a("a");
  a.replica.reset();
  CHECK(absl::IsInvalidArgument(
      Replica::Open(a.store.get(), a.dir.path(),
                    {.machine = "a", .shared = {"count:state/x#f"}})
          .status()));
}

TEST_CASE("A counter travels as this machine's contribution") {
  CountingMachine a("a");
  MemoryStream stream;
  a.Increment(2);
  a.Increment(3);
  stream.Publish(*a.replica);
  REQUIRE(stream.size() == 1);
  const StreamEntry entry = Value(DecodeEntry(stream.entries()[0].fields));
  CHECK(entry.changes == std::vector<SharedChange>{
                             {.item = "state/count/n@a", .value = "5"}});
}

TEST_CASE_METHOD(
    FivePublishedByA,
    "An increment committed between an apply and the publisher's pass counts "
    "as this machine's once, the applied one as the other's") {
  b.Increment(2);  // before the apply, not yet read by b's publisher
  stream.Deliver(*b.replica);
  b.Increment(1);  // after it
  CHECK(b.Get(CountingMachine::kCount) == "8");
  stream.Publish(*b.replica);
  const StreamEntry entry = Value(DecodeEntry(stream.entries().back().fields));
  CHECK(entry.changes == std::vector<SharedChange>{
                             {.item = "state/count/n@b", .value = "3"}});
  stream.Deliver(*a.replica);
  CHECK(a.Get(CountingMachine::kCount) == "8");
  // Nothing of a's comes back to a as b's.
  stream.Publish(*a.replica);
  stream.Deliver(*b.replica);
  CHECK(b.Get(CountingMachine::kCount) == "8");
}

TEST_CASE_METHOD(
    CountedOnBoth,
    "Deleting a counter zeroes it everywhere, keeping increments made "
    "elsewhere meanwhile") {
  REQUIRE(a.Get(CountingMachine::kCount) == "5");
  REQUIRE(b.Get(CountingMachine::kCount) == "5");
  REQUIRE_OK(a.store->Delete(CountingMachine::kCount));
  b.Increment(4);
  Exchange(a, b, stream);
  CHECK(a.Get(CountingMachine::kCount) == "4");
  CHECK(b.Get(CountingMachine::kCount) == "4");
}

TEST_CASE_METHOD(
    CountedOnBoth,
    "Putting an integer sets the counter everywhere; anything else counts "
    "as 0") {
  a.Put(CountingMachine::kCount, "10");
  stream.Publish(*a.replica);
  stream.Deliver(*b.replica);
  CHECK(b.Get(CountingMachine::kCount) == "10");

  b.Put(CountingMachine::kCount, R"("reset")");
  stream.Publish(*b.replica);
  stream.Deliver(*a.replica);
  CHECK(a.Get(CountingMachine::kCount) == "0");
  // b keeps its text until another machine's change adds to it.
  CHECK(b.Get(CountingMachine::kCount) == R"("reset")");
  a.Increment(1);
  stream.Publish(*a.replica);
  stream.Deliver(*b.replica);
  CHECK(b.Get(CountingMachine::kCount) == "1");
  CHECK(a.Get(CountingMachine::kCount) == "1");
}

TEST_CASE("An applied contribution is kept in the batch that moves the position") {
  CountingMachine a("a"), b("b");
  MemoryStream stream;
  a.Increment(4);
  stream.Publish(*a.replica);
  stream.Deliver(*b.replica);
  // One record holds the counter, its bookkeeping and the position.
  const auto counter = Value(b.store->Lookup(CountingMachine::kCount));
  CHECK(Value(b.store->Lookup("sync/count/state/count/n")).seq == counter.seq);
  CHECK(Value(b.store->Lookup("sync/position")).seq == counter.seq);
  CHECK(b.Get("sync/count/state/count/n") ==
        R"({"own":0,"peers":{"a":4}})");
  // Delivered again after a restart: skipped, not added twice.
  b.Restart();
  REQUIRE(Value(b.replica->Apply(stream.entries())).applied == 0);
  CHECK(b.Get(CountingMachine::kCount) == "4");
}

TEST_CASE_METHOD(
    FivePublishedByA,
    "An applied count stays the other machine's after a compaction merged "
    "its record") {
  stream.Deliver(*b.replica);
  // A second apply supersedes the position the first one's record held,
  // and the compaction drops it: the counter's version is left alone.
  REQUIRE_OK(a.store->Increment("state/count/other", 1));
  stream.Publish(*a.replica);
  stream.Deliver(*b.replica);
  REQUIRE_OK(b.store->Compact());
  stream.Publish(*b.replica);
  stream.Deliver(*a.replica);
  CHECK(a.Get(CountingMachine::kCount) == "5");
  CHECK(b.Get(CountingMachine::kCount) == "5");
}

}  // namespace
}  // namespace dotlog
