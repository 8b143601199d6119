// The data dotlog_bench stores: the wallpaper cache of a dotfiles system.
#ifndef DOTLOG_TOOLS_BENCH_WORKLOAD_H_
#define DOTLOG_TOOLS_BENCH_WORKLOAD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kv_under_test.h"

namespace dotlog::bench {

// "wallpaper/cache/home/user/walls/img00042.png" for i = 42 (at least five
// digits, more when needed).
std::string KeyFor(uint64_t i);

// A minified JSON object of about 150 bytes describing wallpaper `i`:
// {"cached_at":...,"effects_dir":...,"backend":...,"effect_count":...,
// "valid":...}. `version` changes the timestamp and counters, as a rewrite
// of the cache entry would.
std::string ValueFor(uint64_t i, uint64_t version);

// Keys 0..n-1 with their values at `version`, in key order.
std::vector<Entry> MakeEntries(uint64_t n, uint64_t version);

// `count` entries for random keys in [0, n) at `version` (deterministic
// for a given `seed`): the rewrites a put figure applies.
std::vector<Entry> MakeRewrites(uint64_t n, size_t count, uint64_t version,
                                uint64_t seed);

// `count` indices drawn uniformly from [0, n), deterministic for `seed`.
std::vector<uint32_t> RandomIndices(uint64_t n, size_t count, uint64_t seed);

// Mean key and value sizes of `entries`, in bytes.
double MeanKeyBytes(const std::vector<Entry>& entries);
double MeanValueBytes(const std::vector<Entry>& entries);

}  // namespace dotlog::bench

#endif  // DOTLOG_TOOLS_BENCH_WORKLOAD_H_
