// JSON text helpers shared by the record writer and the tools: string
// escaping, value validation and minification.
#ifndef DOTLOG_FORMAT_JSON_TEXT_H_
#define DOTLOG_FORMAT_JSON_TEXT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dotlog {

// Appends `text` (valid UTF-8) to `out` as a quoted JSON string. Escapes the
// quote, the backslash, every control character and U+2028/U+2029, and
// copies every other byte unchanged, so the result is one line.
void AppendJsonString(std::string* out, std::string_view text);

// True if `text` is valid UTF-8.
bool IsValidUtf8(std::string_view text);

// How deeply arrays and objects nest in `json`: 0 for a scalar, 1 for
// [1] or {}, 2 for [[1]]. Counts brackets outside strings; meaningful for
// valid JSON only.
size_t JsonNestingDepth(std::string_view json);

// True if `token` is exactly one number as RFC 8259 writes it:
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, of any size.
bool IsJsonNumber(std::string_view token);

// Checks that `json` is exactly one valid JSON value (any type, surrounding
// whitespace allowed, valid UTF-8) and returns it minified: whitespace
// between tokens removed, tokens themselves unchanged. Every number the
// JSON grammar allows is valid, however large or precise (12345678901234567890123,
// 1e400): values are kept as text, never converted. InvalidArgument, with
// the parser's reason, otherwise, or when arrays and objects nest deeper
// than kMaxValueDepth, plus `levels_around`: the levels a document adds
// around the values it holds (1 for a dump's object or line).
absl::StatusOr<std::string> MinifyJsonValue(std::string_view json,
                                            size_t levels_around = 0);

}  // namespace dotlog

#endif  // DOTLOG_FORMAT_JSON_TEXT_H_
