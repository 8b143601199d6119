// Plain conversions between the library's types and the tuples the Python
// package turns into its own classes. Times cross as integer microseconds
// since the Unix epoch (UTC).
#ifndef DOTLOG_PYTHON_EXT_CONVERT_H_
#define DOTLOG_PYTHON_EXT_CONVERT_H_

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cstdint>
#include <optional>

#include "dotlog/change_feed.h"
#include "dotlog/item.h"
#include "dotlog/options.h"
#include "dotlog/stats.h"
#include "dotlog/verify.h"
#include "dotlog/key_version.h"

namespace dotlog::python {

int64_t ToMicros(std::chrono::system_clock::time_point t);
std::optional<int64_t> ToMicros(
    const std::optional<std::chrono::system_clock::time_point>& t);

// PutOptions from a time to live in milliseconds and an expiry in
// microseconds since the epoch; either may be absent.
PutOptions MakePutOptions(std::optional<int64_t> ttl_ms,
                          std::optional<int64_t> expires_at_us);

// (key, value_json, expires_at_us | None, seq)
pybind11::tuple ItemTuple(const Item& item);
// (seq, written_us, deleted, value_json, expires_at_us | None)
pybind11::tuple KeyVersionTuple(const KeyVersion& version);
// (is_delete, key, value_json, ts, seq, expires_at_us | None)
pybind11::tuple ChangeTuple(const Change& change);
// A dict with one entry per Stats field.
pybind11::dict StatsDict(const Stats& stats);
// (segments, records, errors, warnings); each problem (file, line, offset,
// reason, text) where text is FormatProblem's line.
pybind11::tuple ReportTuple(const VerifyReport& report);

}  // namespace dotlog::python

#endif  // DOTLOG_PYTHON_EXT_CONVERT_H_
