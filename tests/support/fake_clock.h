// A clock that tests move by hand.
#ifndef DOTLOG_TESTS_SUPPORT_FAKE_CLOCK_H_
#define DOTLOG_TESTS_SUPPORT_FAKE_CLOCK_H_

#include <atomic>
#include <chrono>

#include "dotlog/clock.h"

namespace dotlog::testing {

class FakeClock final : public Clock {
 public:
  // Starts at 2026-01-01T00:00:00Z.
  FakeClock() : ms_(1767225600000) {}
  std::chrono::system_clock::time_point Now() override {
    return std::chrono::system_clock::time_point(
        std::chrono::milliseconds(ms_.load()));
  }
  void Advance(std::chrono::milliseconds d) { ms_ += d.count(); }

 private:
  std::atomic<int64_t> ms_;
};

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_FAKE_CLOCK_H_
