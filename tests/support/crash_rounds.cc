#include "support/crash_rounds.h"

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "support/child_process.h"
#include "support/segment_files.h"
#include "support/status_helpers.h"
#include "support/test_seed.h"

namespace dotlog::testing {
namespace {

// Every live item of `store`, or a description of what is wrong with them.
StoreState ReadState(Store& store, std::string* problem) {
  StoreState state;
  auto items = store.List("");
  if (!items.ok()) {
    *problem = "List failed: " + items.status().ToString();
    return state;
  }
  const auto now = std::chrono::system_clock::now();
  for (const Item& item : *items) {
    state[item.key] = KeyState{item.value, item.expires_at.has_value()};
    if (item.expires_at &&
        (*item.expires_at < now + kLongTtl - std::chrono::hours(1) ||
         *item.expires_at > now + kLongTtl)) {
      *problem = "key " + item.key + " expires at an unexpected time";
    }
  }
  return state;
}

std::string Show(const StoreState& state) {
  std::ostringstream out;
  for (const auto& [key, s] : state) {
    out << "  " << key << " = " << s.value.substr(0, 60)
        << (s.expires ? " (ttl)" : "") << "\n";
  }
  return out.str();
}

// `options` with every write synced before it is acknowledged.
Options Synced(Options options) {
  options.sync = SyncMode::kAlways;
  return options;
}

}  // namespace

CrashRounds::CrashRounds(Options options, Workload workload)
    : dir_(tmp_.Join("store")),
      options_(Synced(std::move(options))),
      seed_(ReportedTestSeed()),
      workload_(workload),
      rng_(seed_) {}

void CrashRounds::RunRound(uint64_t round) {
  const uint64_t round_seed = rng_();
  // One round in ten is killed before its first acknowledgement: during
  // open and recovery, or during the first write.
  const uint64_t wait_acks =
      rng_() % 10 == 0 ? 0 : 1 + rng_() % workload_.max_wait_acks;
  const long delay_us = static_cast<long>(
      rng_() % static_cast<uint64_t>(workload_.kill_window_us));
  INFO("round " << round << " (round seed " << round_seed << "), killed "
                << delay_us << " us after ack " << wait_acks);

  uint64_t grown_from = SegmentBytes(dir_);
  Pipe acks;
  ChildProcess child = ChildProcess::Start([&] {
    acks.CloseRead();
    return WriteUntilKilled(dir_, options_, workload_, round, round_seed,
                            acks.write_fd());
  });
  acks.CloseWrite();
  LineReader reader(acks.read_fd());
  std::vector<std::string> lines;
  while (lines.size() < wait_acks) {
    auto line = reader.Next();
    if (!line) break;  // the child died by itself: reported below
    lines.push_back(*line);
    grown_from = SegmentBytes(dir_);
  }
  // Not synchronisation: both only pick the moment of the kill.
  if (workload_.kill_after_growth > 0) {
    WaitForGrowth(dir_, grown_from + workload_.kill_after_growth);
  } else {
    SleepMicros(delay_us);
  }
  const int status = child.Kill();
  while (auto line = reader.Next()) lines.push_back(*line);
  INFO("last line from the child: " << (lines.empty() ? std::string("(none)")
                                                      : lines.back()));
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  REQUIRE(reader.partial().empty());

  // Replay the round's calls: the acknowledged ones, then the one in flight.
  CallGenerator calls(round_seed, round, workload_);
  StoreState acknowledged = state_;
  for (uint64_t i = 0; i < lines.size(); ++i) {
    const Call call = calls.Next();
    REQUIRE(lines[i] + "\n" == AckLine(i, call));
    Apply(call, &acknowledged);
  }
  acknowledged_calls_ += lines.size();
  const Call in_flight = calls.Next();
  StoreState with_in_flight = acknowledged;
  Apply(in_flight, &with_in_flight);
  INFO("call in flight: " << Describe(in_flight));

  std::vector<DamagedRecord> reported;
  Options options = options_;
  options.on_damage = [&](const DamagedRecord& d) { reported.push_back(d); };
  auto store = Store::Open(dir_, options);
  REQUIRE_OK(store);
  std::string problem;
  const StoreState actual = ReadState(**store, &problem);
  INFO(problem);
  REQUIRE(problem.empty());
  {
    // The store holds the acknowledged prefix, or that plus the in-flight
    // call, whole: never a part of a batch, never less than acknowledged.
    INFO("store holds:\n"
         << Show(actual) << "acknowledged:\n"
         << Show(acknowledged) << "with call in flight:\n"
         << Show(with_in_flight));
    REQUIRE((actual == acknowledged || actual == with_in_flight));
  }
  if (actual != acknowledged) ++in_flight_applied_;
  state_ = actual;

  // A kill leaves at most a torn tail, which is withheld, not damage.
  for (const DamagedRecord& d : (*store)->Damage()) {
    UNSCOPED_INFO("damage: " << d.file << ":" << d.line << " " << d.reason);
  }
  CHECK((*store)->Damage().empty());
  CHECK(reported.empty());
  auto stats = (*store)->GetStats();
  REQUIRE_OK(stats);
  CHECK(stats->damaged_records == 0);
  SegmentFiles files = CheckSegmentFiles(dir_);
  INFO(files.problem);
  REQUIRE(files.problem.empty());
  CHECK(files.tail_bytes == stats->torn_tail_bytes);
  CHECK(files.records == stats->records);
  CHECK(files.segments == stats->segments);
  if (files.tail_bytes > 0) {
    ++torn_tails_;
    // The torn record is the call in flight: never applied, even in part.
    CHECK((actual == acknowledged));
  }
  if (files.leftovers > 0) ++compaction_leftovers_;
  if (files.base > last_base_) ++compactions_;
  last_base_ = files.base;

  // Every few rounds the test compacts the recovered store itself: the
  // leftovers of a crash must not stop compaction, and the store must
  // read the same afterwards.
  if (compact_every_ != 0 && round % compact_every_ == 0) {
    // The newest record is a delete, which compaction drops.
    REQUIRE_OK((*store)->Put("parent/deleted", "1"));
    REQUIRE_OK((*store)->Delete("parent/deleted"));
    auto before = (*store)->GetStats();
    REQUIRE_OK(before);
    absl::Status s = (*store)->Compact();
    INFO("Compact: " << s.ToString());
    CHECK_OK(s);
    std::string after;
    CHECK((ReadState(**store, &after) == state_));
    CHECK(after.empty());
    files = CheckSegmentFiles(dir_);
    INFO(files.problem);
    REQUIRE(files.problem.empty());
    if (s.ok()) CHECK(files.base > 0);
    // A write after compaction gets a sequence number above every one
    // used before, even if compaction dropped the newest records (a
    // delete, say): Item::seq names one record, and CompareAndSet relies
    // on never meeting it again.
    const std::string value = std::to_string(round);
    REQUIRE_OK((*store)->Put("parent/compacted", value));
    state_["parent/compacted"] = KeyState{value, false};
    auto item = (*store)->Lookup("parent/compacted");
    REQUIRE_OK(item);
    INFO("highest sequence number before compacting: " << before->last_seq);
    CHECK(item->seq > before->last_seq);
  }

  // Every other round, the test writes once itself: the write must cut off
  // any torn tail first, leaving only whole lines. In the other rounds the
  // next child meets the leftovers.
  if (round % 2 == 1) {
    const std::string value = std::to_string(round);
    REQUIRE_OK((*store)->Put("parent/round", value));
    state_["parent/round"] = KeyState{value, false};
    files = CheckSegmentFiles(dir_);
    INFO(files.problem);
    REQUIRE(files.problem.empty());
    CHECK(files.tail_bytes == 0);
    REQUIRE_OK((*store)->Close());
    auto reopened = Store::Open(dir_, options_);
    REQUIRE_OK(reopened);
    std::string after;
    CHECK((ReadState(**reopened, &after) == state_));
    CHECK(after.empty());
    auto restats = (*reopened)->GetStats();
    REQUIRE_OK(restats);
    CHECK(restats->torn_tail_bytes == 0);
    CHECK(restats->records == files.records);
    CHECK((*reopened)->Damage().empty());
  }
  segments_ = files.segments;
}

}  // namespace dotlog::testing
