// Injected I/O errors (FaultFileSystem::FailAtPoint): a full disk, an I/O
// error, a short write, a failed sync. Each test names what the store
// promises when one mutation fails.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "dotlog/limits.h"
#include "dotlog/options.h"
#include "dotlog/store.h"
#include "dotlog/write_batch.h"
#include "support/fake_clock.h"
#include "support/fault_file_system.h"
#include "support/status_helpers.h"
#include "support/store_model.h"
#include "util/strings.h"

namespace dotlog::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kDir[] = "/store";

// An error a disk can return, as the POSIX file system maps errno.
struct DiskError {
  const char* name;
  absl::Status status;
};

std::vector<DiskError> DiskErrors() {
  return {
      {"ENOSPC", absl::ResourceExhaustedError("No space left on device")},
      {"EIO as Internal", absl::InternalError("Input/output error")},
      {"EIO as DataLoss", absl::DataLossError("Input/output error")},
  };
}

// A store on a FaultFileSystem, synced on every write unless told otherwise.
struct Fixture {
  explicit Fixture(SyncMode sync = SyncMode::kAlways) {
    options.sync = sync;
    options.segment_bytes = 4096;
    options.file_system = &fs;
    options.clock = &clock;
    Reopen();
  }

  void Reopen() {
    store.reset();
    store = Value(Store::Open(kDir, options));
  }

  // Every file of the store directory with its bytes.
  std::map<std::string, std::string> Files() {
    std::map<std::string, std::string> files;
    for (const std::string& name : Value(fs.ListDir(kDir))) {
      const std::string path = absl::StrCat(kDir, "/", name);
      files[path] = Value(fs.ReadAll(path));
    }
    return files;
  }

  // Fails the test unless every segment file is all intact lines.
  void RequireIntactSegments() {
    for (const auto& [path, bytes] : Files()) {
      if (!absl::StrContains(path, "segment-")) continue;
      INFO(path);
      CHECK(FirstBrokenLine(bytes) == "");
    }
  }

  // The number of the next mutation point.
  uint64_t NextPoint() const { return fs.mutation_count() + 1; }

  FaultFileSystem fs;
  FakeClock clock;
  Options options;
  std::unique_ptr<Store> store;
};

// Puts a few keys and returns the state they make.
State WriteSome(Store& store) {
  REQUIRE_OK(store.Put("a", "1"));
  REQUIRE_OK(store.Put("b", R"({"x":[1,2]})"));
  REQUIRE_OK(store.Put("a", "11"));
  WriteBatch batch;
  batch.Put("c", "\"c\"");
  batch.Delete("b");
  REQUIRE_OK(store.Write(batch));
  return State{{"a", {"11", 0}}, {"c", {"\"c\"", 0}}};
}

bool AsksToReopen(const absl::Status& s) {
  return absl::IsFailedPrecondition(s) &&
         absl::StrContains(s.message(), "reopen");
}

// --- A failed append -------------------------------------------------------

// The partial_bytes values tried for a failed append: none, one byte, part
// of the record, and more than the record (all of it reaches the file and
// the call still fails).
constexpr size_t kPartials[] = {0, 1, 25, 1 << 20};

TEST_CASE("a failed append returns the file system's error", "[io_error]") {
  for (const DiskError& error : DiskErrors()) {
    for (size_t partial : kPartials) {
      INFO(error.name << ", " << partial << " bytes written first");
      Fixture f;
      WriteSome(*f.store);
      const uint64_t point = f.NextPoint();
      f.fs.FailAtPoint(point, error.status, partial);
      const absl::Status s = f.store->Put("d", "4");
      INFO("point " << point << ": " << f.fs.DescribePoint(point));
      CHECK(absl::StartsWith(f.fs.DescribePoint(point), "append"));
      CHECK(s.code() == error.status.code());
      CHECK(absl::StrContains(s.message(), error.status.message()));
    }
  }
}

TEST_CASE(
    "a failed or short append is cut off: the segment holds exactly the "
    "intact lines it held before",
    "[io_error]") {
  for (const DiskError& error : DiskErrors()) {
    for (size_t partial : kPartials) {
      INFO(error.name << ", " << partial << " bytes written first");
      Fixture f;
      WriteSome(*f.store);
      const auto before = f.Files();
      f.fs.FailAtPoint(f.NextPoint(), error.status, partial);
      REQUIRE_FALSE(
          f.store->Put("d", R"({"long":"enough to be cut short"})").ok());
      CHECK(f.Files() == before);
      f.RequireIntactSegments();
    }
  }
}

TEST_CASE(
    "after a failed append the store serves every earlier write, and the "
    "next write succeeds and survives a reopen",
    "[io_error]") {
  for (const DiskError& error : DiskErrors()) {
    for (size_t partial : kPartials) {
      INFO(error.name << ", " << partial << " bytes written first");
      Fixture f;
      State state = WriteSome(*f.store);
      f.fs.FailAtPoint(f.NextPoint(), error.status, partial);
      REQUIRE_FALSE(f.store->Put("failed", "0").ok());
      CHECK(ReadState(*f.store) == state);
      CHECK(absl::IsNotFound(f.store->Get("failed").status()));

      CHECK_OK(f.store->Put("next", "5"));
      state["next"] = {"5", 0};
      CHECK(ReadState(*f.store) == state);
      f.Reopen();
      CHECK(ReadState(*f.store) == state);
      CHECK(f.store->Damage().empty());
      f.RequireIntactSegments();
    }
  }
}

TEST_CASE("a failed batch append applies none of the batch", "[io_error]") {
  for (size_t partial : kPartials) {
    INFO(partial << " bytes written first");
    Fixture f;
    const State state = WriteSome(*f.store);
    WriteBatch batch;
    batch.Put("x", "1");
    batch.Delete("a");
    batch.Put("c", "2");
    f.fs.FailAtPoint(f.NextPoint(), absl::ResourceExhaustedError("disk full"),
                     partial);
    CHECK(absl::IsResourceExhausted(f.store->Write(batch)));
    CHECK(ReadState(*f.store) == state);
    f.Reopen();
    CHECK(ReadState(*f.store) == state);
  }
}

TEST_CASE(
    "when a partly written record cannot be cut off, the handle refuses "
    "writes asking to reopen, and the reopened store drops the torn record",
    "[io_error]") {
  Fixture f;
  State state = WriteSome(*f.store);
  const uint64_t append = f.NextPoint();
  f.fs.FailAtPoint(append, absl::InternalError("Input/output error"), 25);
  f.fs.FailAtPoint(append + 1, absl::InternalError("Input/output error"));
  CHECK(absl::IsInternal(f.store->Put("torn", "\"never acknowledged\"")));
  CHECK(absl::StartsWith(f.fs.DescribePoint(append + 1), "truncate"));

  const uint64_t points = f.fs.mutation_count();
  const absl::Status refused = f.store->Put("next", "1");
  INFO(refused.ToString());
  CHECK(AsksToReopen(refused));
  CHECK(f.fs.mutation_count() == points);
  CHECK(ReadState(*f.store) == state);

  f.Reopen();
  CHECK(ReadState(*f.store) == state);
  CHECK(f.store->Damage().empty());
  CHECK_OK(f.store->Put("next", "1"));
  state["next"] = {"1", 0};
  CHECK(ReadState(*f.store) == state);
  f.RequireIntactSegments();
}

// --- A failed sync ---------------------------------------------------------

// Every kind of write, each of which a poisoned handle must refuse.
std::vector<std::pair<std::string, std::function<absl::Status(Store&)>>>
EveryWrite() {
  return {
      {"Put", [](Store& s) { return s.Put("a", "2"); }},
      {"Put of a new key", [](Store& s) { return s.Put("new", "2"); }},
      {"Delete", [](Store& s) { return s.Delete("a"); }},
      {"Write",
       [](Store& s) {
         WriteBatch b;
         b.Put("x", "1");
         b.Delete("c");
         return s.Write(b);
       }},
      {"Update",
       [](Store& s) {
         return s
             .Update("a",
                     [](const std::optional<std::string>&)
                         -> absl::StatusOr<std::optional<std::string>> {
                       return std::optional<std::string>("3");
                     })
             .status();
       }},
      {"CompareAndSet",
       [](Store& s) { return s.CompareAndSet("cas", 0, "1"); }},
      {"Increment", [](Store& s) { return s.Increment("n", 1).status(); }},
      {"Sync", [](Store& s) { return s.Sync(); }},
  };
}

TEST_CASE("a failed sync of a record returns the file system's error",
          "[io_error]") {
  for (const DiskError& error : DiskErrors()) {
    INFO(error.name);
    Fixture f;
    WriteSome(*f.store);
    const uint64_t sync = f.NextPoint() + 1;  // after the append
    f.fs.FailAtPoint(sync, error.status);
    const absl::Status s = f.store->Put("d", "4");
    INFO(f.fs.DescribePoint(sync));
    CHECK(absl::StartsWith(f.fs.DescribePoint(sync), "sync"));
    CHECK(s.code() == error.status.code());
  }
}

TEST_CASE(
    "after a failed sync the handle refuses every later write with "
    "FailedPrecondition saying to reopen, and writes nothing",
    "[io_error]") {
  Fixture f;
  const State state = WriteSome(*f.store);
  f.fs.FailAtPoint(f.NextPoint() + 1,
                   absl::InternalError("Input/output error"));
  REQUIRE(absl::IsInternal(f.store->Put("d", "4")));
  const auto files = f.Files();
  const uint64_t points = f.fs.mutation_count();
  for (const auto& [name, write] : EveryWrite()) {
    const absl::Status s = write(*f.store);
    INFO(name << ": " << s.ToString());
    CHECK(AsksToReopen(s));
  }
  CHECK(f.fs.mutation_count() == points);
  CHECK(f.Files() == files);
  // Reads still work: every write acknowledged before the failure is served.
  for (const auto& [key, stored] : state) {
    INFO(key);
    CHECK(f.store->Get(key).value_or("<error>") == stored.value);
  }
}

TEST_CASE("a store reopened after a failed sync takes writes again",
          "[io_error]") {
  Fixture f;
  State state = WriteSome(*f.store);
  f.fs.FailAtPoint(f.NextPoint() + 1,
                   absl::InternalError("Input/output error"));
  REQUIRE(absl::IsInternal(f.store->Put("d", "4")));
  f.Reopen();
  for (const auto& [key, stored] : state) {
    INFO(key);
    CHECK(f.store->Get(key).value_or("<error>") == stored.value);
  }
  for (const auto& [name, write] : EveryWrite()) {
    INFO(name);
    CHECK_OK(write(*f.store));
  }
  REQUIRE_OK(f.store->Put("e", "5"));
  CHECK(f.store->Get("e").value_or("<error>") == "5");
  f.Reopen();
  CHECK(f.store->Get("e").value_or("<error>") == "5");
  f.RequireIntactSegments();
}

TEST_CASE(
    "with sync none, a failed Store::Sync() returns the error and poisons the "
    "handle until it is reopened",
    "[io_error]") {
  Fixture f(SyncMode::kNone);
  const State state = WriteSome(*f.store);
  const uint64_t sync = f.NextPoint();
  f.fs.FailAtPoint(sync, absl::InternalError("Input/output error"));
  CHECK(absl::IsInternal(f.store->Sync()));
  INFO(f.fs.DescribePoint(sync));
  CHECK(absl::StartsWith(f.fs.DescribePoint(sync), "sync"));
  const absl::Status refused = f.store->Put("d", "4");
  INFO(refused.ToString());
  CHECK(AsksToReopen(refused));
  CHECK(AsksToReopen(f.store->Sync()));
  f.Reopen();
  CHECK(ReadState(*f.store) == state);
  CHECK_OK(f.store->Put("d", "4"));
  CHECK_OK(f.store->Sync());
}

// --- Errors while rolling over to a new segment -----------------------------

// Fills the store until the next Put starts a new segment. Returns the
// state and leaves the store one write short of the rollover.
State FillFirstSegment(Fixture& f) {
  State state;
  for (int i = 0; f.store->GetStats()->total_bytes < 4096; ++i) {
    const std::string key = absl::StrCat("k", i % 10);
    const std::string value =
        absl::StrCat("\"", std::string(100, 'v'), i, "\"");
    REQUIRE_OK(f.store->Put(key, value));
    state[key] = {value, 0};
  }
  REQUIRE(f.store->GetStats()->segments == 1);
  return state;
}

TEST_CASE(
    "a failure at any point of a segment rollover fails only that write; "
    "the next write works, or asks to reopen after a failed file sync",
    "[io_error]") {
  // The mutation points of the rolling write, from a run without faults.
  std::vector<std::string> points;
  uint64_t first;
  {
    Fixture f;
    FillFirstSegment(f);
    first = f.NextPoint();
    REQUIRE_OK(f.store->Put("roll", "1"));
    REQUIRE(f.store->GetStats()->segments == 2);
    for (uint64_t p = first; p < f.NextPoint(); ++p) {
      points.push_back(f.fs.DescribePoint(p));
    }
  }
  REQUIRE(points.size() >= 6);  // seal, create, header, sync, sync dir, record
  for (size_t i = 0; i < points.size(); ++i) {
    for (const DiskError& error : DiskErrors()) {
      const uint64_t point = first + i;
      INFO("failing point " << point << " (" << points[i] << ") with "
                            << error.name);
      Fixture f;
      State state = FillFirstSegment(f);
      REQUIRE(f.NextPoint() == first);
      f.fs.FailAtPoint(point, error.status, 10);
      const absl::Status failed = f.store->Put("roll", "1");
      INFO("the rolling Put returned " << failed.ToString());
      CHECK(failed.code() == error.status.code());
      CHECK(ReadState(*f.store) == state);

      // A failed file sync poisons the handle; anything else must not.
      const bool file_sync = absl::StartsWith(points[i], "sync /");
      const absl::Status next = f.store->Put("next", "2");
      INFO("the next Put returned " << next.ToString());
      if (file_sync) {
        CHECK(AsksToReopen(next));
      } else {
        CHECK_OK(next);
      }
      if (next.ok()) {
        state["next"] = {"2", 0};
        CHECK(f.store->Get("next").value_or("<error>") == "2");
      }

      f.Reopen();
      State reopened = ReadState(*f.store);
      reopened.erase("roll");  // in flight when it failed: either way is fine
      CHECK(reopened == state);
      CHECK(f.store->Damage().empty());
      CHECK_OK(f.store->Put("after", "3"));
      CHECK(f.store->Get("after").value_or("<error>") == "3");
      f.RequireIntactSegments();
    }
  }
}

// --- Bad input -------------------------------------------------------------

TEST_CASE("bad input is refused and never changes a byte on disk",
          "[io_error]") {
  Fixture f;
  const State state = WriteSome(*f.store);
  const auto files = f.Files();
  const uint64_t points = f.fs.mutation_count();
  const uint64_t seq = f.store->Lookup("a")->seq;

  const auto invalid_batch = [] {
    WriteBatch b;
    b.Put("ok", "1");
    b.Put("bad", "{not json");
    b.Delete("a");
    return b;
  }();
  const std::vector<std::pair<std::string, std::function<absl::Status()>>> bad =
      {
          {"empty key", [&] { return f.store->Put("", "1"); }},
          {"key not UTF-8", [&] { return f.store->Put("\xff\xfe", "1"); }},
          {"key too long",
           [&] {
             return f.store->Put(std::string(kMaxKeyBytes + 1, 'k'), "1");
           }},
          {"value not JSON", [&] { return f.store->Put("a", "{\"x\":"); }},
          {"two JSON values", [&] { return f.store->Put("a", "1 2"); }},
          {"empty value", [&] { return f.store->Put("a", ""); }},
          {"value too large",
           [&] {
             return f.store->Put(
                 "a",
                 absl::StrCat("\"", std::string(kMaxValueBytes, 'x'), "\""));
           }},
          {"ttl and expires_at",
           [&] {
             return f.store->Put(
                 "a", "1",
                 PutOptions{.ttl = 1s,
                            .expires_at = std::chrono::system_clock::now()});
           }},
          {"delete with empty key", [&] { return f.store->Delete(""); }},
          {"empty batch", [&] { return f.store->Write(WriteBatch()); }},
          {"batch with one bad op",
           [&] { return f.store->Write(invalid_batch); }},
          {"update returning bad JSON",
           [&] {
             return f.store
                 ->Update("a",
                          [](const std::optional<std::string>&)
                              -> absl::StatusOr<std::optional<std::string>> {
                            return std::optional<std::string>("[1,");
                          })
                 .status();
           }},
          {"compare-and-set with bad JSON",
           [&] { return f.store->CompareAndSet("a", seq, "nope"); }},
      };
  for (const auto& [name, call] : bad) {
    const absl::Status s = call();
    INFO(name << ": " << s.ToString());
    CHECK(absl::IsInvalidArgument(s));
    CHECK(f.fs.mutation_count() == points);
    CHECK(f.Files() == files);
  }

  // Refusals that are not about the input's form write nothing either.
  const std::vector<std::pair<std::string, std::function<absl::Status()>>>
      refused = {
          {"increment of a non-integer",
           [&] { return f.store->Increment("c", 1).status(); }},
          {"compare-and-set with a stale seq",
           [&] { return f.store->CompareAndSet("a", seq - 1, "2"); }},
          {"update whose function fails",
           [&] {
             return f.store
                 ->Update("a",
                          [](const std::optional<std::string>&)
                              -> absl::StatusOr<std::optional<std::string>> {
                            return absl::CancelledError("changed my mind");
                          })
                 .status();
           }},
          {"delete of an absent key",
           [&] { return f.store->Delete("absent"); }},
      };
  for (const auto& [name, call] : refused) {
    const absl::Status s = call();
    INFO(name << ": " << s.ToString());
    CHECK(f.fs.mutation_count() == points);
    CHECK(f.Files() == files);
  }
  CHECK(ReadState(*f.store) == state);
}

}  // namespace
}  // namespace dotlog::testing
