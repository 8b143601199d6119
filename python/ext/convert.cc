#include "convert.h"

#include <string>

namespace py = pybind11;
using namespace pybind11::literals;

namespace dotlog::python {

int64_t ToMicros(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             t.time_since_epoch())
      .count();
}

std::optional<int64_t> ToMicros(
    const std::optional<std::chrono::system_clock::time_point>& t) {
  if (!t) return std::nullopt;
  return ToMicros(*t);
}

PutOptions MakePutOptions(std::optional<int64_t> ttl_ms,
                          std::optional<int64_t> expires_at_us) {
  PutOptions options;
  if (ttl_ms) options.ttl = std::chrono::milliseconds(*ttl_ms);
  if (expires_at_us) {
    options.expires_at = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::microseconds(*expires_at_us)));
  }
  return options;
}

py::tuple ItemTuple(const Item& item) {
  return py::make_tuple(item.key, item.value, ToMicros(item.expires_at),
                        item.seq);
}

py::tuple KeyVersionTuple(const KeyVersion& version) {
  return py::make_tuple(version.seq, ToMicros(version.written), version.deleted,
                        version.value, ToMicros(version.expires_at));
}

py::tuple ChangeTuple(const Change& change) {
  return py::make_tuple(change.op == Change::Op::kDelete, change.key,
                        change.value, change.ts, change.seq,
                        ToMicros(change.expires_at));
}

py::dict StatsDict(const Stats& s) {
  return py::dict(
      "live_keys"_a = s.live_keys, "records"_a = s.records,
      "segments"_a = s.segments, "total_bytes"_a = s.total_bytes,
      "live_bytes"_a = s.live_bytes, "dead_bytes"_a = s.dead_bytes,
      "damaged_records"_a = s.damaged_records,
      "torn_tail_bytes"_a = s.torn_tail_bytes, "last_seq"_a = s.last_seq,
      "snapshot_keys"_a = s.snapshot_keys, "index_bytes"_a = s.index_bytes);
}

namespace {

py::list Problems(const std::vector<VerifyProblem>& problems) {
  py::list list;
  for (const VerifyProblem& p : problems) {
    list.append(
        py::make_tuple(p.file, p.line, p.offset, p.reason, FormatProblem(p)));
  }
  return list;
}

}  // namespace

py::tuple ReportTuple(const VerifyReport& report) {
  return py::make_tuple(report.segments, report.records,
                        Problems(report.errors), Problems(report.warnings));
}

}  // namespace dotlog::python
