// Crash safety of compaction with real processes. The first test case
// kills, with SIGKILL at random moments, a child that writes with
// SyncMode::kAlways to a store that compacts itself every dozen writes or
// so (the rounds of support/crash_rounds.h, as in crash_writes_test.cc):
// the reopened store holds exactly what was acknowledged, plus at most the
// one write that was in flight, applied whole; nothing is reported as
// damage; the files hold only whole, checksummed lines; and the leftovers
// of a compaction cut short stop neither recovery nor the next compaction.
//
// The last test case kills a child that only compacts a store of known
// content, which must then read exactly as before, down to each item's
// sequence number and expiry.
// Replay a failure with DOTLOG_TEST_SEED=<seed the run printed> (the kill
// moments then differ slightly: they depend on timing).
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "dotlog/store.h"
#include "support/child_process.h"
#include "support/crash_rounds.h"
#include "support/crash_workload.h"
#include "support/process_helpers.h"
#include "support/segment_files.h"
#include "support/status_helpers.h"
#include "support/temp_dir.h"
#include "support/test_seed.h"

namespace dotlog::testing {
namespace {

// ---------------------------------------------------------------------------
// Kills of a process that writes, while its store compacts.

TEST_CASE("every acknowledged write survives kill -9 during compaction",
          "[crash][process]") {
  Options options;
  options.segment_bytes = 4096;
  // At most 16 live keys of ~1 KB and mostly dead records: the child
  // compacts by itself every dozen writes or so, spending a good part of
  // its time compacting, so kills land in every step of it.
  options.auto_compact = true;
  options.compaction_min_bytes = 16 << 10;
  CrashRounds rounds(
      options,
      Workload{.pad_min = 600, .pad_max = 1500, .kill_window_us = 30000});
  INFO("seed " << rounds.seed());
  constexpr uint64_t kRounds = 40;
  rounds.set_compact_every(5);
  rounds.Run(kRounds);
  WARN(rounds.acknowledged_calls()
       << " calls acknowledged; base segments seen: " << rounds.compactions()
       << "; rounds that met leftovers of an unfinished compaction: "
       << rounds.compaction_leftovers());
  CHECK(rounds.acknowledged_calls() >= kRounds * 5);
  CHECK(rounds.compactions() >= 3);
}

// ---------------------------------------------------------------------------
// Kills of a process that does nothing but compact.

// What a reader can observe of one item, down to the sequence number of
// the record that wrote it, which compaction keeps: "value, seq S,
// expires E" (E in Unix milliseconds, 0 for never).
std::string ItemText(const Item& item) {
  const int64_t expires =
      item.expires_at ? std::chrono::duration_cast<std::chrono::milliseconds>(
                            item.expires_at->time_since_epoch())
                            .count()
                      : 0;
  return item.value + ", seq " + std::to_string(item.seq) + ", expires " +
         std::to_string(expires);
}

// Every live item of `store`, key to ItemText. Fails the test if the
// listing fails.
using Listing = std::map<std::string, std::string>;
Listing ListAll(Store& store) {
  auto items = store.List("");
  INFO("List: " << items.status().ToString());
  REQUIRE_OK(items);
  Listing listing;
  for (const Item& item : *items) listing[item.key] = ItemText(item);
  return listing;
}

std::string Show(const Listing& listing) {
  std::string out;
  for (const auto& [key, text] : listing) {
    out += "  " + key + " = " + text.substr(0, 80) + "\n";
  }
  return out;
}

// Writes the store the compacting child starts from: 300 keys put, then
// about a third overwritten and a fifth deleted, by single calls and by
// batches, some with a TTL a day away, values of 40 to 240 bytes. With
// 4 KiB segments that is some 40 segment files, mostly dead records.
void WriteKnownStore(Store& store, std::mt19937_64& rng) {
  auto key = [](uint64_t k) {
    std::string digits = std::to_string(k);
    return "c/" + std::string(3 - digits.size(), '0') + digits;
  };
  uint64_t serial = 0;
  auto value = [&] {
    return "{\"n\":" + std::to_string(++serial) + ",\"pad\":\"" +
           std::string(40 + rng() % 200, 'c') + "\"}";
  };
  auto options = [&] {
    PutOptions put;
    if (rng() % 5 == 0) put.ttl = kLongTtl;
    return put;
  };
  for (uint64_t k = 0; k < 300; ++k)
    REQUIRE_OK(store.Put(key(k), value(), options()));
  for (int i = 0; i < 100; ++i) {
    if (i % 4 == 0) {
      WriteBatch batch;
      for (int j = 0; j < 3; ++j)
        batch.Put(key(rng() % 300), value(), options());
      batch.Delete(key(rng() % 300));
      REQUIRE_OK(store.Write(batch));
    } else {
      REQUIRE_OK(store.Put(key(rng() % 300), value(), options()));
    }
  }
  for (int i = 0; i < 60; ++i) REQUIRE_OK(store.Delete(key(rng() % 300)));
}

// The child's whole life: opens the store, writes "open", then compacts it
// again and again, writing "compacted" after each compaction, until
// killed. Returns (an exit status) only on failure, after writing an
// "error ..." line.
int CompactUntilKilled(const std::string& dir, const Options& options,
                       int ack_fd) {
  auto store = Store::Open(dir, options);
  if (!store.ok()) {
    WriteAll(ack_fd, "error opening: " + store.status().ToString() + "\n");
    return 2;
  }
  if (!WriteAll(ack_fd, "open\n")) return 4;
  for (uint64_t i = 1; i <= kMaxCallsPerRound; ++i) {
    if (absl::Status s = (*store)->Compact(); !s.ok()) {
      WriteAll(ack_fd, "error in compaction " + std::to_string(i) + ": " +
                           s.ToString() + "\n");
      return 3;
    }
    if (!WriteAll(ack_fd, "compacted\n")) return 4;
  }
  WriteAll(ack_fd, "error: never killed\n");
  return 5;
}

// Replaces directory `to` with a copy of `from`.
void CopyDirectory(const std::string& from, const std::string& to) {
  std::filesystem::remove_all(to);
  std::filesystem::copy(from, to);
}

TEST_CASE(
    "kill -9 of a compacting process at random moments (100+ rounds) leaves "
    "the store reading exactly as before compaction",
    "[crash][process][compaction]") {
  const uint64_t seed = ReportedTestSeed();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  TempDir tmp;
  const std::string known_dir = tmp.Join("known");
  const std::string dir = tmp.Join("store");
  // The child compacts on purpose.
  const Options options = SmallSegments(SyncMode::kAlways);

  // The known state, written once and kept in `known_dir`.
  Listing known_listing;
  {
    auto store = Store::Open(known_dir, options);
    REQUIRE_OK(store);
    WriteKnownStore(**store, rng);
    known_listing = ListAll(**store);
    auto stats = (*store)->GetStats();
    REQUIRE_OK(stats);
    REQUIRE(stats->segments > 20);
    REQUIRE_OK((*store)->Close());
  }

  // Half of the rounds start again from a copy of the known store, whose
  // first compaction has 40 segments to read; the others go on with what
  // the last round left: a crashed compaction's leftovers, a base segment
  // and the test's own writes.
  Listing expected;
  // The kill comes this long after the child's Nth "compacted" (N in
  // 0..2): one and a half times the longest compaction seen (first
  // measured in round 1), so kills land in every step of one.
  long window_us = 0;
  constexpr uint64_t kRounds = 200;
  uint64_t leftover_rounds = 0, committed_rounds = 0, compactions = 0;
  for (uint64_t round = 1; round <= kRounds; ++round) {
    const bool fresh = round == 1 || rng() % 2 == 0;
    if (fresh) {
      CopyDirectory(known_dir, dir);
      expected = known_listing;
    }
    const uint64_t wait_acks = round == 1 ? 3 : rng() % 3;
    const long delay_us =
        round == 1
            ? 0
            : static_cast<long>(rng() % static_cast<uint64_t>(window_us));
    INFO("round " << round << (fresh ? " (from the known store)" : "")
                  << ", killed " << delay_us << " us after compaction "
                  << wait_acks);
    const uint64_t base_before = CheckSegmentFiles(dir).base;

    Pipe acks;
    ChildProcess child = ChildProcess::Start([&] {
      acks.CloseRead();
      return CompactUntilKilled(dir, options, acks.write_fd());
    });
    acks.CloseWrite();
    LineReader reader(acks.read_fd());
    std::optional<std::string> line = reader.Next();
    INFO("the child said: " << line.value_or("(nothing)"));
    REQUIRE(line == "open");
    auto last = std::chrono::steady_clock::now();
    for (uint64_t i = 0; i < wait_acks; ++i) {
      line = reader.Next();
      INFO("the child said: " << line.value_or("(nothing)"));
      REQUIRE(line == "compacted");
      const auto now = std::chrono::steady_clock::now();
      if (round == 1) {
        window_us = std::max<long>(
            window_us,
            std::chrono::duration_cast<std::chrono::microseconds>(now - last)
                    .count() *
                3 / 2);
      }
      last = now;
    }
    // Not synchronisation: only picks the moment of the kill.
    SleepMicros(delay_us);
    const int status = child.Kill();
    while ((line = reader.Next())) {
      INFO("the child said: " << *line);
      REQUIRE(*line == "compacted");
      ++compactions;
    }
    compactions += wait_acks;
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
    if (round == 1) {
      window_us = std::clamp<long>(window_us, 1000, 200000);
      WARN("kill window " << window_us << " us");
    }

    // The store reads exactly as before, whatever step the kill hit.
    std::vector<DamagedRecord> reported;
    Options reopen = options;
    reopen.on_damage = [&](const DamagedRecord& d) { reported.push_back(d); };
    {
      auto store = Store::Open(dir, reopen);
      INFO(store.status().ToString());
      REQUIRE_OK(store);
      const Listing actual = ListAll(**store);
      {
        INFO("store holds:\n"
             << Show(actual) << "expected:\n"
             << Show(expected));
        REQUIRE(actual == expected);
      }
      for (const DamagedRecord& d : (*store)->Damage()) {
        UNSCOPED_INFO("damage: " << d.file << ":" << d.line << " " << d.reason);
      }
      CHECK((*store)->Damage().empty());
      CHECK(reported.empty());
      const SegmentFiles files = CheckSegmentFiles(dir);
      INFO(files.problem);
      REQUIRE(files.problem.empty());
      if (files.leftovers > 0) ++leftover_rounds;
      if (files.base != base_before) ++committed_rounds;

      // A new write lands, and survives a reopen.
      const std::string key = "parent/" + std::to_string(round % 7);
      REQUIRE_OK((*store)->Put(key, std::to_string(round)));
      auto item = (*store)->Lookup(key);
      REQUIRE_OK(item);
      expected[key] = ItemText(*item);
      CHECK(ListAll(**store) == expected);
      REQUIRE_OK((*store)->Close());
    }
    auto store = Store::Open(dir, reopen);
    REQUIRE_OK(store);
    CHECK(ListAll(**store) == expected);
    CHECK((*store)->Damage().empty());
    CHECK(reported.empty());
  }
  WARN(compactions << " compactions completed; " << leftover_rounds << " of "
                   << kRounds << " kills left a compaction's files behind; "
                   << kRounds - committed_rounds
                   << " came before the round's first commit point");
  // Otherwise the kills never landed inside a compaction.
  CHECK(leftover_rounds > 0);
}

}  // namespace
}  // namespace dotlog::testing
