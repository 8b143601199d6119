#include "report.h"

#include <cmath>
#include <cstdio>

#include "measure.h"

namespace dotlog::bench {

void Results::Add(const std::string& figure, uint64_t n,
                  const std::string& column, double value) {
  if (!std::isnan(value)) values_[{figure, n, column}].push_back(value);
}

double Results::Median(const std::string& figure, uint64_t n,
                       const std::string& column) const {
  auto it = values_.find({figure, n, column});
  return it == values_.end() ? NAN : bench::Median(it->second);
}

bool Results::Has(const std::string& figure, uint64_t n) const {
  auto it = values_.lower_bound({figure, n, ""});
  return it != values_.end() && std::get<0>(it->first) == figure &&
         std::get<1>(it->first) == n;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "-";
  char buf[32];
  const double a = std::fabs(v);
  if (a >= 100 || a == 0) {
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  } else if (a >= 10) {
    std::snprintf(buf, sizeof(buf), "%.1f", v);
  } else if (a >= 1) {
    std::snprintf(buf, sizeof(buf), "%.2f", v);
  } else {
    std::snprintf(buf, sizeof(buf), "%.3f", v);
  }
  return buf;
}

namespace {

std::string FormatRatio(double dotlog, double other) {
  if (std::isnan(dotlog) || std::isnan(other) || other == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", dotlog / other);
  return buf;
}

constexpr int kLabelWidth = 34;
constexpr int kValueWidth = 9;
constexpr int kRatioWidth = 6;

}  // namespace

void PrintTable(const std::vector<Figure>& figures,
                const std::vector<uint64_t>& key_counts,
                const std::vector<std::string>& peers, const Results& results) {
  std::printf("%-*s %7s %-6s %-6s %*s", kLabelWidth, "figure", "N", "unit",
              "better", kValueWidth, kDotlog);
  for (const std::string& peer : peers) {
    std::printf(" %*s %*s", kValueWidth, peer.c_str(), kRatioWidth, "d/peer");
  }
  std::printf(" %*s %*s\n", kValueWidth, kFloor, kRatioWidth + 1, "d/floor");
  for (uint64_t n : key_counts) {
    for (const Figure& f : figures) {
      if (!results.Has(f.id, n)) continue;
      const double dotlog = results.Median(f.id, n, kDotlog);
      std::printf("%-*s %7llu %-6s %-6s %*s", kLabelWidth, f.label.c_str(),
                  static_cast<unsigned long long>(n), f.unit.c_str(),
                  f.higher_is_better ? "higher" : "lower", kValueWidth,
                  FormatValue(dotlog).c_str());
      for (const std::string& peer : peers) {
        const double v = results.Median(f.id, n, peer);
        std::printf(" %*s %*s", kValueWidth, FormatValue(v).c_str(),
                    kRatioWidth, FormatRatio(dotlog, v).c_str());
      }
      const double floor = results.Median(f.id, n, kFloor);
      std::printf(" %*s %*s\n", kValueWidth, FormatValue(floor).c_str(),
                  kRatioWidth + 1, FormatRatio(dotlog, floor).c_str());
    }
  }
}

}  // namespace dotlog::bench
