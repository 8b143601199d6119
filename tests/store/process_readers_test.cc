// Several real processes on one store directory: a reader process sees
// every write another process acknowledged, with a handle opened before the
// writer existed and never reopened; it follows the writer's segment
// rollovers and, in the second test case, the writer's compactions.
//
// Processes are fork()ed children that use only the dotlog API and pipes,
// and leave with _exit(). Pipes are the only synchronisation: no test
// sleeps to wait for another process.
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dotlog/store.h"
#include "support/child_process.h"
#include "support/process_helpers.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

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
  // Visibility does not depend on syncing; small segments, so that the
  // reader also follows rollovers; the writer compacts when told to.
  const Options options = SmallSegments(SyncMode::kNone);

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
        REQUIRE_OK(got);
        REQUIRE(*got == *value);
      } else {
        REQUIRE(absl::IsNotFound(got.status()));
        REQUIRE_FALSE(*reader->Contains(key));
      }
    }
    if (run.compact_every == 0) {
      // Each step wrote exactly one record, and the reader has read it.
      auto stats = reader->GetStats();
      REQUIRE_OK(stats);
      REQUIRE(stats->last_seq == static_cast<uint64_t>(i) + 1);
    }
    REQUIRE(WriteAll(checked.write_fd(), "k"));
  }
  CHECK(ExitedWith(writer.Wait(), 0));
  CHECK(reader->Damage().empty());
  if (run.compact_every == 0) {
    auto stats = reader->GetStats();
    REQUIRE_OK(stats);
    CHECK(stats->segments > 10);  // the writer rolled over many times
  }
  // Beyond the step-by-step checks: the whole content agrees with a handle
  // opened now.
  auto fresh = OpenOrDie(dir, options);
  auto mine = reader->List("");
  auto theirs = fresh->List("");
  REQUIRE_OK(mine);
  REQUIRE_OK(theirs);
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
  // (compacting batch records is exercised in crash_compaction_test).
  CheckReaderSeesEveryWrite(
      {.steps = 400, .batches = false, .compact_every = 50});
}

}  // namespace
}  // namespace dotlog::testing
