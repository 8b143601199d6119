// Prints dotlog's performance targets next to what this run measured. A
// report, not an assertion: nothing fails when a target is missed.
#ifndef DOTLOG_TOOLS_BENCH_TARGETS_H_
#define DOTLOG_TOOLS_BENCH_TARGETS_H_

#include <string>
#include <vector>

#include "report.h"
#include "runner.h"

namespace dotlog::bench {

void PrintTargets(const Config& config, double mean_key_bytes,
                  const std::vector<std::string>& peers,
                  const Results& results);

}  // namespace dotlog::bench

#endif  // DOTLOG_TOOLS_BENCH_TARGETS_H_
