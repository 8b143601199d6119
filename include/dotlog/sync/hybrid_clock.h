// A hybrid logical clock: timestamps that follow the wall clock but never
// go backwards and always exceed every timestamp seen from other machines,
// so that "later" means the same on every machine.
#ifndef DOTLOG_SYNC_HYBRID_CLOCK_H_
#define DOTLOG_SYNC_HYBRID_CLOCK_H_

#include <cstdint>
#include <functional>
#include <string_view>

namespace dotlog {

// A timestamp: milliseconds since the Unix epoch in the high 48 bits, a
// logical counter in the low 16. Plain integers compare as the clock orders
// them.
using Hlc = uint64_t;
inline constexpr int kHlcLogicalBits = 16;

// The wall-clock milliseconds of `hlc`.
inline int64_t HlcMillis(Hlc hlc) {
  return static_cast<int64_t>(hlc >> kHlcLogicalBits);
}

// Not thread-safe: one clock per sync loop.
class HybridClock {
 public:
  // `wall_ms` tells the wall-clock time in milliseconds since the epoch;
  // empty: the system clock. `start` is a timestamp the clock must exceed
  // (the last one a previous run handed out or saw).
  explicit HybridClock(std::function<int64_t()> wall_ms = {}, Hlc start = 0);

  // A timestamp greater than every one returned or observed before, and
  // not below the wall clock.
  Hlc Now();
  // Takes note of a timestamp from another machine: every later Now()
  // exceeds it.
  void Observe(Hlc remote);
  // The greatest timestamp returned or observed so far.
  Hlc last() const { return last_; }

 private:
  std::function<int64_t()> wall_ms_;
  Hlc last_;
};

// The conflict rule: the version written at (`hlc_a`, `machine_a`) wins
// over the one written at (`hlc_b`, `machine_b`) when its timestamp is
// greater, or when the timestamps are equal and its machine name is greater
// in byte order. Two versions from one machine never tie.
inline bool WinsOver(Hlc hlc_a, std::string_view machine_a, Hlc hlc_b,
                     std::string_view machine_b) {
  if (hlc_a != hlc_b) return hlc_a > hlc_b;
  return machine_a > machine_b;
}

}  // namespace dotlog

#endif  // DOTLOG_SYNC_HYBRID_CLOCK_H_
