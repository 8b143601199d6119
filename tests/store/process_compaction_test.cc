// Several real processes on one store directory while another process
// compacts it: writer processes lose no acknowledged write and every line
// on disk verifies, and a reader process holding the store open across
// another process's compaction sees every key and lets go of the files the
// compaction replaced.
//
// Processes are fork()ed children that use only the dotlog API and pipes,
// and leave with _exit(). Pipes are the only synchronisation: no test
// sleeps to wait for another process.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "dotlog/store.h"
#include "support/child_process.h"
#include "support/process_helpers.h"
#include "support/status_helpers.h"
#include "support/store_model.h"
#include "support/temp_dir.h"

namespace dotlog::testing {
namespace {

using namespace std::chrono_literals;

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

TEST_CASE(
    "three writer processes and a compacting process lose no acknowledged "
    "write, and every line on disk verifies",
    "[process][compaction]") {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  // Every compaction has sealed segments; the compacting process alone
  // compacts.
  Options options = SmallSegments(SyncMode::kAlways);
  options.lock_timeout = 120s;  // see process_increments_test.cc
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
      REQUIRE_OK(CompactionWriterStep(p, acknowledged, nullptr, &model));
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
  const Options options = SmallSegments(SyncMode::kNone);

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

}  // namespace
}  // namespace dotlog::testing
