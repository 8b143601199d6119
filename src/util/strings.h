// Conversions between std::string_view (used by the public API and
// simdjson) and absl::string_view, which Debian's Abseil builds as its own
// type.
#ifndef DOTLOG_UTIL_STRINGS_H_
#define DOTLOG_UTIL_STRINGS_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace dotlog {

inline absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view SV(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace dotlog

#endif  // DOTLOG_UTIL_STRINGS_H_
