#include "state/settings_toml.h"

#include <chrono>
#include <string>
#include <vector>

// toml++ is used header-only, so the tools load no extra shared library.
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

#include "absl/strings/str_cat.h"
#include "util/strings.h"

namespace dotlog::settings_internal {
namespace {

std::string Where(const std::string& path, const toml::source_region& src) {
  return absl::StrCat(path, ":", src.begin.line, ":", src.begin.column);
}

std::string TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    default: return "a date or time";
  }
}

absl::Status RuleError(const std::string& path, const toml::node& node,
                       std::string_view field, std::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(
      Where(path, node.source()), ": state_management.history.", AV(field),
      ": expected ", AV(expected), ", got ", TypeName(node)));
}

// One [[state_management.history]] table: prefix, keep_versions, keep_days.
absl::StatusOr<HistoryRule> ReadRule(const std::string& path,
                                     const toml::table& table) {
  HistoryRule rule;
  bool has_prefix = false;
  for (auto&& [key, node] : table) {
    const std::string_view field = key.str();
    if (field == "prefix") {
      if (!node.is_string()) return RuleError(path, node, field, "a string");
      rule.prefix = node.as_string()->get();
      has_prefix = true;
    } else if (field == "keep_versions" || field == "keep_days") {
      const int64_t max = field == "keep_versions" ? 1000000 : 36500;
      if (!node.is_integer() || node.as_integer()->get() < 0 ||
          node.as_integer()->get() > max) {
        return RuleError(path, node, field,
                         absl::StrCat("an integer from 0 to ", max));
      }
      const int64_t n = node.as_integer()->get();
      if (field == "keep_versions") {
        rule.keep_versions = static_cast<uint32_t>(n);
      } else {
        rule.keep_for = std::chrono::hours(24 * n);
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          Where(path, node.source()), ": state_management.history: unknown "
          "field \"", AV(field), "\" (a rule has prefix, keep_versions and "
          "keep_days)"));
    }
  }
  if (!has_prefix) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(path, table.source()),
        ": state_management.history: a rule needs a prefix"));
  }
  return rule;
}

absl::StatusOr<TomlSetting> ReadHistory(const std::string& path,
                                        const toml::node& node) {
  TomlSetting entry{.name = "history",
                    .where = Where(path, node.source()),
                    .value = false,
                    .type = TypeName(node)};
  const toml::array* rules = node.as_array();
  if (rules == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        entry.where, ": state_management.history: expected an array of "
        "tables ([[state_management.history]]), got ", entry.type));
  }
  std::vector<HistoryRule> out;
  for (const toml::node& item : *rules) {
    if (!item.is_table()) {
      return RuleError(path, item, "", "a table");
    }
    absl::StatusOr<HistoryRule> rule = ReadRule(path, *item.as_table());
    if (!rule.ok()) return rule.status();
    out.push_back(*std::move(rule));
  }
  entry.value = std::move(out);
  return entry;
}

absl::Status ReadTable(const std::string& path, const toml::table& table,
                       const std::string& prefix,
                       std::vector<TomlSetting>* out) {
  for (auto&& [key, node] : table) {
    const std::string name = absl::StrCat(prefix, AV(key.str()));
    if ((name == "cache" || name == "cleanup" || name == "redis_backend") &&
        node.is_table()) {
      absl::Status s = ReadTable(path, *node.as_table(), name + ".", out);
      if (!s.ok()) return s;
      continue;
    }
    if (name == "history") {
      absl::StatusOr<TomlSetting> history = ReadHistory(path, node);
      if (!history.ok()) return history.status();
      out->push_back(*std::move(history));
      continue;
    }
    TomlSetting entry{.name = name,
                      .where = Where(path, node.source()),
                      .value = false,
                      .type = TypeName(node)};
    if (node.is_boolean()) {
      entry.value = node.as_boolean()->get();
    } else if (node.is_integer()) {
      entry.value = node.as_integer()->get();
    } else if (node.is_string()) {
      entry.value = node.as_string()->get();
    } else if (node.is_array() &&
               (node.as_array()->empty() ||
                node.as_array()->is_homogeneous(toml::node_type::string))) {
      std::vector<std::string> strings;
      for (const toml::node& item : *node.as_array()) {
        strings.push_back(item.as_string()->get());
      }
      entry.value = std::move(strings);
      entry.type = "a list of strings";
    } else {
      entry.supported = false;
    }
    out->push_back(std::move(entry));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<TomlSetting>> ReadSettingsToml(
    const std::string& path, std::string_view text) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(path, e.source()), ": not valid TOML: ",
                     AV(e.description())));
  }
  std::vector<TomlSetting> out;
  const toml::node* table = root.get("state_management");
  if (table == nullptr) return out;
  if (!table->is_table()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(path, table->source()),
        ": state_management: expected a table, got ", TypeName(*table)));
  }
  absl::Status s = ReadTable(path, *table->as_table(), "", &out);
  if (!s.ok()) return s;
  return out;
}

}  // namespace dotlog::settings_internal
