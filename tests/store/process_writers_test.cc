// Several real processes on one store directory: concurrent writers lose
// nothing. Writer processes put, delete, write batches and update one
// shared key at the same time, racing each other's segment rollovers; the
// store then holds the effect of every acknowledged write, and no update
// of the shared key was lost.
//
// Processes are fork()ed children that use only the dotlog API and pipes,
// and leave with _exit(). Pipes are the only synchronisation: no test
// sleeps to wait for another process.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dotlog/store.h"
#include "support/child_process.h"
#include "support/process_helpers.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

using namespace std::chrono_literals;

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
  options.lock_timeout = 120s;   // see process_increments_test.cc
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
      REQUIRE_OK(WriterScriptStep(p, j, nullptr, &model, &counts[p]));
    }
    expected.insert(model.begin(), model.end());
  }
  expected["shared"] = SharedValue(counts);

  auto reopened = OpenOrDie(dir, options);
  for (Store* store : {observer.get(), reopened.get()}) {
    auto items = store->List("");
    REQUIRE_OK(items);
    std::map<std::string, std::string> actual;
    for (const Item& item : *items) actual[item.key] = item.value;
    CHECK(actual == expected);
    CHECK(store->Damage().empty());
  }
  auto stats = reopened->GetStats();
  REQUIRE_OK(stats);
  CHECK(stats->segments > 3);
}

}  // namespace
}  // namespace dotlog::testing
