#include "store/history_rules.h"

#include <simdjson.h>

#include <limits>

#include "absl/strings/str_cat.h"
#include "util/strings.h"

namespace dotlog {
namespace {

absl::Status Bad(std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("history rules in key \"", AV(kHistoryRulesKey), "\": ", AV(why)));
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
    simdjson::dom::object rule;
    if (element.get_object().get(rule)) return Bad("each rule must be an object");
    HistoryRule parsed;
    std::string_view prefix;
    if (rule["prefix"].get_string().get(prefix)) {
      return Bad("each rule needs a string \"prefix\"");
    }
    parsed.prefix = std::string(prefix);
    uint64_t versions = 0, seconds = 0;
    if (auto v = rule["keep_versions"]; v.error() != simdjson::NO_SUCH_FIELD) {
      if (v.get_uint64().get(versions) || versions > std::numeric_limits<uint32_t>::max()) {
        return Bad("\"keep_versions\" must be a non-negative integer");
      }
    }
    if (auto v = rule["keep_for_seconds"]; v.error() != simdjson::NO_SUCH_FIELD) {
      if (v.get_uint64().get(seconds) || seconds > (uint64_t{1} << 40)) {
        return Bad("\"keep_for_seconds\" must be a non-negative integer");
      }
    }
    parsed.keep_versions = static_cast<uint32_t>(versions);
    parsed.keep_for = std::chrono::seconds(seconds);
    out.push_back(std::move(parsed));
  }
  return out;
}

}  // namespace dotlog
