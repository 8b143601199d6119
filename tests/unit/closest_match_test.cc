#include "util/closest_match.h"

#include <catch2/catch.hpp>

namespace dotlog {
namespace {

TEST_CASE("edit distance counts insertions, deletions, substitutions and "
          "swaps of neighbours",
          "[closest_match]") {
  CHECK(EditDistance("", "") == 0);
  CHECK(EditDistance("abc", "abc") == 0);
  CHECK(EditDistance("", "abc") == 3);
  CHECK(EditDistance("gte", "get") == 1);
  CHECK(EditDistance("ab", "ba") == 1);
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("recent_limt", "recent_limit") == 1);
}

TEST_CASE("the closest candidate is suggested only when it is close enough",
          "[closest_match]") {
  const std::vector<std::string> verbs = {"get", "set", "del", "history"};
  CHECK(ClosestMatch("gte", verbs) == "get");
  CHECK(ClosestMatch("hstory", verbs) == "history");
  CHECK(ClosestMatch("get", verbs) == "get");
  CHECK(ClosestMatch("compaction", verbs).empty());
  CHECK(ClosestMatch("x", {}).empty());
}

}  // namespace
}  // namespace dotlog
