// Several real processes on one store directory: readers see other
// processes' acknowledged writes without reopening, read-modify-writes are
// atomic across processes, no concurrent write is lost, and the write lock
// neither outlives a killed holder nor ever blocks a reader. All of that
// holds while another process compacts the store: no write is lost, every
// line on disk verifies, deleted keys stay deleted with history retention
// on, and a reader lets go of the files a compaction replaced.
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
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "dotlog/file_system.h"
#include "dotlog/store.h"
#include "support/child_process.h"
#include "support/store_model.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::ChildProcess;
using testing::ExitedWith;
using testing::LineReader;
using testing::Pipe;
using testing::ReadAll;
using testing::ReadByte;
using testing::ReadyToRead;
using testing::TempDir;
using testing::WriteAll;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------
// Opening the store, and holding its write lock from another process.

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

// A child that opens the store and calls Compact() in a loop, from before
// the test's other processes start until the test tells it to stop.
class CompactingProcess {
 public:
  // Returns once the child has finished its first compaction, so that the
  // loop is running when the caller starts the other processes.
  CompactingProcess(const std::string& dir, const Options& options)
      : child_(ChildProcess::Start([&] {
          report_.CloseRead();
          stop_.CloseWrite();
          return CompactUntilStopped(dir, options);
        })),
        lines_(report_.read_fd()) {
    report_.CloseWrite();
    stop_.CloseRead();
    const std::optional<std::string> first = lines_.Next();
    INFO("compacting process: " << first.value_or("(died)"));
    REQUIRE(first == "ready");
  }

  // Tells the child to stop after the compaction in progress, and returns
  // how many compactions it completed. Fails the test if one failed.
  // REQUIRES: every process forked after this object was made has exited
  // (each inherited the write end of the stop pipe, and the child sees end
  // of file only once every copy is closed).
  uint64_t Stop() {
    stop_.CloseWrite();
    std::string last;
    while (std::optional<std::string> line = lines_.Next()) last = *line;
    const int status = child_.Wait();
    INFO("compacting process said: " << last);
    CHECK(ExitedWith(status, 0));
    constexpr std::string_view kCount = "compactions ";
    REQUIRE(last.starts_with(kCount));
    return std::strtoull(last.c_str() + kCount.size(), nullptr, 10);
  }

 private:
  // The child: "ready" after the first compaction, then "compactions N" once
  // stopped, or "error ..." (and a nonzero exit) on the first failure.
  int CompactUntilStopped(const std::string& dir, const Options& options) {
    auto store = Store::Open(dir, options);
    if (!store.ok()) {
      WriteAll(report_.write_fd(),
               "error opening: " + store.status().ToString() + "\n");
      return 2;
    }
    uint64_t done = 0;
    do {
      if (absl::Status s = (*store)->Compact(); !s.ok()) {
        WriteAll(report_.write_fd(), "error in compaction " +
                                         std::to_string(done + 1) + ": " +
                                         s.ToString() + "\n");
        return 3;
      }
      if (++done == 1 && !WriteAll(report_.write_fd(), "ready\n")) return 4;
    } while (!ReadyToRead(stop_.read_fd()));
    return WriteAll(report_.write_fd(),
                    "compactions " + std::to_string(done) + "\n")
               ? 0
               : 5;
  }

  Pipe report_;  // child -> parent: "ready", then the count or an error
  Pipe stop_;    // parent -> child: end of file means "stop"
  ChildProcess child_;
  LineReader lines_;
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
  // Another process compacts the store in a loop while the others
  // increment; small segments then give every compaction sealed segments
  // full of superseded counter values to drop.
  bool compacting_process = false;
  uint64_t segment_bytes = 8 << 20;
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
  options.segment_bytes = run.segment_bytes;
  // Only the compacting process compacts, so its compactions never meet
  // another one (which would fail it with Aborted).
  if (run.compacting_process) options.auto_compact = false;
  // The test is about atomicity, not about fair turns at the lock: a
  // process may wait while the others finish all their increments.
  options.lock_timeout = 120s;
  auto observer = OpenOrDie(dir, options);
  std::optional<CompactingProcess> compactor;
  if (run.compacting_process) compactor.emplace(dir, options);

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
  if (compactor) {
    // The first compaction ran before the start line: at least one more
    // overlapped the increments.
    const uint64_t compactions = compactor->Stop();
    WARN(compactions << " compactions ran alongside the increments");
    CHECK(compactions >= 2);
  }

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
  CHECK(observer->Damage().empty());
}

TEST_CASE("8 processes x 500 increments of one counter give exactly 4000",
          "[process]") {
  CheckConcurrentIncrements(
      {.processes = 8, .per_process = 500, .sync = SyncMode::kNone});
}

TEST_CASE(
    "8 processes x 500 increments give exactly 4000 while another process "
    "compacts in a loop",
    "[process][compaction]") {
  CheckConcurrentIncrements({.processes = 8,
                             .per_process = 500,
                             .sync = SyncMode::kNone,
                             .compacting_process = true,
                             .segment_bytes = 4096});
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
// Writers and a compacting process.

constexpr int kCompactionWriters = 3;
constexpr int kCompactionWriterSteps = 1500;
constexpr int kCompactionWriterKeys = 60;

// Step `j` of writer `p` in the test below, applied to the store (when
// `store` is set) and to `model`, the expected content of the writer's own
// keys "w<p>/...": puts that overwrite, deletes, batches that do both, and
// puts with an expiry a day away.
absl::Status CompactionWriterStep(int p, int j, Store* store,
                                  std::map<std::string, std::string>* model) {
  const std::string prefix = "w" + std::to_string(p) + "/";
  auto key = [&](int n) {
    return prefix + std::to_string(n % kCompactionWriterKeys);
  };
  const std::string value = "{\"p\":" + std::to_string(p) +
                            ",\"j\":" + std::to_string(j) + ",\"pad\":\"" +
                            std::string(40 + (j * 37) % 200, 'x') + "\"}";
  switch (j % 6) {
    case 0:
    case 1: {
      const std::string k = key(j * 7);
      (*model)[k] = value;
      return store ? store->Put(k, value) : absl::OkStatus();
    }
    case 2: {
      const std::string a = key(j), b = key(j + 31), gone = key(j + 17);
      (*model)[a] = value;
      (*model)[b] = std::to_string(j);
      model->erase(gone);
      if (store == nullptr) return absl::OkStatus();
      WriteBatch batch;
      batch.Put(a, value);
      batch.Put(b, std::to_string(j));
      batch.Delete(gone);
      return store->Write(batch);
    }
    case 3: {
      const std::string k = key(j * 13);
      model->erase(k);
      return store ? store->Delete(k) : absl::OkStatus();
    }
    case 4: {
      const std::string k = key(j * 11 + 5);
      (*model)[k] = value;
      return store ? store->Put(k, value, {.ttl = std::chrono::hours(24)})
                   : absl::OkStatus();
    }
    default: {
      const std::string k = prefix + "hot";
      (*model)[k] = std::to_string(j);
      return store ? store->Put(k, std::to_string(j)) : absl::OkStatus();
    }
  }
}

// Every segment file of `dir` (by name) and every leftover temporary file
// of a compaction.
struct StoreFiles {
  std::vector<std::string> segments;
  std::vector<std::string> compacting;
};

StoreFiles ListStoreFiles(const std::string& dir) {
  StoreFiles files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".compacting")) files.compacting.push_back(name);
    if (name.starts_with("segment-") && name.ends_with(".jsonl")) {
      files.segments.push_back(name);
    }
  }
  std::sort(files.segments.begin(), files.segments.end());
  return files;
}

// Checks that every line of every segment file of `dir` decodes (checksum
// and JSON) with the library's own decoder, and that each file ends in '\n'.
void CheckEveryLineDecodes(const std::string& dir) {
  const StoreFiles files = ListStoreFiles(dir);
  CHECK_FALSE(files.segments.empty());
  for (const std::string& name : files.segments) {
    INFO(name);
    CHECK(testing::FirstBrokenLine(testing::ReadFileBytes(dir + "/" + name)) ==
          "");
  }
}

// The live keys and values of `store`.
std::map<std::string, std::string> Contents(Store& store) {
  auto items = store.List("");
  INFO(items.status().ToString());
  REQUIRE(items.ok());
  std::map<std::string, std::string> contents;
  for (const Item& item : *items) contents[item.key] = item.value;
  return contents;
}

// "" if `store` holds exactly `expected` (key to value), else one line per
// key that differs.
std::string ContentsDiff(Store& store,
                         const std::map<std::string, std::string>& expected) {
  const std::map<std::string, std::string> actual = Contents(store);
  std::map<std::string, std::string> keys = actual;
  keys.insert(expected.begin(), expected.end());
  std::string diff;
  for (const auto& [key, unused] : keys) {
    const auto a = actual.find(key);
    const auto e = expected.find(key);
    const std::string has = a == actual.end() ? "(absent)" : a->second;
    const std::string wants = e == expected.end() ? "(absent)" : e->second;
    if (has != wants) {
      diff += key + ": the store has " + has + ", expected " + wants + "\n";
    }
  }
  return diff;
}

TEST_CASE(
    "three writer processes and a compacting process lose no acknowledged "
    "write, and every line on disk verifies",
    "[process][compaction]") {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options;
  options.sync = SyncMode::kAlways;
  options.segment_bytes = 4096;  // every compaction has sealed segments
  options.auto_compact = false;  // the compacting process alone compacts
  options.lock_timeout = 120s;   // see CheckConcurrentIncrements
  auto observer = OpenOrDie(dir, options);
  CompactingProcess compactor(dir, options);

  Pipe start;  // end of file is the start signal
  std::vector<std::unique_ptr<Pipe>> acks;
  std::vector<ChildProcess> writers;
  for (int p = 0; p < kCompactionWriters; ++p) {
    acks.push_back(std::make_unique<Pipe>());
    Pipe* ack = acks.back().get();
    writers.push_back(ChildProcess::Start([&, p] {
      start.CloseWrite();
      ack->CloseRead();
      auto store = Store::Open(dir, options);
      if (!store.ok()) return 2;
      if (ReadByte(start.read_fd())) return 3;
      std::map<std::string, std::string> unused;
      for (int j = 0; j < kCompactionWriterSteps; ++j) {
        absl::Status s = CompactionWriterStep(p, j, store->get(), &unused);
        if (!s.ok()) {
          WriteAll(ack->write_fd(), "error in step " + std::to_string(j) +
                                        ": " + s.ToString() + "\n");
          return 4;
        }
        // Step j is acknowledged. 1500 short lines fit the pipe's buffer.
        if (!WriteAll(ack->write_fd(), std::to_string(j) + "\n")) return 5;
      }
      return 0;
    }));
    ack->CloseWrite();
  }
  start.CloseWrite();

  // What the store must hold: the effect of every acknowledged step.
  std::map<std::string, std::string> expected;
  for (int p = 0; p < kCompactionWriters; ++p) {
    INFO("writer " << p);
    CHECK(ExitedWith(writers[p].Wait(), 0));
    LineReader lines(acks[p]->read_fd());
    std::map<std::string, std::string> model;
    int acknowledged = 0;
    while (std::optional<std::string> line = lines.Next()) {
      INFO("writer " << p << " said: " << *line);
      REQUIRE(*line == std::to_string(acknowledged));
      REQUIRE(CompactionWriterStep(p, acknowledged, nullptr, &model).ok());
      ++acknowledged;
    }
    CHECK(acknowledged == kCompactionWriterSteps);
    expected.insert(model.begin(), model.end());
  }
  const uint64_t compactions = compactor.Stop();
  WARN(compactions << " compactions ran alongside the writers");
  CHECK(compactions >= 2);

  auto reopened = OpenOrDie(dir, options);
  for (Store* store : {observer.get(), reopened.get()}) {
    CHECK(ContentsDiff(*store, expected) == "");
    INFO(testing::Describe(store->Damage()));
    CHECK(store->Damage().empty());
  }
  CheckEveryLineDecodes(dir);

  // A last compaction leaves no temporary file behind, only lines that
  // verify, and the same contents.
  REQUIRE_OK(reopened->Compact());
  const StoreFiles files = ListStoreFiles(dir);
  INFO("left over: " << (files.compacting.empty() ? "" : files.compacting[0]));
  CHECK(files.compacting.empty());
  CheckEveryLineDecodes(dir);
  CHECK(ContentsDiff(*reopened, expected) == "");
  CHECK(ContentsDiff(*OpenOrDie(dir, options), expected) == "");
  CHECK(ContentsDiff(*observer, expected) == "");
  CHECK(reopened->Damage().empty());
}

// What /proc/self/fd and /proc/self/maps of the calling process say about
// the segment files of `dir`: one line per descriptor ("fd <target>") and
// per mapping ("map <path>") of such a file. The kernel appends
// " (deleted)" to a file that was unlinked.
std::string OpenSegmentFiles(const std::string& dir) {
  const std::string segments = dir + "/segment-";
  std::string out;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const std::string target =
        std::filesystem::read_symlink(entry.path(), ec).string();
    if (!ec && target.starts_with(segments)) out += "fd " + target + "\n";
  }
  const std::string maps = testing::ReadFileBytes("/proc/self/maps");
  for (size_t pos = 0; pos < maps.size();) {
    size_t nl = maps.find('\n', pos);
    if (nl == std::string::npos) nl = maps.size();
    const std::string line = maps.substr(pos, nl - pos);
    if (const size_t at = line.find(segments); at != std::string::npos) {
      out += "map " + line.substr(at) + "\n";
    }
    pos = nl + 1;
  }
  return out;
}

TEST_CASE(
    "a reader process holding the store open across another process's "
    "compaction sees every key and releases the old segment files",
    "[process][compaction]") {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options;
  options.sync = SyncMode::kNone;
  options.segment_bytes = 4096;
  options.auto_compact = false;

  // Several segments of keys, written before the reader opens. No handle
  // of this process is open from here on: the children would inherit its
  // files and report them as their own.
  std::map<std::string, std::string> expected;
  {
    auto store = OpenOrDie(dir, options);
    for (int i = 0; i < 200; ++i) {
      const std::string key = "r/" + std::to_string(i);
      const std::string value = "{\"i\":" + std::to_string(i) + ",\"pad\":\"" +
                                std::string(80, 'r') + "\"}";
      REQUIRE_OK(store->Put(key, value));
      expected[key] = value;
    }
    REQUIRE_OK(store->Close());
  }

  Pipe report;  // reader -> test: what it saw, line by line
  Pipe go;      // test -> reader: 'g' once the other process compacted
  ChildProcess reader = ChildProcess::Start([&] {
    report.CloseRead();
    go.CloseWrite();
    auto store = Store::Open(dir, options);
    if (!store.ok()) return 2;
    // Reads everything, so the handle has every segment file open.
    auto items = (*store)->List("");
    if (!items.ok()) return 3;
    if (!WriteAll(report.write_fd(),
                  "opened " + std::to_string(items->size()) + "\n")) {
      return 4;
    }
    if (ReadByte(go.read_fd()) != 'g') return 5;
    std::string out;
    const std::string held_before = OpenSegmentFiles(dir);
    for (std::string_view line : testing::SplitLines(held_before)) {
      if (!line.empty()) out += "before " + std::string(line) + "\n";
    }
    // One read after the compaction.
    auto got = (*store)->Get("r/7");
    out += "get " + (got.ok() ? *got : got.status().ToString()) + "\n";
    const std::string held_after = OpenSegmentFiles(dir);
    for (std::string_view line : testing::SplitLines(held_after)) {
      if (!line.empty()) out += "after " + std::string(line) + "\n";
    }
    items = (*store)->List("");
    if (!items.ok()) return 6;
    for (const Item& item : *items) {
      out += "item " + item.key + " " + item.value + "\n";
    }
    out += "damage " + std::to_string((*store)->Damage().size()) + "\n";
    // The test reads while this writes: no limit on the size.
    return WriteAll(report.write_fd(), out) ? 0 : 7;
  });
  report.CloseWrite();
  go.CloseRead();
  LineReader lines(report.read_fd());
  REQUIRE(lines.Next() == "opened 200");
  const StoreFiles before = ListStoreFiles(dir);
  REQUIRE(before.segments.size() > 3);

  // Another process overwrites, deletes and adds keys, then compacts, which
  // unlinks every segment file the reader has open.
  for (int i = 0; i < 200; ++i) {
    const std::string key = "r/" + std::to_string(i);
    if (i % 4 == 3) {
      expected[key] = "{\"new\":" + std::to_string(i) + "}";
    } else if (i % 4 == 1) {
      expected.erase(key);
    }
    expected["s/" + std::to_string(i)] = std::to_string(i);
  }
  ChildProcess writer = ChildProcess::Start([&] {
    auto store = Store::Open(dir, options);
    if (!store.ok()) return 2;
    for (int i = 0; i < 200; ++i) {
      const std::string key = "r/" + std::to_string(i);
      absl::Status s;
      if (i % 4 == 3) {
        s = (*store)->Put(key, "{\"new\":" + std::to_string(i) + "}");
      } else if (i % 4 == 1) {
        s = (*store)->Delete(key);
      }
      if (!s.ok()) return 3;
      if (!(*store)->Put("s/" + std::to_string(i), std::to_string(i)).ok()) {
        return 4;
      }
    }
    return (*store)->Compact().ok() ? 0 : 5;
  });
  REQUIRE(ExitedWith(writer.Wait(), 0));
  const StoreFiles after = ListStoreFiles(dir);
  for (const std::string& name : before.segments) {
    INFO(name);
    CHECK(std::find(after.segments.begin(), after.segments.end(), name) ==
          after.segments.end());
  }

  REQUIRE(WriteAll(go.write_fd(), "g"));
  std::vector<std::string> held_before, held_after;
  std::map<std::string, std::string> seen;
  std::string got, damage;
  while (std::optional<std::string> line = lines.Next()) {
    INFO("the reader said: " << *line);
    const size_t space = line->find(' ');
    REQUIRE(space != std::string::npos);
    const std::string word = line->substr(0, space);
    const std::string rest = line->substr(space + 1);
    if (word == "before") {
      held_before.push_back(rest);
    } else if (word == "after") {
      held_after.push_back(rest);
    } else if (word == "get") {
      got = rest;
    } else if (word == "item") {
      const size_t at = rest.find(' ');
      REQUIRE(at != std::string::npos);
      seen[rest.substr(0, at)] = rest.substr(at + 1);
    } else {
      REQUIRE(word == "damage");
      damage = rest;
    }
  }
  REQUIRE(ExitedWith(reader.Wait(), 0));

  auto deleted = [](const std::vector<std::string>& held) {
    std::string out;
    for (const std::string& h : held) {
      if (h.ends_with(" (deleted)")) out += h + "\n";
    }
    return out;
  };
  {
    // The premise: before its read, the reader still had the files that the
    // compaction unlinked.
    INFO("the reader held, before its read:\n" << deleted(held_before));
    CHECK(!deleted(held_before).empty());
  }
  {
    INFO("the reader held, after its read:\n" << deleted(held_after));
    CHECK(deleted(held_after).empty());
  }
  CHECK(got == expected["r/7"]);
  CHECK(seen == expected);
  CHECK(damage == "0");
}

// ---------------------------------------------------------------------------
// Deletes, history retention and compaction across processes.

// The seed of a randomized test: DOTLOG_TEST_SEED if set, else random.
uint64_t TestSeed() {
  if (const char* env = std::getenv("DOTLOG_TEST_SEED"); env && *env) {
    return std::strtoull(env, nullptr, 0);
  }
  std::random_device rd;
  return uint64_t{rd()} << 32 | rd();
}

// Keys under two history rules ("v/": newest 3 versions, "t/": a day's
// worth, that is all of them) and under none ("n/").
std::vector<std::string> HistoryTestKeys() {
  std::vector<std::string> keys;
  for (const char* prefix : {"v/", "t/", "n/"}) {
    for (int i = 0; i < 5; ++i) keys.push_back(prefix + std::to_string(i));
  }
  return keys;
}

// One write of the test below: a put (live, or expired at once), a delete,
// or a batch of such operations.
struct HistoryOp {
  bool is_delete = false;
  bool expired = false;  // a put whose expiry is already past
  std::string key;
  std::string value;
};
using HistoryWrite = std::vector<HistoryOp>;  // one op, or a batch

HistoryWrite RandomHistoryWrite(std::mt19937_64& rng, uint64_t* serial) {
  static const std::vector<std::string> keys = HistoryTestKeys();
  HistoryWrite write(rng() % 3 == 0 ? 2 + rng() % 3 : 1);
  for (size_t i = 0; i < write.size(); ++i) {
    HistoryOp& op = write[i];
    // Half the time a batch writes the previous operation's key again:
    // several versions of a key under one sequence number.
    op.key =
        i > 0 && rng() % 2 == 0 ? write[i - 1].key : keys[rng() % keys.size()];
    const uint64_t kind = rng() % 10;
    op.is_delete = kind < 4;
    op.expired = kind == 4;
    if (!op.is_delete) op.value = std::to_string(++*serial);
  }
  return write;
}

absl::Status ApplyHistoryWrite(Store& store, const HistoryWrite& write) {
  const PutOptions expired{.expires_at = std::chrono::system_clock::now() -
                                         std::chrono::hours(1)};
  if (write.size() == 1) {
    const HistoryOp& op = write[0];
    if (op.is_delete) return store.Delete(op.key);
    return store.Put(op.key, op.value, op.expired ? expired : PutOptions{});
  }
  WriteBatch batch;
  for (const HistoryOp& op : write) {
    if (op.is_delete) {
      batch.Delete(op.key);
    } else {
      batch.Put(op.key, op.value, op.expired ? expired : PutOptions{});
    }
  }
  return store.Write(batch);
}

// "put v/1=7", "del t/0", "put n/2=8 (expired)", or "batch[...; ...]".
std::string Describe(const HistoryWrite& write) {
  std::string out;
  for (const HistoryOp& op : write) {
    if (!out.empty()) out += "; ";
    out += op.is_delete ? "del " + op.key : "put " + op.key + "=" + op.value;
    if (op.expired) out += " (expired)";
  }
  return write.size() == 1 ? out : "batch[" + out + "]";
}

void ModelHistoryWrite(const HistoryWrite& write,
                       std::map<std::string, std::string>* model) {
  for (const HistoryOp& op : write) {
    if (op.is_delete || op.expired) {
      model->erase(op.key);
    } else {
      (*model)[op.key] = op.value;
    }
  }
}

// Checks `store` against `model`: the same live keys and values, every
// other key invisible to Get and Contains, and each key's history starting
// with its current state: its value, or a delete or an expired put (or
// nothing, once compaction dropped the key). Returns the most versions any
// live key had.
size_t CheckHistoryStore(Store& store,
                         const std::map<std::string, std::string>& model) {
  // The first step that goes wrong ends the test: later ones would only
  // repeat it.
  REQUIRE(ContentsDiff(store, model) == "");
  size_t most_versions = 0;
  const auto now = std::chrono::system_clock::now();
  for (const std::string& key : HistoryTestKeys()) {
    INFO("key " << key);
    auto history = store.History(key, 100);
    INFO(history.status().ToString());
    REQUIRE(history.ok());
    const auto it = model.find(key);
    if (it == model.end()) {
      CHECK(absl::IsNotFound(store.Get(key).status()));
      CHECK_FALSE(store.Contains(key).value_or(true));
      if (!history->empty()) {
        const Version& newest = history->front();
        CHECK((newest.deleted ||
               (newest.expires_at && *newest.expires_at <= now)));
      }
    } else {
      CHECK(store.Get(key).value_or("") == it->second);
      REQUIRE_FALSE(history->empty());
      CHECK_FALSE(history->front().deleted);
      CHECK(history->front().value == it->second);
      most_versions = std::max(most_versions, history->size());
    }
  }
  return most_versions;
}

TEST_CASE(
    "deleted keys stay deleted through any sequence of compactions and "
    "reopens, with history retention on",
    "[process][compaction]") {
  const uint64_t seed = TestSeed();
  WARN("seed " << seed << " (replay with DOTLOG_TEST_SEED=" << seed << ")");
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  Options options;
  options.sync = SyncMode::kNone;
  options.segment_bytes = 4096;
  options.auto_compact = false;
  options.history = {{"v/", 3, std::chrono::milliseconds(0)},
                     {"t/", 0, std::chrono::hours(24)}};

  // A handle that lives across the other processes' writes and
  // compactions, reopened now and then.
  auto watcher = OpenOrDie(dir, options);
  std::map<std::string, std::string> model;
  uint64_t serial = 0;
  size_t most_versions_after_compaction = 0;
  int compactions = 0;
  for (int step = 0; step < 400; ++step) {
    // Each step runs in a new process: some writes, a compaction, or both
    // (writes, compaction, writes); or the watcher is reopened.
    const uint64_t kind = rng() % 10;
    std::string what = "reopen of the watcher";
    if (kind == 9) {
      INFO("step " << step << ": " << what);
      watcher.reset();
      watcher = OpenOrDie(dir, options);
    } else {
      std::vector<HistoryWrite> before, after;
      const bool compact = kind >= 5;
      const uint64_t writes = kind < 5 || kind >= 8 ? 1 + rng() % 6 : 0;
      for (uint64_t i = 0; i < writes; ++i) {
        (i % 2 == 0 || !compact ? before : after)
            .push_back(RandomHistoryWrite(rng, &serial));
      }
      what = "a new process ran:";
      for (const HistoryWrite& w : before) what += " " + Describe(w) + ",";
      if (compact) what += " Compact(),";
      for (const HistoryWrite& w : after) what += " " + Describe(w) + ",";
      what.pop_back();
      ChildProcess child = ChildProcess::Start([&] {
        auto store = Store::Open(dir, options);
        if (!store.ok()) return 2;
        for (const HistoryWrite& w : before) {
          if (!ApplyHistoryWrite(**store, w).ok()) return 3;
        }
        if (compact && !(*store)->Compact().ok()) return 4;
        for (const HistoryWrite& w : after) {
          if (!ApplyHistoryWrite(**store, w).ok()) return 5;
        }
        return 0;
      });
      INFO("step " << step << ": " << what);
      REQUIRE(ExitedWith(child.Wait(), 0));
      for (const HistoryWrite& w : before) ModelHistoryWrite(w, &model);
      for (const HistoryWrite& w : after) ModelHistoryWrite(w, &model);
      if (compact) ++compactions;
    }
    INFO("step " << step << ": " << what);
    const size_t most = CheckHistoryStore(*watcher, model);
    auto fresh = OpenOrDie(dir, options);
    CheckHistoryStore(*fresh, model);
    CHECK(fresh->Damage().empty());
    if (kind >= 5 && kind < 8) {
      most_versions_after_compaction =
          std::max(most_versions_after_compaction, most);
    }
  }
  CHECK(watcher->Damage().empty());
  WARN(compactions << " compactions; most versions of a live key right "
                   << "after one: " << most_versions_after_compaction);
  // Otherwise history retention was never put to the test.
  CHECK(most_versions_after_compaction > 1);
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
