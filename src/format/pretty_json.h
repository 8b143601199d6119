// Re-indenting minified JSON for people to read.
#ifndef DOTLOG_FORMAT_PRETTY_JSON_H_
#define DOTLOG_FORMAT_PRETTY_JSON_H_

#include <string>
#include <string_view>

namespace dotlog {

// Appends `minified` (valid JSON without whitespace between tokens, as the
// store keeps values) to `out` with each object member and array element on
// its own line, indented by 2 spaces per level starting from `depth`, and a
// space after each ':'. Empty objects and arrays stay "{}" and "[]". Tokens
// are copied unchanged. Nothing is appended after the value.
void AppendPrettyJson(std::string_view minified, int depth, std::string* out);

}  // namespace dotlog

#endif  // DOTLOG_FORMAT_PRETTY_JSON_H_
