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

// Checks that `json` is exactly one valid JSON value (any type, surrounding
// whitespace allowed, valid UTF-8) and returns it minified: whitespace
// between tokens removed, tokens themselves unchanged. InvalidArgument, with
// the parser's reason, otherwise.
absl::StatusOr<std::string> MinifyJsonValue(std::string_view json);

}  // namespace dotlog

#endif  // DOTLOG_FORMAT_JSON_TEXT_H_
