// The one seed of every randomized test, and how to replay a failure.
#ifndef DOTLOG_TESTS_SUPPORT_TEST_SEED_H_
#define DOTLOG_TESTS_SUPPORT_TEST_SEED_H_

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

namespace dotlog::testing {

// The seed for a randomized test: $DOTLOG_TEST_SEED if set (to replay a
// failure), else a fresh random one. Printed on stderr either way, as
// "<test>: seed N (replay with DOTLOG_TEST_SEED=N)".
inline uint64_t TestSeed(std::string_view test = "randomized test") {
  uint64_t seed;
  if (const char* env = std::getenv("DOTLOG_TEST_SEED"); env != nullptr && *env) {
    seed = std::strtoull(env, nullptr, 0);
  } else {
    seed = (uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  }
  std::fprintf(stderr, "%s: seed %llu (replay with DOTLOG_TEST_SEED=%llu)\n",
               std::string(test).c_str(), static_cast<unsigned long long>(seed),
               static_cast<unsigned long long>(seed));
  return seed;
}

// TestSeed(test), shown too among the test's results (a Catch WARN), so
// that the report of a failure names the seed that replays it.
inline uint64_t ReportedTestSeed(std::string_view test = "randomized test") {
  const uint64_t seed = TestSeed(test);
  WARN("seed " << seed << " (replay with DOTLOG_TEST_SEED=" << seed << ")");
  return seed;
}

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_TEST_SEED_H_
