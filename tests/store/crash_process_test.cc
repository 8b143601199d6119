// Crash safety with real processes. A child process writes with
// SyncMode::kAlways and reports every acknowledged write through a pipe; the
// test kills it with SIGKILL at a random moment, reopens the store and
// checks that it holds exactly what was acknowledged, plus at most the one
// write that was in flight, applied whole; that nothing is reported as
// damage; and, reading the files directly, that they hold only whole,
// checksummed lines but for a torn tail, which the next write cuts off.
//
// A round's writes are a pure function of the round's seed, so the test
// knows which write the child had in flight when it died. Every round of a
// test case runs on the same directory, so each open also recovers over
// earlier crashes' leftovers. The test cases vary what the kills land in:
// ordinary writes, writes torn halfway, segment rollovers, compactions. The
// last test case kills a child that only compacts a store of known content,
// which must then read exactly as before.
// Replay a failure with DOTLOG_TEST_SEED=<seed the run printed> (the kill
// moments then differ slightly: they depend on timing).
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "dotlog/store.h"
#include "format/line_decoder.h"
#include "store/segment.h"
#include "support/child_process.h"
#include "support/temp_dir.h"

namespace dotlog {
namespace {

using testing::ChildProcess;
using testing::LineReader;
using testing::Pipe;
using testing::ReadFileBytes;
using testing::TempDir;
using testing::WriteAll;

// ---------------------------------------------------------------------------
// The seed and the moment of the kill.

// The seed of the whole test: DOTLOG_TEST_SEED if set, else random.
uint64_t TestSeed() {
  if (const char* env = std::getenv("DOTLOG_TEST_SEED"); env && *env) {
    return std::strtoull(env, nullptr, 0);
  }
  std::random_device rd;
  return uint64_t{rd()} << 32 | rd();
}

void SleepMicros(long us) {
  timespec left{us / 1000000, (us % 1000000) * 1000};
  while (nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

// ---------------------------------------------------------------------------
// The child's writes and what they do to the store.

// What the store should hold for one key.
struct KeyState {
  std::string value;     // minified JSON
  bool expires = false;  // written with a TTL
  bool operator==(const KeyState&) const = default;
};
using StoreState = std::map<std::string, KeyState>;

// One put or delete.
struct WriteOp {
  bool is_delete = false;
  std::string key;
  std::string value;  // JSON that names the key and a unique counter
  bool ttl = false;   // written with kLongTtl
  size_t pad = 0;     // bytes of padding inside `value`
};

// One call the child makes: Put, Delete, or Write of a batch.
struct Call {
  enum class Kind { kPut, kDelete, kBatch };
  Kind kind = Kind::kPut;
  std::vector<WriteOp> ops;
};

constexpr auto kLongTtl = std::chrono::hours(24);
// A child that is never killed gives up after this many calls.
constexpr uint64_t kMaxCallsPerRound = 100000;

// What a round's child writes, and when it is killed.
struct Workload {
  // Sizes of the padding put into values, to control how many records fit
  // a segment.
  size_t pad_min = 0;
  size_t pad_max = 0;
  // The kill comes up to this long after the child's Nth acknowledgement:
  // a window of about one call, or of several to reach the rarer, longer
  // calls (those that roll a segment over or compact).
  long kill_window_us = 4000;
  // Keys are "k00", "k01", ...: this many of them.
  uint64_t key_space = 16;
  // Percentages of the calls that are single puts and single deletes; the
  // others write batches.
  uint64_t put_percent = 45;
  uint64_t delete_percent = 25;
  // N is 0 in one round of ten, else drawn from [1, max_wait_acks].
  uint64_t max_wait_acks = 30;
  // When nonzero, the kill is aimed at an append in progress instead of
  // drawn from the window: it comes as soon as the segment files have grown
  // by this many bytes since the Nth acknowledgement.
  uint64_t kill_after_growth = 0;
};

// The calls of one round, in order. Deterministic in (seed, round).
class CallGenerator {
 public:
  CallGenerator(uint64_t seed, uint64_t round, Workload workload)
      : rng_(seed), round_(round), workload_(workload) {}

  Call Next() {
    Call call;
    const uint64_t pick = rng_() % 100;
    if (pick < workload_.put_percent) {
      call.kind = Call::Kind::kPut;
      call.ops.push_back(MakePut());
    } else if (pick < workload_.put_percent + workload_.delete_percent) {
      call.kind = Call::Kind::kDelete;
      call.ops.push_back(MakeDelete());
    } else {
      call.kind = Call::Kind::kBatch;
      const uint64_t n = 2 + rng_() % 5;
      for (uint64_t i = 0; i < n; ++i) {
        call.ops.push_back(rng_() % 10 < 7 ? MakePut() : MakeDelete());
      }
    }
    return call;
  }

 private:
  std::string RandomKey() {
    const uint64_t k = rng_() % workload_.key_space;
    return std::string("k") + (k < 10 ? "0" : "") + std::to_string(k);
  }

  WriteOp MakePut() {
    WriteOp op;
    op.key = RandomKey();
    op.ttl = rng_() % 4 == 0;
    if (workload_.pad_max > 0) {
      op.pad = workload_.pad_min +
               rng_() % (workload_.pad_max - workload_.pad_min + 1);
    }
    // Unique across rounds: a round makes far fewer than 10^6 writes.
    const uint64_t n = round_ * 1000000 + serial_++;
    op.value = "{\"key\":\"" + op.key + "\",\"n\":" + std::to_string(n);
    if (op.pad > 0) op.value += ",\"pad\":\"" + std::string(op.pad, 'p') + "\"";
    op.value += "}";
    return op;
  }

  WriteOp MakeDelete() {
    WriteOp op;
    op.is_delete = true;
    op.key = RandomKey();
    return op;
  }

  std::mt19937_64 rng_;
  uint64_t round_;
  Workload workload_;
  uint64_t serial_ = 0;
};

// A short text naming `call` exactly (values by their counter).
std::string Describe(const Call& call) {
  std::string out = call.kind == Call::Kind::kBatch ? "batch" : "";
  for (const WriteOp& op : call.ops) {
    out += call.kind == Call::Kind::kBatch ? " " : "";
    if (op.is_delete) {
      out += "del " + op.key + ";";
      continue;
    }
    const size_t n_at = op.value.find("\"n\":") + 4;
    out += "put " + op.key + "=" +
           op.value.substr(n_at, op.value.find_first_of(",}", n_at) - n_at);
    if (op.ttl) out += " ttl";
    if (op.pad > 0) out += " pad" + std::to_string(op.pad);
    out += ";";
  }
  return out;
}

// The line the child writes once call number `i` was acknowledged. Far
// shorter than PIPE_BUF, so a kill never tears it.
std::string AckLine(uint64_t i, const Call& call) {
  return std::to_string(i) + " " + Describe(call) + "\n";
}

void Apply(const Call& call, StoreState* state) {
  for (const WriteOp& op : call.ops) {
    if (op.is_delete) {
      state->erase(op.key);
    } else {
      (*state)[op.key] = KeyState{op.value, op.ttl};
    }
  }
}

PutOptions PutOptionsOf(const WriteOp& op) {
  PutOptions options;
  if (op.ttl) options.ttl = kLongTtl;
  return options;
}

absl::Status Execute(Store& store, const Call& call) {
  switch (call.kind) {
    case Call::Kind::kPut:
      return store.Put(call.ops[0].key, call.ops[0].value,
                       PutOptionsOf(call.ops[0]));
    case Call::Kind::kDelete:
      return store.Delete(call.ops[0].key);
    case Call::Kind::kBatch: {
      WriteBatch batch;
      for (const WriteOp& op : call.ops) {
        if (op.is_delete) {
          batch.Delete(op.key);
        } else {
          batch.Put(op.key, op.value, PutOptionsOf(op));
        }
      }
      return store.Write(batch);
    }
  }
  return absl::InternalError("unknown call kind");
}

// The child's whole life: opens the store and writes until killed, writing
// AckLine to `ack_fd` after every call that returned OK. Uses only the
// dotlog API and write(2). Returns (an exit status) only on failure, after
// writing an "error ..." line.
int WriteUntilKilled(const std::string& dir, const Options& options,
                     Workload workload, uint64_t round, uint64_t seed,
                     int ack_fd) {
  auto store = Store::Open(dir, options);
  if (!store.ok()) {
    WriteAll(ack_fd, "error opening: " + store.status().ToString() + "\n");
    return 2;
  }
  CallGenerator calls(seed, round, workload);
  for (uint64_t i = 0; i < kMaxCallsPerRound; ++i) {
    const Call call = calls.Next();
    if (absl::Status s = Execute(**store, call); !s.ok()) {
      WriteAll(ack_fd, "error in call " + std::to_string(i) + " (" +
                           Describe(call) + "): " + s.ToString() + "\n");
      return 3;
    }
    if (!WriteAll(ack_fd, AckLine(i, call))) return 4;
  }
  WriteAll(ack_fd, "error: never killed\n");
  return 5;
}

// The bytes in `dir`'s segment files.
uint64_t SegmentBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (ParseSegmentFileName(entry.path().filename().string())) {
      const uintmax_t size = entry.file_size(ec);  // the file may be gone
      if (!ec) total += size;
    }
  }
  return total;
}

// Returns once `dir`'s segment files hold `bytes` bytes, or after a second.
// A busy wait, to catch an append while the kernel is still copying it.
void WaitForGrowth(const std::string& dir, uint64_t bytes) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (SegmentBytes(dir) < bytes &&
         std::chrono::steady_clock::now() < deadline) {
  }
}

// ---------------------------------------------------------------------------
// Checks on the reopened store and its files.

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

// What the raw segment files hold.
struct SegmentFiles {
  std::string problem;      // first defect found, "" if none
  uint64_t segments = 0;    // files the store reads (none below a base)
  uint64_t records = 0;     // intact record lines (headers not counted)
  uint64_t tail_bytes = 0;  // bytes after the last '\n' of the newest file
  uint64_t base = 0;        // number of the newest base segment, 0 if none
  // Files a crashed compaction left: ones below the base, and temporaries.
  uint64_t leftovers = 0;
};

// Reads the segment files of `dir` directly and decodes each line with the
// library's own decoder. Files numbered below the newest base segment (a
// compaction's output) are leftovers that every reader ignores, and so does
// this check. In the others: every line carries a valid checksum, line 1 of
// each file is its header and no other line is a header, a seal line is
// the last of its file, sequence numbers rise across files (a base segment
// repeats a batch's number for each of its operations), and only the
// newest file may be empty or end without '\n'.
SegmentFiles CheckSegmentFiles(const std::string& dir) {
  SegmentFiles result;
  std::vector<uint64_t> numbers;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (auto n = ParseSegmentFileName(name)) {
      numbers.push_back(*n);
    } else if (name.ends_with(".compacting")) {
      ++result.leftovers;  // a compaction's output, not yet published
    }
  }
  std::sort(numbers.begin(), numbers.end());
  LineDecoder decoder;
  DecodedLine decoded;
  PaddedBuffer line;
  std::map<uint64_t, std::string> files;
  size_t first = 0;  // index in `numbers` of the first file readers use
  for (size_t i = 0; i < numbers.size(); ++i) {
    const std::string path = dir + "/" + SegmentFileName(numbers[i]);
    files[numbers[i]] = ReadFileBytes(path);
    const std::string& bytes = files[numbers[i]];
    const size_t nl = bytes.find('\n');
    if (nl == std::string::npos) continue;
    line.Assign(std::string_view(bytes).substr(0, nl));
    if (decoder.Decode(line.view(), line.readable(), &decoded).ok() &&
        decoded.is_header && decoded.base) {
      first = i;
      result.base = numbers[i];
    }
  }
  result.segments = numbers.size() - first;
  result.leftovers += first;
  uint64_t last_seq = 0;
  for (size_t i = first; i < numbers.size(); ++i) {
    const bool newest = i + 1 == numbers.size();
    const std::string path = dir + "/" + SegmentFileName(numbers[i]);
    const std::string& bytes = files[numbers[i]];
    if (bytes.empty() && !newest) {
      result.problem = path + " is empty but is not the newest segment";
      return result;
    }
    bool base = false;
    bool sealed = false;
    size_t pos = 0;
    for (uint64_t line_number = 1; pos < bytes.size(); ++line_number) {
      const size_t nl = bytes.find('\n', pos);
      const std::string where =
          path + ":" + std::to_string(line_number) + " (" +
          bytes.substr(pos, std::min<size_t>(nl - pos, 120)) + "...): ";
      if (nl == std::string::npos) {
        result.tail_bytes = bytes.size() - pos;
        if (!newest)
          result.problem = where + "sealed segment ends without '\\n'";
        break;
      }
      line.Assign(std::string_view(bytes).substr(pos, nl - pos));
      if (absl::Status s =
              decoder.Decode(line.view(), line.readable(), &decoded);
          !s.ok()) {
        result.problem = where + s.ToString();
        return result;
      }
      if (decoded.is_header != (line_number == 1) ||
          (decoded.is_header && decoded.segment != numbers[i])) {
        result.problem = where + "header out of place";
        return result;
      }
      if (sealed) {
        result.problem = where + "line after the seal line";
        return result;
      }
      if (decoded.is_header) {
        base = decoded.base;
      } else if (decoded.is_seal) {
        sealed = true;
      } else {
        if (decoded.seq < last_seq || (decoded.seq == last_seq && !base)) {
          result.problem = where + "sequence number " +
                           std::to_string(decoded.seq) + " after " +
                           std::to_string(last_seq);
          return result;
        }
        last_seq = decoded.seq;
        ++result.records;
      }
      pos = nl + 1;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------
// The rounds.

class CrashRounds {
 public:
  CrashRounds(std::string dir, Options options, Workload workload,
              uint64_t seed)
      : dir_(std::move(dir)),
        options_(std::move(options)),
        workload_(workload),
        rng_(seed) {}

  void Run(uint64_t rounds) {
    for (uint64_t round = 1; round <= rounds; ++round) {
      RunRound(round);
    }
  }

  uint64_t acknowledged_calls() const { return acknowledged_calls_; }
  uint64_t in_flight_applied() const { return in_flight_applied_; }
  uint64_t torn_tails() const { return torn_tails_; }
  uint64_t segments() const { return segments_; }
  // Makes every `rounds`th round end with a Compact call; 0: never.
  void set_compact_every(uint64_t rounds) { compact_every_ = rounds; }
  // Base segments seen, and rounds whose kill left a compaction unfinished.
  uint64_t compactions() const { return compactions_; }
  uint64_t compaction_leftovers() const { return compaction_leftovers_; }

 private:
  // One child's life and death, then the checks.
  void RunRound(uint64_t round) {
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
    REQUIRE(store.ok());
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
    REQUIRE(stats.ok());
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
      REQUIRE((*store)->Put("parent/deleted", "1").ok());
      REQUIRE((*store)->Delete("parent/deleted").ok());
      auto before = (*store)->GetStats();
      REQUIRE(before.ok());
      absl::Status s = (*store)->Compact();
      INFO("Compact: " << s.ToString());
      CHECK(s.ok());
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
      REQUIRE((*store)->Put("parent/compacted", value).ok());
      state_["parent/compacted"] = KeyState{value, false};
      auto item = (*store)->Lookup("parent/compacted");
      REQUIRE(item.ok());
      INFO("highest sequence number before compacting: " << before->last_seq);
      CHECK(item->seq > before->last_seq);
    }

    // Every other round, the test writes once itself: the write must cut off
    // any torn tail first, leaving only whole lines. In the other rounds the
    // next child meets the leftovers.
    if (round % 2 == 1) {
      const std::string value = std::to_string(round);
      REQUIRE((*store)->Put("parent/round", value).ok());
      state_["parent/round"] = KeyState{value, false};
      files = CheckSegmentFiles(dir_);
      INFO(files.problem);
      REQUIRE(files.problem.empty());
      CHECK(files.tail_bytes == 0);
      REQUIRE((*store)->Close().ok());
      auto reopened = Store::Open(dir_, options_);
      REQUIRE(reopened.ok());
      std::string after;
      CHECK((ReadState(**reopened, &after) == state_));
      CHECK(after.empty());
      auto restats = (*reopened)->GetStats();
      REQUIRE(restats.ok());
      CHECK(restats->torn_tail_bytes == 0);
      CHECK(restats->records == files.records);
      CHECK((*reopened)->Damage().empty());
    }
    segments_ = files.segments;
  }

  const std::string dir_;
  const Options options_;
  const Workload workload_;
  std::mt19937_64 rng_;
  StoreState state_;  // what the store holds between rounds
  uint64_t acknowledged_calls_ = 0;
  uint64_t in_flight_applied_ = 0;
  uint64_t torn_tails_ = 0;
  uint64_t segments_ = 0;
  uint64_t compact_every_ = 0;
  uint64_t compactions_ = 0;
  uint64_t compaction_leftovers_ = 0;
  uint64_t last_base_ = 0;
};

TEST_CASE("every acknowledged write survives kill -9", "[crash][process]") {
  const uint64_t seed = TestSeed();
  WARN("seed " << seed << " (replay with DOTLOG_TEST_SEED=" << seed << ")");
  INFO("seed " << seed);
  TempDir tmp;
  Options options;
  options.sync = SyncMode::kAlways;
  constexpr uint64_t kRounds = 200;
  CrashRounds rounds(tmp.Join("store"), options, Workload{}, seed);
  rounds.Run(kRounds);
  WARN(rounds.acknowledged_calls()
       << " calls acknowledged; the call in flight had landed in "
       << rounds.in_flight_applied() << " of " << kRounds
       << " kills; torn tails met: " << rounds.torn_tails());
  // The kills must land among writes, not only before them.
  CHECK(rounds.acknowledged_calls() >= kRounds * 5);
}

TEST_CASE(
    "a record torn by kill -9 is withheld, never reported as damage, and cut "
    "off by the next write",
    "[crash][process]") {
  const uint64_t seed = TestSeed();
  WARN("seed " << seed << " (replay with DOTLOG_TEST_SEED=" << seed << ")");
  INFO("seed " << seed);
  TempDir tmp;
  Options options;
  options.sync = SyncMode::kAlways;
  // Puts of 5 to 7 MB values to two keys. The kernel copies a large write
  // into the file in pieces and a SIGKILL between two pieces leaves part of
  // the record in the file: the kill comes once the files have grown by
  // 2 MiB, in the middle of such a write (a third of the kills tear one).
  constexpr uint64_t kRounds = 16;
  CrashRounds rounds(tmp.Join("store"), options,
                     Workload{.pad_min = 5000000,
                              .pad_max = 7000000,
                              .key_space = 2,
                              .put_percent = 100,
                              .delete_percent = 0,
                              .max_wait_acks = 1,
                              .kill_after_growth = 2 << 20},
                     seed);
  rounds.Run(kRounds);
  WARN(rounds.acknowledged_calls()
       << " calls acknowledged; torn tails met: " << rounds.torn_tails()
       << " of " << kRounds << " kills");
  // Otherwise the test proved nothing about torn records.
  CHECK(rounds.torn_tails() > 0);
}

TEST_CASE("every acknowledged write survives kill -9 during segment rollover",
          "[crash][process]") {
  const uint64_t seed = TestSeed();
  WARN("seed " << seed << " (replay with DOTLOG_TEST_SEED=" << seed << ")");
  INFO("seed " << seed);
  TempDir tmp;
  Options options;
  options.sync = SyncMode::kAlways;
  options.segment_bytes = 4096;
  options.auto_compact = false;  // the next test case kills compactions
  // Values of 0.6 to 1.5 KB: a 4 KiB segment fills every 3 or 4 records,
  // so a kill often lands while a segment is sealed or created.
  constexpr uint64_t kRounds = 40;
  CrashRounds rounds(
      tmp.Join("store"), options,
      Workload{.pad_min = 600, .pad_max = 1500, .kill_window_us = 20000}, seed);
  rounds.Run(kRounds);
  WARN(rounds.acknowledged_calls()
       << " calls acknowledged in " << rounds.segments() << " segments");
  CHECK(rounds.segments() >= kRounds);
}

TEST_CASE("every acknowledged write survives kill -9 during compaction",
          "[crash][process]") {
  const uint64_t seed = TestSeed();
  WARN("seed " << seed << " (replay with DOTLOG_TEST_SEED=" << seed << ")");
  INFO("seed " << seed);
  TempDir tmp;
  Options options;
  options.sync = SyncMode::kAlways;
  options.segment_bytes = 4096;
  // At most 16 live keys of ~1 KB and mostly dead records: the child
  // compacts by itself every dozen writes or so, spending a good part of
  // its time compacting, so kills land in every step of it.
  options.auto_compact = true;
  options.compaction_min_bytes = 16 << 10;
  constexpr uint64_t kRounds = 40;
  CrashRounds rounds(
      tmp.Join("store"), options,
      Workload{.pad_min = 600, .pad_max = 1500, .kill_window_us = 30000}, seed);
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
  REQUIRE(items.ok());
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
    REQUIRE(store.Put(key(k), value(), options()).ok());
  for (int i = 0; i < 100; ++i) {
    if (i % 4 == 0) {
      WriteBatch batch;
      for (int j = 0; j < 3; ++j)
        batch.Put(key(rng() % 300), value(), options());
      batch.Delete(key(rng() % 300));
      REQUIRE(store.Write(batch).ok());
    } else {
      REQUIRE(store.Put(key(rng() % 300), value(), options()).ok());
    }
  }
  for (int i = 0; i < 60; ++i) REQUIRE(store.Delete(key(rng() % 300)).ok());
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
  const uint64_t seed = TestSeed();
  WARN("seed " << seed << " (replay with DOTLOG_TEST_SEED=" << seed << ")");
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  TempDir tmp;
  const std::string known_dir = tmp.Join("known");
  const std::string dir = tmp.Join("store");
  Options options;
  options.sync = SyncMode::kAlways;
  options.segment_bytes = 4096;
  options.auto_compact = false;  // the child compacts on purpose

  // The known state, written once and kept in `known_dir`.
  Listing known_listing;
  {
    auto store = Store::Open(known_dir, options);
    REQUIRE(store.ok());
    WriteKnownStore(**store, rng);
    known_listing = ListAll(**store);
    auto stats = (*store)->GetStats();
    REQUIRE(stats.ok());
    REQUIRE(stats->segments > 20);
    REQUIRE((*store)->Close().ok());
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
      REQUIRE(store.ok());
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
      REQUIRE((*store)->Put(key, std::to_string(round)).ok());
      auto item = (*store)->Lookup(key);
      REQUIRE(item.ok());
      expected[key] = ItemText(*item);
      CHECK(ListAll(**store) == expected);
      REQUIRE((*store)->Close().ok());
    }
    auto store = Store::Open(dir, reopen);
    REQUIRE(store.ok());
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
}  // namespace dotlog
