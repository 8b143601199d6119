// The Store API contract, on the POSIX file system.
#include "dotlog/store.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "dotlog/limits.h"
#include "support/fake_clock.h"
#include "support/status_helpers.h"
#include "support/store_helpers.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::FakeClock;
using testing::OpenOrDie;
using testing::TempDir;
using namespace std::chrono_literals;

// Calls `calls` and checks that they wrote no byte to `store`'s files.
void CheckWritesNothing(Store& store, const std::function<void()>& calls) {
  const uint64_t before = store.GetStats()->total_bytes;
  calls();
  CHECK(store.GetStats()->total_bytes == before);
}

TEST_CASE("a value put is returned by get, minified", "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  REQUIRE_OK(store->Put("wallpaper/current/DP-1", "{ \"path\" : \"/w/a.png\" }"));
  auto v = store->Get("wallpaper/current/DP-1");
  REQUIRE_OK(v);
  CHECK(*v == "{\"path\":\"/w/a.png\"}");
}

TEST_CASE("a missing key is NotFound and the message names it", "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  auto v = store->Get("no/such/key");
  REQUIRE(absl::IsNotFound(v.status()));
  CHECK(std::string(v.status().message()).find("no/such/key") != std::string::npos);
  CHECK_FALSE(*store->Contains("no/such/key"));
}

TEST_CASE("a later put of the same key wins", "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  REQUIRE_OK(store->Put("k", "1"));
  REQUIRE_OK(store->Put("k", "2"));
  CHECK(testing::Value(store->Get("k")) == "2");
}

TEST_CASE("a deleted key is gone, also after reopening", "[store]") {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path());
    REQUIRE_OK(store->Put("k", "1"));
    REQUIRE_OK(store->Delete("k"));
    CHECK(absl::IsNotFound(store->Get("k").status()));
  }
  auto store = OpenOrDie(tmp.path());
  CHECK(absl::IsNotFound(store->Get("k").status()));
}

TEST_CASE("deleting an absent key succeeds and writes nothing", "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  REQUIRE_OK(store->Put("a", "1"));
  CheckWritesNothing(*store, [&] { REQUIRE_OK(store->Delete("absent")); });
}

TEST_CASE("every write survives closing and reopening", "[store]") {
  TempDir tmp;
  {
    auto store = OpenOrDie(tmp.path());
    for (int i = 0; i < 100; ++i) {
      REQUIRE_OK(store->Put("key/" + std::to_string(i), std::to_string(i * i)));
    }
    REQUIRE_OK(store->Close());
  }
  auto store = OpenOrDie(tmp.path());
  for (int i = 0; i < 100; ++i) {
    CHECK(testing::Value(store->Get("key/" + std::to_string(i))) == std::to_string(i * i));
  }
  CHECK(store->GetStats()->live_keys == 100);
  CHECK(store->Damage().empty());
}

TEST_CASE("a batch applies all its operations, later ones winning", "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  REQUIRE_OK(store->Put("gone", "0"));
  WriteBatch batch;
  batch.Put("a", "1");
  batch.Put("b", "[1,2]");
  batch.Delete("gone");
  batch.Put("a", "3");
  CHECK(batch.size() == 4);
  REQUIRE_OK(store->Write(batch));
  CHECK(testing::Value(store->Get("a")) == "3");
  CHECK(testing::Value(store->Get("b")) == "[1,2]");
  CHECK(absl::IsNotFound(store->Get("gone").status()));
  CHECK(store->GetStats()->records == 2);
  batch.Clear();
  CHECK(batch.empty());
  CHECK(batch.size() == 0);
}

TEST_CASE("a batch with one invalid operation writes nothing", "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  WriteBatch batch;
  batch.Put("a", "1");
  batch.Put("b", "{oops");
  auto s = store->Write(batch);
  REQUIRE(absl::IsInvalidArgument(s));
  CHECK(std::string(s.message()).find("batch operation 1") != std::string::npos);
  CHECK(absl::IsNotFound(store->Get("a").status()));
  CHECK(store->GetStats()->total_bytes == 0);
}

TEST_CASE("a batch's addition starts from the key's integer, else from 0",
          "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  REQUIRE_OK(store->Put("n", "40"));
  REQUIRE_OK(store->Put("text", "\"x\""));
  WriteBatch batch;
  batch.Add("n", 2);
  batch.Add("absent", -3);
  batch.Add("text", 5);
  batch.Put("set", "10");
  batch.Add("set", 1);  // from the batch's own earlier put
  batch.Delete("n");
  batch.Add("n", 7);  // from the batch's own delete: 0
  REQUIRE_OK(store->Write(batch));
  CHECK(testing::Value(store->Get("absent")) == "-3");
  CHECK(testing::Value(store->Get("text")) == "5");
  CHECK(testing::Value(store->Get("set")) == "11");
  CHECK(testing::Value(store->Get("n")) == "7");
  CHECK(store->GetStats()->records == 3);
}

TEST_CASE("a batch whose addition overflows writes nothing", "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  REQUIRE_OK(store->Put("n", std::to_string(INT64_MAX)));
  WriteBatch batch;
  batch.Put("other", "1");
  batch.Add("n", 1);
  const absl::Status s = store->Write(batch);
  CHECK(absl::IsOutOfRange(s));
  CHECK(std::string(s.message()).find("batch operation 1") != std::string::npos);
  CHECK(absl::IsNotFound(store->Get("other").status()));
  CHECK(testing::Value(store->Get("n")) == std::to_string(INT64_MAX));
}

TEST_CASE("a batch's addition loses no increment another thread commits",
          "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  constexpr int kEach = 500;
  int failed = 0;  // Catch2 assertions are for the test's own thread
  std::thread incrementing([&] {
    for (int i = 0; i < kEach; ++i) failed += !store->Increment("n", 1).ok();
  });
  for (int i = 0; i < kEach; ++i) {
    WriteBatch batch;
    batch.Add("n", 2);
    batch.Put("other", std::to_string(i));
    REQUIRE_OK(store->Write(batch));
  }
  incrementing.join();
  CHECK(failed == 0);
  CHECK(testing::Value(store->Get("n")) == std::to_string(3 * kEach));
}

TEST_CASE("listing returns live keys under a prefix in byte order", "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  for (const char* k : {"w/c", "w/a", "x/a", "w/b", "w"}) REQUIRE_OK(store->Put(k, "1"));
  REQUIRE_OK(store->Delete("w/b"));
  auto keys = store->ListKeys("w/");
  REQUIRE_OK(keys);
  CHECK(*keys == std::vector<std::string>{"w/a", "w/c"});
  auto items = store->List("");
  REQUIRE_OK(items);
  REQUIRE(items->size() == 4);
  CHECK((*items)[0].key == "w");
  CHECK((*items)[3].key == "x/a");
}

TEST_CASE("ForEach gives the items List gives, in order, and stops at the "
          "first error its function returns",
          "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  for (const char* k : {"w/c", "w/a", "x/a", "w/b", "w"}) REQUIRE_OK(store->Put(k, "1"));
  REQUIRE_OK(store->Put("w/a", "{\"n\":[1,2]}", PutOptions{.ttl = 1h}));
  REQUIRE_OK(store->Delete("w/b"));
  auto listed = store->List("w/");
  REQUIRE_OK(listed);
  std::vector<Item> given;
  REQUIRE_OK(store->ForEach("w/", [&](const Item& item) {
    given.push_back(item);
    return absl::OkStatus();
  }));
  REQUIRE(given.size() == 2);
  for (size_t i = 0; i < given.size(); ++i) {
    CHECK(given[i].key == (*listed)[i].key);
    CHECK(given[i].value == (*listed)[i].value);
    CHECK(given[i].seq == (*listed)[i].seq);
    CHECK(given[i].expires_at == (*listed)[i].expires_at);
  }
  CHECK(given[0].expires_at.has_value());
  CHECK_FALSE(given[1].expires_at.has_value());

  int calls = 0;
  absl::Status s = store->ForEach("", [&](const Item&) {
    ++calls;
    return absl::CancelledError("enough");
  });
  CHECK(calls == 1);
  CHECK(absl::IsCancelled(s));
}

TEST_CASE("a key is invisible from the moment it expires", "[store]") {
  TempDir tmp;
  FakeClock clock;
  Options options;
  options.clock = &clock;
  auto store = OpenOrDie(tmp.path(), options);
  REQUIRE_OK(store->Put("cache", "1", {.ttl = 30s}));
  REQUIRE_OK(store->Put("forever", "2"));
  clock.Advance(29999ms);
  CHECK(*store->Contains("cache"));
  auto item = store->Lookup("cache");
  REQUIRE_OK(item);
  REQUIRE(item->expires_at.has_value());
  clock.Advance(1ms);
  CHECK(absl::IsNotFound(store->Get("cache").status()));
  CHECK_FALSE(*store->Contains("cache"));
  CHECK(*store->ListKeys("") == std::vector<std::string>{"forever"});
  CHECK(store->GetStats()->live_keys == 1);
}

TEST_CASE("an absolute expiry survives reopening", "[store]") {
  TempDir tmp;
  FakeClock clock;
  Options options;
  options.clock = &clock;
  const auto at = clock.Now() + 1h;
  {
    auto store = OpenOrDie(tmp.path(), options);
    REQUIRE_OK(store->Put("k", "1", {.expires_at = at}));
  }
  auto store = OpenOrDie(tmp.path(), options);
  auto item = store->Lookup("k");
  REQUIRE_OK(item);
  CHECK(*item->expires_at == at);
  clock.Advance(1h);
  CHECK(absl::IsNotFound(store->Get("k").status()));
}

TEST_CASE("bad input is refused with InvalidArgument and writes nothing", "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  REQUIRE_OK(store->Put("keep", "1"));
  struct Case { std::string key, value, expect; };
  const std::vector<Case> cases = {
      {"", "1", "key is empty"},
      {std::string(kMaxKeyBytes + 1, 'k'), "1", "longer than the limit"},
      {"bad\xFFkey", "1", "not valid UTF-8"},
      {"k", "{\"a\":", "not valid JSON"},
      {"k", "\"\xC3\x28\"", "not valid JSON"},
      {"k", "", "not valid JSON"},
      {"k", "\"" + std::string(kMaxValueBytes, 'v') + "\"", "over the limit"},
  };
  CheckWritesNothing(*store, [&] {
    for (const Case& c : cases) {
      INFO(c.expect);
      auto s = store->Put(c.key, c.value);
      REQUIRE(absl::IsInvalidArgument(s));
      CHECK(std::string(s.message()).find(c.expect) != std::string::npos);
    }
    CHECK(absl::IsInvalidArgument(store->Put("k", "1", {.ttl = 1s, .expires_at = std::chrono::system_clock::now()})));
    CHECK(absl::IsInvalidArgument(store->Delete("")));
  });
}

TEST_CASE("segments roll over at the configured size", "[store]") {
  TempDir tmp;
  Options options;
  options.segment_bytes = 4096;
  {
    auto store = OpenOrDie(tmp.path(), options);
    for (int i = 0; i < 200; ++i) {
      REQUIRE_OK(store->Put("k" + std::to_string(i), "\"" + std::string(50, 'x') + "\""));
    }
    CHECK(store->GetStats()->segments > 3);
  }
  auto store = OpenOrDie(tmp.path(), options);
  CHECK(store->GetStats()->live_keys == 200);
  for (const auto& entry : std::filesystem::directory_iterator(tmp.path())) {
    if (entry.path().extension() == ".jsonl") {
      CHECK(entry.file_size() < 4096 + 200);
    }
  }
}

TEST_CASE("stats count live and dead bytes", "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  REQUIRE_OK(store->Put("a", "1"));
  const Stats one = *store->GetStats();
  REQUIRE_OK(store->Put("a", "2"));
  const Stats two = *store->GetStats();
  CHECK(two.records == 2);
  CHECK(two.live_keys == 1);
  CHECK(two.live_bytes == one.live_bytes);
  CHECK(two.dead_bytes > one.dead_bytes);
  CHECK(two.total_bytes == two.live_bytes + two.dead_bytes);
  CHECK(two.last_seq == 2);
}

TEST_CASE("the store directory is 0700 and its files 0600", "[store]") {
  TempDir tmp;
  const std::string dir = tmp.Join("a/b/state");
  auto store = OpenOrDie(dir);
  REQUIRE_OK(store->Put("k", "1"));
  namespace fs = std::filesystem;
  CHECK((fs::status(dir).permissions() & fs::perms::all) == fs::perms::owner_all);
  for (const auto& entry : fs::directory_iterator(dir)) {
    CHECK((entry.status().permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
  }
}

TEST_CASE("files the store does not own are left alone", "[store]") {
  TempDir tmp;
  testing::WriteFileBytes(tmp.Join("notes.txt"), "mine\n");
  testing::WriteFileBytes(tmp.Join("segment-x.jsonl"), "not a segment\n");
  {
    auto store = OpenOrDie(tmp.path());
    REQUIRE_OK(store->Put("k", "1"));
  }
  auto store = OpenOrDie(tmp.path());
  CHECK(testing::Value(store->Get("k")) == "1");
  CHECK(store->Damage().empty());
  CHECK(testing::ReadFileBytes(tmp.Join("notes.txt")) == "mine\n");
}

TEST_CASE("opening a missing directory without create_if_missing is NotFound", "[store]") {
  TempDir tmp;
  Options options;
  options.create_if_missing = false;
  CHECK(absl::IsNotFound(Store::Open(tmp.Join("nope"), options).status()));
  CHECK_FALSE(std::filesystem::exists(tmp.Join("nope")));
}

TEST_CASE("every call after Close fails with FailedPrecondition", "[store]") {
  TempDir tmp;
  auto store = OpenOrDie(tmp.path());
  REQUIRE_OK(store->Close());
  CHECK(absl::IsFailedPrecondition(store->Put("k", "1")));
  CHECK(absl::IsFailedPrecondition(store->Get("k").status()));
  CHECK(absl::IsFailedPrecondition(store->Close()));
}

TEST_CASE("two handles in one process see each other's writes", "[store]") {
  TempDir tmp;
  auto a = OpenOrDie(tmp.path());
  auto b = OpenOrDie(tmp.path());
  REQUIRE_OK(a->Put("k", "1"));
  CHECK(testing::Value(b->Get("k")) == "1");
  REQUIRE_OK(b->Put("k", "2"));
  REQUIRE_OK(b->Delete("k"));
  REQUIRE_OK(b->Put("j", "3"));
  CHECK(absl::IsNotFound(a->Get("k").status()));
  CHECK(testing::Value(a->Get("j")) == "3");
  CHECK(a->GetStats()->last_seq == 4);
}

TEST_CASE("several threads may write and read one handle at once", "[store]") {
  TempDir tmp;
  Options options;
  options.sync = SyncMode::kNone;
  auto store = OpenOrDie(tmp.path(), options);
  // Catch2's assertions are not thread-safe: the threads gather what went
  // wrong, and the test's own thread checks it.
  absl::Mutex mu;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        absl::Status put = store->Put(key, std::to_string(i));
        absl::StatusOr<std::string> got = store->Get(key);
        if (!put.ok() || !got.ok() || *got != std::to_string(i)) {
          absl::MutexLock l(&mu);
          errors.push_back(key + ": put " + put.ToString() + ", get " +
                           (got.ok() ? *got : got.status().ToString()));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(errors == std::vector<std::string>{});
  CHECK(store->GetStats()->live_keys == 800);
  CHECK(store->GetStats()->last_seq == 800);
}

}  // namespace
}  // namespace dotlog
