// The writing child of the crash tests (tests/store/crash_*_test.cc) and
// the moment of its kill. A round's child opens the store and makes calls
// (puts, deletes and batches) until it is killed, reporting each
// acknowledged call through a pipe. Its calls are a pure function of the
// round's seed, so the test knows which call the child had in flight when
// it died, and what the acknowledged ones did to the store.
#ifndef DOTLOG_TESTS_SUPPORT_CRASH_WORKLOAD_H_
#define DOTLOG_TESTS_SUPPORT_CRASH_WORKLOAD_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "dotlog/store.h"

namespace dotlog::testing {

// ---------------------------------------------------------------------------
// The moment of the kill.

void SleepMicros(long us);

// The bytes in `dir`'s segment files.
uint64_t SegmentBytes(const std::string& dir);

// Returns once `dir`'s segment files hold `bytes` bytes, or after a second.
// A busy wait, to catch an append while the kernel is still copying it.
void WaitForGrowth(const std::string& dir, uint64_t bytes);

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

inline constexpr auto kLongTtl = std::chrono::hours(24);
// A child that is never killed gives up after this many calls.
inline constexpr uint64_t kMaxCallsPerRound = 100000;

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
std::string Describe(const Call& call);

// The line the child writes once call number `i` was acknowledged. Far
// shorter than PIPE_BUF, so a kill never tears it.
std::string AckLine(uint64_t i, const Call& call);

void Apply(const Call& call, StoreState* state);

// The child's whole life: opens the store and writes until killed, writing
// AckLine to `ack_fd` after every call that returned OK. Uses only the
// dotlog API and write(2). Returns (an exit status) only on failure, after
// writing an "error ..." line.
int WriteUntilKilled(const std::string& dir, const Options& options,
                     Workload workload, uint64_t round, uint64_t seed,
                     int ack_fd);

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_CRASH_WORKLOAD_H_
