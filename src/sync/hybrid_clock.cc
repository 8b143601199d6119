#include "dotlog/sync/hybrid_clock.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace dotlog {

HybridClock::HybridClock(std::function<int64_t()> wall_ms, Hlc start)
    : wall_ms_(std::move(wall_ms)), last_(start) {
  if (!wall_ms_) {
    wall_ms_ = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

Hlc HybridClock::Now() {
  const int64_t ms = std::max<int64_t>(0, wall_ms_());
  const Hlc physical = static_cast<Hlc>(ms) << kHlcLogicalBits;
  // Ahead of the wall clock (a faster machine was observed, or the wall
  // clock went back): count on from the last timestamp.
  last_ = std::max(physical, last_ + 1);
  return last_;
}

void HybridClock::Observe(Hlc remote) { last_ = std::max(last_, remote); }

}  // namespace dotlog
