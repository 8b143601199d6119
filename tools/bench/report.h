// Collects dotlog_bench's figures over repeats and prints them as one table
// of medians with the ratios dotlog/peer and dotlog/floor.
#ifndef DOTLOG_TOOLS_BENCH_REPORT_H_
#define DOTLOG_TOOLS_BENCH_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace dotlog::bench {

// The column names every figure may have besides the peers'.
inline constexpr char kDotlog[] = "dotlog";
inline constexpr char kFloor[] = "floor";

// One row kind of the table.
struct Figure {
  std::string id;     // key used with Results
  std::string label;  // printed
  std::string unit;
  bool higher_is_better = false;
};

// Every measurement, by (figure id, key count, column).
class Results {
 public:
  void Add(const std::string& figure, uint64_t n, const std::string& column,
           double value);
  // The median over repeats, or NaN if nothing was added.
  double Median(const std::string& figure, uint64_t n,
                const std::string& column) const;
  bool Has(const std::string& figure, uint64_t n) const;

 private:
  std::map<std::tuple<std::string, uint64_t, std::string>, std::vector<double>>
      values_;
};

// Prints the table: one row per (figure, n) that has values, columns
// dotlog, then each of `peers` with dotlog/peer, then floor with
// dotlog/floor. A missing value prints as "-".
void PrintTable(const std::vector<Figure>& figures,
                const std::vector<uint64_t>& key_counts,
                const std::vector<std::string>& peers, const Results& results);

// "12.3", "1234", "0.123": three significant digits, no exponent.
std::string FormatValue(double v);

}  // namespace dotlog::bench

#endif  // DOTLOG_TOOLS_BENCH_REPORT_H_
