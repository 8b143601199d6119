// The crash matrix: a scripted workload is cut short by a simulated power
// loss at every mutation point it reaches, in every crash mode, and the
// recovered store is compared with a std::map model of the workload.
//
// One matrix run per sync mode is shared by the test cases below (it is
// computed by the first test that needs it); each test checks one promise
// across every crash and reports the first few crashes that break it, each
// with its mutation point (FaultFileSystem::DescribePoint), crash mode and
// seed. Replay a failure with DOTLOG_TEST_SEED=<seed printed on stderr>.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dotlog/options.h"
#include "dotlog/store.h"
#include "dotlog/write_batch.h"
#include "support/fake_clock.h"
#include "support/fault_file_system.h"
#include "support/status_helpers.h"
#include "support/store_model.h"
#include "support/test_seed.h"

namespace dotlog::testing {
namespace {

using CrashMode = FaultFileSystem::CrashMode;
using namespace std::chrono_literals;

constexpr char kDir[] = "/store";
constexpr int64_t kClockMs = 1767225600000;  // FakeClock's start; never moved.

// One step of the workload and what it does to the model.
struct Step {
  enum class Kind { kPut, kDelete, kBatch, kSync };
  Kind kind = Kind::kPut;
  std::string key;
  std::string value;
  PutOptions options;
  WriteBatch batch;
  std::vector<ModelOp> ops;  // effect on the model; empty for a sync

  std::string Name() const {
    switch (kind) {
      case Kind::kPut:
        return absl::StrCat("put ", key);
      case Kind::kDelete:
        return absl::StrCat("delete ", key);
      case Kind::kBatch:
        return absl::StrCat("batch of ", ops.size());
      case Kind::kSync:
        return "sync";
    }
    return "?";
  }
  bool Touches(const std::string& k) const {
    for (const ModelOp& op : ops) {
      if (op.key == k) return true;
    }
    return false;
  }
};

// Builds the scripted workload.
class Script {
 public:
  void Put(std::string key, std::string value,
           std::optional<std::chrono::milliseconds> ttl = std::nullopt) {
    Step s;
    s.kind = Step::Kind::kPut;
    s.options.ttl = ttl;
    s.ops.push_back(PutOp(key, value, ttl ? kClockMs + ttl->count() : 0));
    s.key = std::move(key);
    s.value = std::move(value);
    steps_.push_back(std::move(s));
  }
  void Delete(std::string key) {
    Step s;
    s.kind = Step::Kind::kDelete;
    s.ops.push_back(DeleteOp(key));
    s.key = std::move(key);
    steps_.push_back(std::move(s));
  }
  // Each op's expires_ms, if set, is taken as a TTL from the clock's time.
  void Batch(std::vector<ModelOp> ops) {
    Step s;
    s.kind = Step::Kind::kBatch;
    for (ModelOp& op : ops) {
      if (op.is_delete) {
        s.batch.Delete(op.key);
      } else if (op.expires_ms != 0) {
        s.batch.Put(
            op.key, op.value,
            PutOptions{.ttl = std::chrono::milliseconds(op.expires_ms)});
        op.expires_ms += kClockMs;
      } else {
        s.batch.Put(op.key, op.value);
      }
    }
    s.ops = std::move(ops);
    steps_.push_back(std::move(s));
  }
  void Sync() {
    Step s;
    s.kind = Step::Kind::kSync;
    steps_.push_back(std::move(s));
  }
  std::vector<Step> Take() { return std::move(steps_); }

 private:
  std::vector<Step> steps_;
};

// A minified JSON object of about 150 bytes, so that the workload fills
// several 4 KiB segments.
std::string Padded(int i) {
  return absl::StrCat("{\"i\":", i, ",\"pad\":\"",
                      std::string(120, 'a' + i % 26), "\"}");
}

// Puts, overwrites, deletes (one of an absent key), TTL puts, batches that
// mix puts and deletes, and explicit syncs; about 3.5 segments of 4 KiB.
std::vector<Step> Workload() {
  Script s;
  s.Put("user/alice", R"({"name":"alice","visits":1})");
  s.Put("user/bob", R"({"name":"bob"})");
  s.Put("config", "[1,2,3]");
  s.Put("user/alice", R"({"name":"alice","visits":2})");
  s.Delete("user/bob");
  s.Put("session/1", "\"token-1\"", 1h);
  s.Batch({PutOp("order/1", "1"), PutOp("order/2", "2"), DeleteOp("config"),
           PutOp("order/1", "11")});
  s.Sync();
  for (int i = 0; i < 48; ++i) {
    s.Put(absl::StrCat("log/", i % 6), Padded(i));
    if (i % 7 == 3) s.Delete(absl::StrCat("log/", (i + 2) % 6));
    if (i % 9 == 4) {
      s.Batch({PutOp(absl::StrCat("batch/", i), Padded(i + 1)),
               DeleteOp(absl::StrCat("log/", (i + 1) % 6)),
               PutOp(absl::StrCat("batch/ttl/", i), "true", 3600000),
               DeleteOp("order/2")});
    }
    if (i % 11 == 5) s.Put(absl::StrCat("session/", i), Padded(i), 2h);
    if (i % 16 == 15) s.Sync();
  }
  s.Delete("never/written");  // writes nothing
  s.Put("user/alice", "null");
  return s.Take();
}

// models[k] is the state after the first k steps.
std::vector<State> PrefixStates(const std::vector<Step>& steps) {
  std::vector<State> models(1);
  for (const Step& step : steps) {
    models.push_back(models.back());
    ApplyOps(step.ops, &models.back());
  }
  return models;
}

absl::Status ApplyStep(Store& store, const Step& step) {
  switch (step.kind) {
    case Step::Kind::kPut:
      return store.Put(step.key, step.value, step.options);
    case Step::Kind::kDelete:
      return store.Delete(step.key);
    case Step::Kind::kBatch:
      return store.Write(step.batch);
    case Step::Kind::kSync:
      return store.Sync();
  }
  return absl::InternalError("unknown step");
}

Options MakeOptions(FaultFileSystem* fs, FakeClock* clock, SyncMode sync) {
  Options options;
  options.sync = sync;
  options.segment_bytes = 4096;
  options.file_system = fs;
  options.clock = clock;
  return options;
}

std::vector<std::string> SegmentPaths(FaultFileSystem& fs) {
  std::vector<std::string> paths;
  auto names = fs.ListDir(kDir);
  if (!names.ok()) return paths;
  for (const std::string& name : *names) {
    if (name.starts_with("segment-"))
      paths.push_back(absl::StrCat(kDir, "/", name));
  }
  return paths;
}

const char* ModeName(CrashMode mode) {
  switch (mode) {
    case CrashMode::kDropUnsynced:
      return "kDropUnsynced";
    case CrashMode::kKeepUnsyncedPrefix:
      return "kKeepUnsyncedPrefix";
    case CrashMode::kGarbageUnsyncedTail:
      return "kGarbageUnsyncedTail";
  }
  return "?";
}

// Recoveries per crash point and mode: the random modes get several seeds,
// since what survives (how much of a tail, which garbage) depends on them.
size_t SeedsFor(CrashMode mode) {
  return mode == CrashMode::kDropUnsynced ? 1 : 6;
}

// What one crash left behind.
struct Crash {
  uint64_t point = 0;
  std::string where;  // DescribePoint(point)
  CrashMode mode = CrashMode::kDropUnsynced;
  uint64_t seed = 0;       // passed to Recover
  uint64_t base_seed = 0;  // the test's seed, for DOTLOG_TEST_SEED
  size_t acked = 0;        // steps that returned OK before the first failure
  size_t synced = 0;       // steps before (and including) the last OK Sync()
  std::string failure;     // the failed step and its status
  std::string open_error;  // non-empty if reopening failed
  State recovered;
  std::vector<size_t> prefixes;  // every k with models[k] == recovered
  std::vector<DamagedRecord> damage;
  std::string next_write_error;  // the Put after recovery, if it failed
  std::string broken_file;       // a segment with a broken line after it
  std::string reopen_mismatch;   // the state after one more reopen, if wrong

  std::string Describe() const {
    return absl::StrFormat(
        "crash at point %d (%s), mode %s, Recover seed %d (DOTLOG_TEST_SEED=%d): "
        "%d steps acknowledged, %d synced; %s",
        point, where, ModeName(mode), seed, base_seed, acked, synced,
        failure.empty() ? "no step failed" : failure);
  }
};

constexpr char kNextKey[] = "after/crash";
constexpr char kNextValue[] = "\"written after recovery\"";

Crash RunCrash(const std::vector<Step>& steps, const std::vector<State>& models,
               SyncMode sync, uint64_t point, CrashMode mode, uint64_t seed) {
  FaultFileSystem fs;
  FakeClock clock;
  const Options options = MakeOptions(&fs, &clock, sync);
  Crash c;
  c.point = point;
  c.mode = mode;
  c.seed = seed;
  {
    auto store = Store::Open(kDir, options);
    REQUIRE_OK(store);
    fs.CrashAtPoint(point);
    for (size_t i = 0; i < steps.size(); ++i) {
      absl::Status s = ApplyStep(**store, steps[i]);
      if (!s.ok()) {
        c.failure = absl::StrCat("step ", i, " (", steps[i].Name(),
                                 ") failed: ", s.ToString());
        break;
      }
      c.acked = i + 1;
      if (steps[i].kind == Step::Kind::kSync) c.synced = i + 1;
    }
  }  // The process dies; Close may reach the crash point too.
  c.where = fs.DescribePoint(point);
  fs.Recover(mode, seed);

  auto store = Store::Open(kDir, options);
  if (!store.ok()) {
    c.open_error = store.status().ToString();
    return c;
  }
  auto items = (*store)->List("");
  if (!items.ok()) {
    c.open_error = absl::StrCat("List failed: ", items.status().ToString());
    return c;
  }
  for (const Item& item : *items) {
    c.recovered[item.key] = Stored{
        item.value, item.expires_at ? ToUnixMillis(*item.expires_at) : 0};
  }
  for (size_t k = 0; k < models.size(); ++k) {
    if (models[k] == c.recovered) c.prefixes.push_back(k);
  }
  c.damage = (*store)->Damage();

  if (absl::Status s = (*store)->Put(kNextKey, kNextValue); !s.ok()) {
    c.next_write_error = s.ToString();
    return c;
  }
  for (const std::string& path : SegmentPaths(fs)) {
    const std::string broken = FirstBrokenLine(*fs.ReadAll(path));
    if (!broken.empty()) {
      c.broken_file = absl::StrCat(path, ": ", broken);
      break;
    }
  }
  store->reset();
  auto reopened = Store::Open(kDir, options);
  if (!reopened.ok()) {
    c.reopen_mismatch = reopened.status().ToString();
    return c;
  }
  State expected = c.recovered;
  expected[kNextKey] = Stored{kNextValue, 0};
  const State after = ReadState(**reopened);
  if (after != expected) {
    c.reopen_mismatch = absl::StrCat("expected ", testing::Describe(expected),
                                     "\nfound ", testing::Describe(after));
  }
  return c;
}

// The workload, its model, and what every crash left, for one sync mode.
struct Matrix {
  std::vector<Step> steps;
  std::vector<State> models;
  uint64_t points = 0;
  size_t segments = 0;
  std::vector<Crash> crashes;
};

Matrix ComputeMatrix(SyncMode sync) {
  Matrix m;
  m.steps = Workload();
  m.models = PrefixStates(m.steps);
  {
    // Count the mutation points of an uninterrupted run, close included.
    FaultFileSystem fs;
    FakeClock clock;
    {
      auto store = Store::Open(kDir, MakeOptions(&fs, &clock, sync));
      REQUIRE_OK(store);
      for (const Step& step : m.steps) REQUIRE_OK(ApplyStep(**store, step));
      REQUIRE(ReadState(**store) == m.models.back());
    }
    m.points = fs.mutation_count();
    m.segments = SegmentPaths(fs).size();
  }
  const uint64_t seed =
      TestSeed(sync == SyncMode::kAlways ? "fault_injection_test (kAlways)"
                                         : "fault_injection_test (kNone)");
  uint64_t next_seed = seed;
  for (uint64_t n = 1; n <= m.points; ++n) {
    for (CrashMode mode : FaultFileSystem::kCrashModes) {
      for (size_t r = 0; r < SeedsFor(mode); ++r) {
        m.crashes.push_back(
            RunCrash(m.steps, m.models, sync, n, mode, next_seed++));
        m.crashes.back().base_seed = seed;
      }
    }
  }
  return m;
}

const Matrix& MatrixFor(SyncMode sync) {
  static std::map<SyncMode, Matrix> matrices;
  auto it = matrices.find(sync);
  if (it == matrices.end())
    it = matrices.emplace(sync, ComputeMatrix(sync)).first;
  return it->second;
}

// Runs `check` on every crash of the matrix; `check` returns "" when the
// crash keeps the promise, else what went wrong. Reports the first few
// offenders and fails if there is any, or if there was no crash to check
// (a promise checked on nothing is not kept).
template <typename Check>
void ForEveryCrash(const Matrix& m, Check check) {
  size_t trials = 0;
  size_t failed = 0;
  for (const Crash& c : m.crashes) {
    ++trials;
    std::string problem = check(c);
    if (problem.empty() && !c.open_error.empty()) {
      problem = absl::StrCat("reopening failed: ", c.open_error);
    }
    if (problem.empty()) continue;
    if (++failed <= 5) FAIL_CHECK(c.Describe() << "\n" << problem);
  }
  INFO(failed << " of " << trials << " crashes broke the promise");
  CHECK(trials > 0);
  CHECK(failed == 0);
}

bool HasPrefixIn(const Crash& c, size_t lo, size_t hi) {
  for (size_t k : c.prefixes) {
    if (k >= lo && k <= hi) return true;
  }
  return false;
}

std::string PrefixProblem(const Matrix& m, const Crash& c, size_t lo,
                          size_t hi) {
  if (HasPrefixIn(c, lo, hi)) return "";
  std::string matches;
  for (size_t k : c.prefixes) absl::StrAppend(&matches, " ", k);
  return absl::StrCat(
      "recovered state equals the model after no k in [", lo, ", ", hi, "]",
      c.prefixes.empty() ? " (nor any other k)"
                         : absl::StrCat(" (but k =", matches, ")"),
      "\nrecovered ", Describe(c.recovered), "\nmodel after ", lo, " steps ",
      Describe(m.models[lo]));
}

TEST_CASE("the workload crosses at least two segment rollovers",
          "[fault_injection]") {
  for (SyncMode sync : {SyncMode::kAlways, SyncMode::kNone}) {
    const Matrix& m = MatrixFor(sync);
    INFO("mutation points: " << m.points);
    CHECK(m.segments >= 3);
    CHECK(m.crashes.size() >=
          m.points * std::size(FaultFileSystem::kCrashModes));
  }
}

TEST_CASE(
    "with sync always, a crash at any point recovers the acknowledged writes "
    "plus at most the one in flight, a batch all or nothing",
    "[fault_injection]") {
  const Matrix& m = MatrixFor(SyncMode::kAlways);
  ForEveryCrash(m, [&](const Crash& c) {
    return PrefixProblem(m, c, c.acked, std::min(c.acked + 1, m.steps.size()));
  });
}

TEST_CASE("with sync always, every acknowledged write survives a crash",
          "[fault_injection]") {
  const Matrix& m = MatrixFor(SyncMode::kAlways);
  ForEveryCrash(m, [&](const Crash& c) -> std::string {
    const State& acked = m.models[c.acked];
    const Step* in_flight =
        c.acked < m.steps.size() ? &m.steps[c.acked] : nullptr;
    std::set<std::string> keys;
    for (const auto& [key, stored] : acked) keys.insert(key);
    for (const auto& [key, stored] : c.recovered) keys.insert(key);
    for (const std::string& key : keys) {
      if (in_flight != nullptr && in_flight->Touches(key)) continue;
      auto want = acked.find(key);
      auto got = c.recovered.find(key);
      const std::string want_text =
          want == acked.end() ? "<absent>" : want->second.value;
      const std::string got_text =
          got == c.recovered.end() ? "<absent>" : got->second.value;
      if ((want == acked.end()) != (got == c.recovered.end()) ||
          (want != acked.end() && want->second != got->second)) {
        return absl::StrCat("key ", key, ": acknowledged ", want_text,
                            ", recovered ", got_text);
      }
    }
    return "";
  });
}

TEST_CASE(
    "with sync always, a crash leaves only a torn tail, which is not "
    "reported as damage",
    "[fault_injection]") {
  const Matrix& m = MatrixFor(SyncMode::kAlways);
  ForEveryCrash(m, [&](const Crash& c) -> std::string {
    if (c.damage.empty()) return "";
    return absl::StrCat("Damage() reports", Describe(c.damage));
  });
}

TEST_CASE(
    "after a crash the next write cuts off the torn tail, leaving every "
    "segment all complete lines, and survives a reopen",
    "[fault_injection]") {
  const Matrix& m = MatrixFor(SyncMode::kAlways);
  ForEveryCrash(m, [&](const Crash& c) -> std::string {
    if (!c.next_write_error.empty()) {
      return absl::StrCat("the Put after recovery failed: ",
                          c.next_write_error);
    }
    if (!c.broken_file.empty()) {
      return absl::StrCat("after the Put, ", c.broken_file);
    }
    if (!c.reopen_mismatch.empty()) {
      return absl::StrCat("after the Put and a reopen: ", c.reopen_mismatch);
    }
    return "";
  });
}

TEST_CASE(
    "with sync none, a crash at any point recovers a prefix of the "
    "operations, a batch all or nothing",
    "[fault_injection]") {
  const Matrix& m = MatrixFor(SyncMode::kNone);
  ForEveryCrash(m, [&](const Crash& c) {
    return PrefixProblem(m, c, 0, std::min(c.acked + 1, m.steps.size()));
  });
}

TEST_CASE(
    "with sync none, every write acknowledged before the last successful "
    "Sync() survives a crash",
    "[fault_injection]") {
  const Matrix& m = MatrixFor(SyncMode::kNone);
  ForEveryCrash(m, [&](const Crash& c) {
    return PrefixProblem(m, c, c.synced, std::min(c.acked + 1, m.steps.size()));
  });
}

TEST_CASE("with sync none, the store still takes writes after a crash",
          "[fault_injection]") {
  const Matrix& m = MatrixFor(SyncMode::kNone);
  ForEveryCrash(m, [&](const Crash& c) -> std::string {
    if (!c.next_write_error.empty()) {
      return absl::StrCat("the Put after recovery failed: ",
                          c.next_write_error);
    }
    if (!c.reopen_mismatch.empty()) {
      return absl::StrCat("after the Put and a reopen: ", c.reopen_mismatch);
    }
    return "";
  });
}

}  // namespace
}  // namespace dotlog::testing
