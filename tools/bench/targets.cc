#include "targets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dotlog::bench {
namespace {

bool Has(const std::vector<std::string>& peers, const std::string& name) {
  return std::find(peers.begin(), peers.end(), name) != peers.end();
}

// One line: what the target asks, N, the two figures compared, and whether
// dotlog's `value` is within `limit` (at most when `at_most`, else at
// least), with the shortfall when not.
// `value` is `who`'s figure: dotlog's, or a floor's.
void Line(const std::string& target, uint64_t n, double value, double limit,
          bool at_most, const std::string& unit, const std::string& limit_is,
          const char* who = "dotlog") {
  std::string verdict;
  if (std::isnan(value) || std::isnan(limit)) {
    verdict = "not measured";
  } else if (at_most ? value <= limit : value >= limit) {
    verdict = "met";
  } else {
    char buf[64];
    const double miss = 100 * (at_most ? value / limit - 1 : 1 - value / limit);
    std::snprintf(buf, sizeof(buf),
                  miss < 10 ? "MISSED by %.1f%%" : "MISSED by %.0f%%", miss);
    verdict = buf;
  }
  std::printf("  %-50s N=%-7llu %-6s %9s %-5s %s %9s (%s): %s\n",
              target.c_str(), static_cast<unsigned long long>(n), who,
              FormatValue(value).c_str(), unit.c_str(),
              at_most ? "<=" : ">=", FormatValue(limit).c_str(),
              limit_is.c_str(), verdict.c_str());
}

}  // namespace

void PrintTargets(const Config& config, double mean_key_bytes,
                  const std::vector<std::string>& peers, const Results& r) {
  std::printf("targets (medians of this run)\n");
  for (uint64_t n : config.key_counts) {
    for (const char* id : {kGetMedianNs, kGetFreshNs}) {
      const std::string which =
          id == kGetMedianNs ? " (writer's handle)" : " (fresh handle)";
      const double get = r.Median(id, n, kDotlog);
      if (Has(peers, "lmdb")) {
        Line("get median <= lmdb's" + which, n, get, r.Median(id, n, "lmdb"),
             true, "ns", "lmdb");
      }
      if (Has(peers, "sqlite")) {
        Line("get median 5x faster than sqlite" + which, n, get,
             r.Median(id, n, "sqlite") / 5, true, "ns", "sqlite/5");
      }
    }
    if (Has(peers, "leveldb")) {
      Line("put sync=off throughput >= half of leveldb's", n,
           r.Median(kPutOffOps, n, kDotlog), r.Median(kPutOffOps, n, "leveldb") / 2,
           false, "ops/s", "leveldb/2");
      Line("  the same, for an append under flock alone", n,
           r.Median(kLockedAppendOps, n, kFloor),
           r.Median(kPutOffOps, n, "leveldb") / 2, false, "ops/s", "leveldb/2",
           "floor");
    }
    const double durable = r.Median(kPutOnOps, n, kDotlog);
    Line("put sync=on within 15% of append+fdatasync", n, durable,
         r.Median(kPutOnOps, n, kFloor) / 1.15, false, "ops/s", "floor/1.15");
    Line("  the same, median latency", n, r.Median(kPutOnUs, n, kDotlog),
         r.Median(kPutOnUs, n, kFloor) * 1.15, true, "us", "floor*1.15");
    for (const std::string& peer : peers) {
      Line("put sync=on ahead of " + peer, n, durable,
           r.Median(kPutOnOps, n, peer), false, "ops/s", peer);
    }
  }
  const uint64_t n = config.key_counts.back();
  Line("multi-writer sync=on above the 1-thread floor", n,
       r.Median(kMultiPutOnOps, n, kDotlog),
       r.Median(kMultiPutOnOps, n, kFloor), false, "ops/s", "floor");
  Line("open + get <= 2x reading the segments", n,
       r.Median(kOpenMs, n, kDotlog), 2 * r.Median(kOpenMs, n, kFloor), true,
       "ms", "2x floor");
  Line("index memory/key (no snapshot) <= key + 48", n,
       r.Median(kIndexBytesPerKey, n, kDotlog), mean_key_bytes + 48, true, "B",
       "key+48");
  Line("index memory/key (snapshot) <= key + 48", n,
       r.Median(kIndexSnapBytesPerKey, n, kDotlog), mean_key_bytes + 48, true,
       "B", "key+48");
}

}  // namespace dotlog::bench
