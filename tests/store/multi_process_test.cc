// Several real processes on one store directory: readers see other
// processes' acknowledged writes without reopening, read-modify-writes are
// atomic across processes, no concurrent write is lost, and the write lock
// neither outlives a killed holder nor ever blocks a reader.
//
// Processes are fork()ed children that use only the dotlog API and pipes,
// and leave with _exit(). Pipes are the only synchronisation: no test
// sleeps to wait for another process.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dotlog/file_system.h"
#include "dotlog/store.h"
#include "support/child_process.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::ChildProcess;
using testing::ExitedWith;
using testing::LineReader;
using testing::Pipe;
using testing::ReadAll;
using testing::ReadByte;
using testing::TempDir;
using testing::WriteAll;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------
// Processes and pipes.

std::unique_ptr<Store> OpenOrDie(const std::string& dir,
                                 const Options& options) {
  auto store = Store::Open(dir, options);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(*store);
}

// A child that takes the store's write lock directly, through the file
// system, writes 'L' to `locked_fd`, and holds the lock until `release_fd`
// reaches end of file (or until it is killed).
int HoldWriteLock(const std::string& dir, int locked_fd, int release_fd) {
  auto lock = DefaultFileSystem()->OpenLock(dir + "/LOCK");
  if (!lock.ok()) return 2;
  if (!(*lock)->Lock(5000ms).ok()) return 3;
  if (!WriteAll(locked_fd, "L")) return 4;
  while (ReadByte(release_fd)) {
  }
  (*lock)->Unlock();
  return 0;
}

// Starts HoldWriteLock in a child and returns once the child holds the lock.
class LockHolder {
 public:
  explicit LockHolder(const std::string& dir)
      : child_(ChildProcess::Start([&] {
          locked_.CloseRead();
          release_.CloseWrite();
          return HoldWriteLock(dir, locked_.write_fd(), release_.read_fd());
        })) {
    locked_.CloseWrite();
    release_.CloseRead();
    REQUIRE(ReadByte(locked_.read_fd()) == 'L');
  }

  // Lets the child unlock and exit; returns its wait status.
  int Release() {
    release_.CloseWrite();
    return child_.Wait();
  }
  // Kills the child while it holds the lock; returns its wait status.
  int Kill() { return child_.Kill(); }

 private:
  Pipe locked_;   // child -> parent: "I hold the lock"
  Pipe release_;  // parent -> child: end of file means "let go"
  ChildProcess child_;
};

// ---------------------------------------------------------------------------
// A reader process sees every acknowledged write.

// Step `i` of the writer: what it writes, and what a reader must then see.
struct WriterStep {
  enum class Kind { kPut, kDelete, kBatch };
  Kind kind = Kind::kPut;
  // Keys with the value each must now have; nullopt: must be absent.
  std::vector<std::pair<std::string, std::optional<std::string>>> effects;
};

// Step `i` of the writer. Without `batches`, plain puts replace the batches.
WriterStep StepOf(int i, bool batches) {
  WriterStep step;
  const std::string value = "{\"i\":" + std::to_string(i) + ",\"pad\":\"" +
                            std::string(100 + i % 200, 'x') + "\"}";
  if (i % 5 == 4) {
    // Deletes the key put three steps before (step i-3 is a plain put).
    step.kind = WriterStep::Kind::kDelete;
    step.effects.emplace_back("key/" + std::to_string(i - 3), std::nullopt);
  } else if (i % 5 == 3) {
    // Overwrites one key again and again.
    step.effects.emplace_back("cursor", std::to_string(i));
  } else if (i % 5 == 2 && batches) {
    step.kind = WriterStep::Kind::kBatch;
    step.effects.emplace_back("batch/" + std::to_string(i) + "/a", value);
    step.effects.emplace_back("batch/" + std::to_string(i) + "/b",
                              std::to_string(i));
  } else {
    step.effects.emplace_back("key/" + std::to_string(i), value);
  }
  return step;
}

absl::Status Execute(Store& store, const WriterStep& step) {
  switch (step.kind) {
    case WriterStep::Kind::kPut:
      return store.Put(step.effects[0].first, *step.effects[0].second);
    case WriterStep::Kind::kDelete:
      return store.Delete(step.effects[0].first);
    case WriterStep::Kind::kBatch: {
      WriteBatch batch;
      for (const auto& [key, value] : step.effects) batch.Put(key, *value);
      return store.Write(batch);
    }
  }
  return absl::InternalError("unknown step kind");
}

struct ReaderRun {
  int steps = 600;
  bool batches = true;
  // The writer compacts the store after every this many steps; 0: never.
  int compact_every = 0;
};

// A writer child runs StepOf(0..steps) and acknowledges each step through
// a pipe; this process, the reader, checks each step's effects with a
// handle opened before the writer existed and never reopened. The two go
// in lockstep, so each read happens after the write it checks and before
// the next one.
void CheckReaderSeesEveryWrite(const ReaderRun& run) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options;
  options.sync = SyncMode::kNone;  // visibility does not depend on syncing
  options.segment_bytes = 4096;    // so the reader also follows rollovers
  options.auto_compact = false;    // the writer compacts when told to

  auto reader = OpenOrDie(dir, options);
  REQUIRE(absl::IsNotFound(reader->Get("key/0").status()));

  Pipe acks;     // writer -> reader: "step i acknowledged"
  Pipe checked;  // reader -> writer: "seen, go on"
  ChildProcess writer = ChildProcess::Start([&] {
    acks.CloseRead();
    checked.CloseWrite();
    auto store = Store::Open(dir, options);
    if (!store.ok()) return 2;
    for (int i = 0; i < run.steps; ++i) {
      if (!Execute(**store, StepOf(i, run.batches)).ok()) return 3;
      if (run.compact_every != 0 &&
          i % run.compact_every == run.compact_every - 1) {
        if (absl::Status s = (*store)->Compact(); !s.ok()) {
          WriteAll(acks.write_fd(), "compact failed: " + s.ToString() + "\n");
          return 6;
        }
      }
      if (!WriteAll(acks.write_fd(), std::to_string(i) + "\n")) return 4;
      if (ReadByte(checked.read_fd()) != 'k') return 5;
    }
    return 0;
  });
  acks.CloseWrite();
  checked.CloseRead();

  LineReader lines(acks.read_fd());
  for (int i = 0; i < run.steps; ++i) {
    INFO("step " << i);
    const std::optional<std::string> line = lines.Next();
    REQUIRE(line == std::to_string(i));
    for (const auto& [key, value] : StepOf(i, run.batches).effects) {
      INFO("key " << key);
      auto got = reader->Get(key);
      if (value) {
        INFO(got.status().ToString());
        REQUIRE(got.ok());
        REQUIRE(*got == *value);
      } else {
        REQUIRE(absl::IsNotFound(got.status()));
        REQUIRE_FALSE(*reader->Contains(key));
      }
    }
    if (run.compact_every == 0) {
      // Each step wrote exactly one record, and the reader has read it.
      auto stats = reader->GetStats();
      REQUIRE(stats.ok());
      REQUIRE(stats->last_seq == static_cast<uint64_t>(i) + 1);
    }
    REQUIRE(WriteAll(checked.write_fd(), "k"));
  }
  CHECK(ExitedWith(writer.Wait(), 0));
  CHECK(reader->Damage().empty());
  if (run.compact_every == 0) {
    auto stats = reader->GetStats();
    REQUIRE(stats.ok());
    CHECK(stats->segments > 10);  // the writer rolled over many times
  }
  // Beyond the step-by-step checks: the whole content agrees with a handle
  // opened now.
  auto fresh = OpenOrDie(dir, options);
  auto mine = reader->List("");
  auto theirs = fresh->List("");
  REQUIRE(mine.ok());
  REQUIRE(theirs.ok());
  REQUIRE(mine->size() == theirs->size());
  for (size_t i = 0; i < mine->size(); ++i) {
    CHECK((*mine)[i].key == (*theirs)[i].key);
    CHECK((*mine)[i].value == (*theirs)[i].value);
  }
}

TEST_CASE("a reader process sees every write another process acknowledged",
          "[process]") {
  CheckReaderSeesEveryWrite({.steps = 600, .batches = true});
}

TEST_CASE(
    "a reader process sees every write another process acknowledged, across "
    "that process's compactions",
    "[process]") {
  // Plain puts only, so that this is about following compactions alone
  // (compacting batch records is exercised in crash_process_test).
  CheckReaderSeesEveryWrite(
      {.steps = 400, .batches = false, .compact_every = 50});
}

// ---------------------------------------------------------------------------
// Increments from several processes.

struct IncrementRun {
  int processes = 8;
  int per_process = 500;
  SyncMode sync = SyncMode::kNone;
};

// Runs `run.processes` children that each open the store, wait at a common
// start line, then call Increment("counter", 1) `run.per_process` times.
// Checks that the values returned are exactly 1..total, each returned once
// and rising within each process, and that the counter ends at the total.
void CheckConcurrentIncrements(const IncrementRun& run) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options;
  options.sync = run.sync;
  // The test is about atomicity, not about fair turns at the lock: a
  // process may wait while the others finish all their increments.
  options.lock_timeout = 120s;
  auto observer = OpenOrDie(dir, options);

  Pipe start;  // end of file is the start signal
  std::vector<std::unique_ptr<Pipe>> results;
  std::vector<ChildProcess> children;
  for (int p = 0; p < run.processes; ++p) {
    results.push_back(std::make_unique<Pipe>());
    Pipe* result = results.back().get();
    children.push_back(ChildProcess::Start([&] {
      start.CloseWrite();
      result->CloseRead();
      auto store = Store::Open(dir, options);
      if (!store.ok()) return 2;
      if (ReadByte(start.read_fd())) return 3;
      std::string values;
      for (int n = 0; n < run.per_process; ++n) {
        auto v = (*store)->Increment("counter", 1);
        if (!v.ok()) {
          WriteAll(result->write_fd(), "error " + v.status().ToString() + "\n");
          return 4;
        }
        values += std::to_string(*v) + "\n";
      }
      // Fits the pipe's buffer: the child never waits for the parent here.
      return WriteAll(result->write_fd(), values) ? 0 : 5;
    }));
  }
  start.CloseWrite();
  for (ChildProcess& child : children) CHECK(ExitedWith(child.Wait(), 0));

  std::vector<int64_t> all;
  for (int p = 0; p < run.processes; ++p) {
    results[p]->CloseWrite();
    const std::string text = ReadAll(results[p]->read_fd());
    INFO("process " << p << " returned:\n" << text.substr(0, 300));
    std::vector<int64_t> mine;
    for (size_t pos = 0; pos < text.size();) {
      const size_t nl = text.find('\n', pos);
      REQUIRE(nl != std::string::npos);
      REQUIRE(text.compare(pos, 5, "error") != 0);
      mine.push_back(std::stoll(text.substr(pos, nl - pos)));
      pos = nl + 1;
    }
    REQUIRE(mine.size() == static_cast<size_t>(run.per_process));
    CHECK(std::is_sorted(mine.begin(), mine.end()));
    all.insert(all.end(), mine.begin(), mine.end());
  }
  const int64_t total = int64_t{run.processes} * run.per_process;
  std::sort(all.begin(), all.end());
  std::vector<int64_t> expected(static_cast<size_t>(total));
  for (int64_t i = 0; i < total; ++i) expected[static_cast<size_t>(i)] = i + 1;
  // Each increment saw every earlier one: no value twice, none skipped.
  CHECK(all == expected);

  const std::string total_text = std::to_string(total);
  CHECK(observer->Get("counter").value_or("") == total_text);
  auto reopened = OpenOrDie(dir, options);
  CHECK(reopened->Get("counter").value_or("") == total_text);
  auto stats = reopened->GetStats();
  REQUIRE(stats.ok());
  CHECK(stats->last_seq == static_cast<uint64_t>(total));
  CHECK(reopened->Damage().empty());
}

TEST_CASE("8 processes x 500 increments of one counter give exactly 4000",
          "[process]") {
  CheckConcurrentIncrements(
      {.processes = 8, .per_process = 500, .sync = SyncMode::kNone});
}

TEST_CASE(
    "8 processes x 250 increments of one counter with SyncMode::kAlways give "
    "exactly 2000",
    "[process]") {
  CheckConcurrentIncrements(
      {.processes = 8, .per_process = 250, .sync = SyncMode::kAlways});
}

// ---------------------------------------------------------------------------
// Concurrent writers lose nothing.

constexpr int kWriters = 3;
constexpr int kWriterSteps = 160;

// The shared key's value: how many updates each writer made.
std::string SharedValue(const std::vector<int>& counts) {
  std::string out = "{";
  for (size_t p = 0; p < counts.size(); ++p) {
    out += (p ? ",\"p" : "\"p") + std::to_string(p) +
           "\":" + std::to_string(counts[p]);
  }
  return out + "}";
}

// Parses SharedValue's text; nullopt if it is not such a text.
std::optional<std::vector<int>> ParseShared(const std::string& text) {
  std::vector<int> counts(kWriters);
  for (int p = 0; p < kWriters; ++p) {
    const std::string field = "\"p" + std::to_string(p) + "\":";
    const size_t at = text.find(field);
    if (at == std::string::npos) return std::nullopt;
    counts[p] = std::atoi(text.c_str() + at + field.size());
  }
  if (SharedValue(counts) != text) return std::nullopt;
  return counts;
}

// One step of writer `p`'s script, applied to the store (when `store` is
// set) and to `model`, the expected content of the writer's own key range.
// Every fourth step updates the shared key instead, counted in `updates`.
absl::Status WriterScriptStep(int p, int j, Store* store,
                              std::map<std::string, std::string>* model,
                              int* updates) {
  const std::string prefix = "p" + std::to_string(p) + "/";
  const std::string value =
      "{\"p\":" + std::to_string(p) + ",\"j\":" + std::to_string(j) + "}";
  switch (j % 4) {
    case 0: {
      const int mine = ++*updates;
      if (store == nullptr) return absl::OkStatus();
      auto stored = store->Update(
          "shared",
          [&](const std::optional<std::string>& current)
              -> absl::StatusOr<std::optional<std::string>> {
            std::vector<int> counts(kWriters, 0);
            if (current) {
              auto parsed = ParseShared(*current);
              if (!parsed) return absl::DataLossError("shared: " + *current);
              counts = *parsed;
            }
            ++counts[p];
            return std::optional<std::string>(SharedValue(counts));
          });
      if (!stored.ok()) return stored.status();
      // Only this writer changes its own count: it must be exact.
      auto counts = ParseShared(stored->value_or(""));
      if (!counts || (*counts)[p] != mine) {
        return absl::InternalError("lost update: " + stored->value_or(""));
      }
      return absl::OkStatus();
    }
    case 1: {
      const std::string key = prefix + std::to_string(j % 20);
      (*model)[key] = value;
      return store ? store->Put(key, value) : absl::OkStatus();
    }
    case 2: {
      const std::string put_key = prefix + "b" + std::to_string(j % 10);
      const std::string del_key = prefix + std::to_string((j + 7) % 20);
      (*model)[put_key] = value;
      model->erase(del_key);
      if (store == nullptr) return absl::OkStatus();
      WriteBatch batch;
      batch.Put(put_key, value);
      batch.Delete(del_key);
      return store->Write(batch);
    }
    default: {
      const std::string key = prefix + std::to_string((j + 13) % 20);
      model->erase(key);
      return store ? store->Delete(key) : absl::OkStatus();
    }
  }
}

TEST_CASE(
    "concurrent writers from several processes lose no acknowledged write",
    "[process]") {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options;
  options.sync = SyncMode::kAlways;
  options.segment_bytes = 4096;  // rollovers race with the other writers
  options.lock_timeout = 120s;   // see CheckConcurrentIncrements
  auto observer = OpenOrDie(dir, options);

  Pipe start;  // end of file is the start signal
  Pipe errors;
  std::vector<ChildProcess> children;
  for (int p = 0; p < kWriters; ++p) {
    children.push_back(ChildProcess::Start([&, p] {
      start.CloseWrite();
      errors.CloseRead();
      auto store = Store::Open(dir, options);
      if (!store.ok()) return 2;
      if (ReadByte(start.read_fd())) return 3;
      std::map<std::string, std::string> unused;
      int updates = 0;
      for (int j = 0; j < kWriterSteps; ++j) {
        absl::Status s =
            WriterScriptStep(p, j, store->get(), &unused, &updates);
        if (!s.ok()) {
          WriteAll(errors.write_fd(), "writer " + std::to_string(p) + " step " +
                                          std::to_string(j) + ": " +
                                          s.ToString() + "\n");
          return 4;
        }
      }
      return 0;
    }));
  }
  start.CloseWrite();
  errors.CloseWrite();
  for (ChildProcess& child : children) CHECK(ExitedWith(child.Wait(), 0));
  const std::string failures = ReadAll(errors.read_fd());
  INFO(failures);
  CHECK(failures.empty());

  // Every writer's script ran to the end: the store holds the effect of
  // every one of its writes.
  std::map<std::string, std::string> expected;
  std::vector<int> counts(kWriters, 0);
  for (int p = 0; p < kWriters; ++p) {
    std::map<std::string, std::string> model;
    for (int j = 0; j < kWriterSteps; ++j) {
      REQUIRE(WriterScriptStep(p, j, nullptr, &model, &counts[p]).ok());
    }
    expected.insert(model.begin(), model.end());
  }
  expected["shared"] = SharedValue(counts);

  auto reopened = OpenOrDie(dir, options);
  for (Store* store : {observer.get(), reopened.get()}) {
    auto items = store->List("");
    REQUIRE(items.ok());
    std::map<std::string, std::string> actual;
    for (const Item& item : *items) actual[item.key] = item.value;
    CHECK(actual == expected);
    CHECK(store->Damage().empty());
  }
  auto stats = reopened->GetStats();
  REQUIRE(stats.ok());
  CHECK(stats->segments > 3);
}

// ---------------------------------------------------------------------------
// The write lock.

TEST_CASE("a process killed while holding the write lock does not block others",
          "[process][lock]") {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options;
  options.lock_timeout = 0ms;
  auto store = OpenOrDie(dir, options);
  LockHolder holder(dir);
  // The lock is held: a write that may not wait fails.
  REQUIRE(absl::IsDeadlineExceeded(store->Put("k", "1")));

  const int status = holder.Kill();
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  // The kernel released the dead holder's lock: no wait, no timeout.
  absl::Status s = store->Put("k", "2");
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(store->Get("k").value_or("") == "2");
  // So does a process that opens the store afresh.
  auto other = OpenOrDie(dir, options);
  CHECK(other->Put("k", "3").ok());
  CHECK(store->Get("k").value_or("") == "3");
}

TEST_CASE(
    "a write fails with DeadlineExceeded naming the lock while another process "
    "holds it",
    "[process][lock]") {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options;
  options.lock_timeout = 50ms;
  auto store = OpenOrDie(dir, options);
  REQUIRE(store->Put("before", "1").ok());
  LockHolder holder(dir);

  const auto begin = std::chrono::steady_clock::now();
  absl::Status s = store->Put("k", "1");
  const auto waited = std::chrono::steady_clock::now() - begin;
  INFO(s.ToString());
  REQUIRE(absl::IsDeadlineExceeded(s));
  CHECK(std::string(s.message()).find(dir + "/LOCK") != std::string::npos);
  CHECK(waited >= 50ms);  // it waited for the lock, as long as allowed
  CHECK(waited < 5s);     // and no longer
  // Every kind of write is refused the same way, and none wrote anything.
  CHECK(absl::IsDeadlineExceeded(store->Delete("before")));
  WriteBatch batch;
  batch.Put("b", "1");
  CHECK(absl::IsDeadlineExceeded(store->Write(batch)));
  CHECK(absl::IsDeadlineExceeded(store->Increment("n", 1).status()));

  REQUIRE(ExitedWith(holder.Release(), 0));
  auto reopened = OpenOrDie(dir, options);
  auto keys = reopened->ListKeys("");
  REQUIRE(keys.ok());
  CHECK(*keys == std::vector<std::string>{"before"});
  // Once the holder let go, the same handle writes again.
  CHECK(store->Put("k", "2").ok());
  CHECK(reopened->Get("k").value_or("") == "2");
}

TEST_CASE("readers never wait for the write lock", "[process][lock]") {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options;
  options.lock_timeout = 50ms;
  auto store = OpenOrDie(dir, options);
  REQUIRE(store->Put("mine", "1").ok());
  REQUIRE(absl::IsNotFound(store->Get("theirs").status()));

  // Another process writes, so this handle must catch up while the lock is
  // held by a third.
  ChildProcess writer = ChildProcess::Start([&] {
    auto other = Store::Open(dir, options);
    return other.ok() && (*other)->Put("theirs", "2").ok() ? 0 : 2;
  });
  REQUIRE(ExitedWith(writer.Wait(), 0));
  LockHolder holder(dir);

  const auto begin = std::chrono::steady_clock::now();
  CHECK(store->Get("mine").value_or("") == "1");
  CHECK(store->Get("theirs").value_or("") == "2");
  auto item = store->Lookup("theirs");
  REQUIRE(item.ok());
  CHECK(item->value == "2");
  CHECK(store->Contains("mine").value_or(false));
  auto keys = store->ListKeys("");
  REQUIRE(keys.ok());
  CHECK(*keys == std::vector<std::string>{"mine", "theirs"});
  auto items = store->List("");
  REQUIRE(items.ok());
  CHECK(items->size() == 2);
  auto stats = store->GetStats();
  REQUIRE(stats.ok());
  CHECK(stats->live_keys == 2);
  CHECK(stats->last_seq == 2);
  // A store opened while the lock is held reads too.
  auto late = OpenOrDie(dir, options);
  CHECK(late->Get("theirs").value_or("") == "2");
  const auto reads_took = std::chrono::steady_clock::now() - begin;
  CHECK(reads_took < 2s);

  // The lock really was held all along.
  CHECK(absl::IsDeadlineExceeded(store->Put("probe", "1")));
  REQUIRE(ExitedWith(holder.Release(), 0));
}

}  // namespace
}  // namespace dotlog
