// The source of wall-clock time used for record timestamps and expiry.
#ifndef DOTLOG_CLOCK_H_
#define DOTLOG_CLOCK_H_

#include <chrono>

namespace dotlog {

// Tells the current time. Implementations must be safe to call from several
// threads at once.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() = 0;
};

// The system's real-time clock. Never null; lives for the whole program.
Clock* SystemClock();

}  // namespace dotlog

#endif  // DOTLOG_CLOCK_H_
