// Checks of absl::Status and absl::StatusOr results for Catch2 tests:
// REQUIRE_OK and CHECK_OK, and Value() to unwrap a StatusOr. Header-only:
// nothing to register in meson.
#ifndef DOTLOG_TESTS_SUPPORT_STATUS_HELPERS_H_
#define DOTLOG_TESTS_SUPPORT_STATUS_HELPERS_H_

#include <catch2/catch.hpp>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dotlog::testing {

// The status of a Status (itself) or of a StatusOr, for the macros below.
inline absl::Status StatusOf(const absl::Status& status) { return status; }
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// The value of `status_or`; fails the test, printing the status, if none.
template <typename T>
T Value(absl::StatusOr<T> status_or) {
  INFO(status_or.status().ToString());
  REQUIRE(status_or.ok());
  return *std::move(status_or);
}

}  // namespace dotlog::testing

// Fails the test, printing the status, unless `expr` (a Status or a
// StatusOr) is OK.
#define REQUIRE_OK(expr) DOTLOG_ASSERT_OK_(REQUIRE, expr)

// Checks (without stopping the test) that `expr` (a Status or a StatusOr) is
// OK, printing the status.
#define CHECK_OK(expr) DOTLOG_ASSERT_OK_(CHECK, expr)

// REQUIRE_OK and CHECK_OK, with the Catch2 assertion to use. Like every
// Catch2 assertion (and Value above), only for the test's own thread:
// Catch2 is not thread-safe, and INFO from two threads corrupts its state.
#define DOTLOG_ASSERT_OK_(assertion, expr)                             \
  do {                                                                 \
    const absl::Status status_ok_ = ::dotlog::testing::StatusOf(expr); \
    INFO(status_ok_.ToString());                                       \
    assertion(status_ok_.ok());                                        \
  } while (false)

#endif  // DOTLOG_TESTS_SUPPORT_STATUS_HELPERS_H_
