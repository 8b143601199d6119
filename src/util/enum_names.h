// Names of enum values kept in one table, which serves both ways: the name
// of a value, and the value of a name.
#ifndef DOTLOG_UTIL_ENUM_NAMES_H_
#define DOTLOG_UTIL_ENUM_NAMES_H_

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace dotlog {

// A table of enum values with their names.
template <typename Enum, size_t N>
using EnumNames = std::pair<Enum, std::string_view>[N];

// The name `names` gives `value`, or "unknown" where it gives none.
template <typename Enum, size_t N>
constexpr std::string_view NameOf(const EnumNames<Enum, N>& names, Enum value) {
  for (const auto& [each, name] : names) {
    if (each == value) return name;
  }
  return "unknown";
}

// The value `names` gives the name `name`, or nullopt where none has it.
template <typename Enum, size_t N>
constexpr std::optional<Enum> ValueOf(const EnumNames<Enum, N>& names,
                                      std::string_view name) {
  for (const auto& [value, each] : names) {
    if (each == name) return value;
  }
  return std::nullopt;
}

}  // namespace dotlog

#endif  // DOTLOG_UTIL_ENUM_NAMES_H_
