#include "dotlog/sync/hybrid_clock.h"

#include <catch2/catch.hpp>

namespace dotlog {
namespace {

TEST_CASE("HybridClock follows the wall clock when it is ahead") {
  int64_t wall = 1000;
  HybridClock clock([&] { return wall; });
  const Hlc first = clock.Now();
  CHECK(HlcMillis(first) == 1000);
  wall = 2000;
  CHECK(HlcMillis(clock.Now()) == 2000);
}

TEST_CASE("HybridClock never goes back when the wall clock does") {
  int64_t wall = 5000;
  HybridClock clock([&] { return wall; });
  const Hlc before = clock.Now();
  wall = 4000;
  const Hlc after = clock.Now();
  CHECK(after > before);
  CHECK(clock.Now() > after);
}

TEST_CASE("HybridClock hands out timestamps above every one observed") {
  HybridClock clock([] { return int64_t{1000}; });
  const Hlc remote = (Hlc{9000} << kHlcLogicalBits) + 7;
  clock.Observe(remote);
  CHECK(clock.Now() > remote);
}

TEST_CASE("HybridClock starts above the timestamp a previous run reached") {
  const Hlc start = Hlc{9000} << kHlcLogicalBits;
  HybridClock clock([] { return int64_t{1000}; }, start);
  CHECK(clock.Now() > start);
}

TEST_CASE("WinsOver: the later timestamp wins, the greater machine ties") {
  CHECK(WinsOver(2, "a", 1, "z"));
  CHECK_FALSE(WinsOver(1, "z", 2, "a"));
  CHECK(WinsOver(5, "laptop", 5, "desktop"));
  CHECK_FALSE(WinsOver(5, "desktop", 5, "laptop"));
  CHECK_FALSE(WinsOver(5, "desktop", 5, "desktop"));
}

}  // namespace
}  // namespace dotlog
