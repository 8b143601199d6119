// Suggestions for a mistyped name: the closest of the names one could have
// meant.
#ifndef DOTLOG_UTIL_CLOSEST_MATCH_H_
#define DOTLOG_UTIL_CLOSEST_MATCH_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dotlog {

// The number of single-byte insertions, deletions, substitutions and
// swaps of two neighbours that turn `a` into `b` (optimal string alignment
// distance: "gte" is one swap from "get").
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `typed`, if it is close enough to be what was
// meant (at most a third of its length, and at least 1 and at most 3 edits
// away); "" otherwise. Ties go to the earlier candidate.
std::string ClosestMatch(std::string_view typed,
                         const std::vector<std::string>& candidates);

}  // namespace dotlog

#endif  // DOTLOG_UTIL_CLOSEST_MATCH_H_
