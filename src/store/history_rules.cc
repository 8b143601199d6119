#include "store/history_rules.h"

#include <simdjson.h>

#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "util/strings.h"

namespace dotlog {
namespace {

constexpr char kFields[] = "prefix, keep_versions, keep_for_seconds";

absl::Status Bad(std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("history rules in key \"", AV(kHistoryRulesKey), "\": ", AV(why)));
}

absl::Status BadRule(size_t index, std::string_view why) {
  return Bad(absl::StrCat("rule ", index + 1, ": ", AV(why)));
}

}  // namespace

absl::StatusOr<std::vector<HistoryRule>> ParseHistoryRules(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::array rules;
  if (parser.parse(padded).get_array().get(rules) != simdjson::SUCCESS) {
    return Bad("expected a JSON array of rule objects");
  }
  std::vector<HistoryRule> out;
  for (simdjson::dom::element element : rules) {
    const size_t i = out.size();
    simdjson::dom::object rule;
    if (element.get_object().get(rule)) return BadRule(i, "not an object");
    HistoryRule parsed;
    bool has_prefix = false;
    uint64_t versions = 0, seconds = 0;
    // A misspelt field would silently mean "keep nothing": refuse it.
    for (auto [name, value] : rule) {
      if (name == "prefix") {
        std::string_view prefix;
        if (value.get_string().get(prefix)) {
          return BadRule(i, "\"prefix\" must be a string");
        }
        parsed.prefix = std::string(prefix);
        has_prefix = true;
      } else if (name == "keep_versions") {
        if (value.get_uint64().get(versions) ||
            versions > std::numeric_limits<uint32_t>::max()) {
          return BadRule(i, "\"keep_versions\" must be an integer from 0 to 4294967295");
        }
      } else if (name == "keep_for_seconds") {
        if (value.get_uint64().get(seconds) || seconds > (uint64_t{1} << 40)) {
          return BadRule(i, "\"keep_for_seconds\" must be an integer from 0 to 2^40");
        }
      } else {
        return BadRule(i, absl::StrCat("unknown field \"", absl::CHexEscape(AV(name)),
                                       "\" (the fields are ", kFields, ")"));
      }
    }
    if (!has_prefix) return BadRule(i, "\"prefix\" is missing");
    parsed.keep_versions = static_cast<uint32_t>(versions);
    parsed.keep_for = std::chrono::seconds(seconds);
    out.push_back(std::move(parsed));
  }
  return out;
}

}  // namespace dotlog
