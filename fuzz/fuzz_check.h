// The checks of the fuzz targets: a failed one prints where and what failed
// on stderr and traps, which libFuzzer reports as a crash.
#ifndef DOTLOG_FUZZ_FUZZ_CHECK_H_
#define DOTLOG_FUZZ_FUZZ_CHECK_H_

#include <cstdio>

#include "absl/status/status.h"

// Prints the failed condition and traps unless `cond` holds.
#define FUZZ_CHECK(cond)                                               \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, \
                   __LINE__, #cond);                                   \
      __builtin_trap();                                                \
    }                                                                  \
  } while (0)

// Prints `status` and traps unless it is OK.
#define FUZZ_CHECK_OK(expr)                                              \
  do {                                                                   \
    const absl::Status fuzz_status_ = (expr);                            \
    if (!fuzz_status_.ok()) {                                            \
      std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #expr, \
                   fuzz_status_.ToString().c_str());                     \
      __builtin_trap();                                                  \
    }                                                                    \
  } while (0)

#endif  // DOTLOG_FUZZ_FUZZ_CHECK_H_
