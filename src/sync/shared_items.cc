#include "sync/shared_items.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "util/strings.h"

namespace dotlog::sync_internal {

absl::StatusOr<SharedItems> SharedItems::Parse(
    const std::vector<std::string>& specs, std::string machine) {
  SharedItems items;
  items.machine_ = std::move(machine);
  for (const std::string& spec : specs) {
    SharedRule rule;
    std::string_view text = spec;
    if (absl::StartsWith(AV(text), AV(kPerMachineMark))) {
      rule.per_machine = true;
      text.remove_prefix(kPerMachineMark.size());
    } else if (absl::StartsWith(AV(text), AV(kCounterMark))) {
      rule.counter = true;
      text.remove_prefix(kCounterMark.size());
    }
    const size_t hash = text.find('#');
    rule.prefix = std::string(text.substr(0, hash));
    if ((rule.per_machine || rule.counter) &&
        hash != std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "shared item \"", spec, "\": a ",
          rule.counter ? "counter (count:)" : "per-machine (log:)",
          " rule is a key prefix, without '#'"));
    }
    if (hash != std::string::npos) {
      rule.field = std::string(text.substr(hash + 1));
      if (rule.field.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "shared item \"", spec, "\": no field name after '#'"));
      }
    }
    if (rule.prefix.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("shared item \"", spec, "\": empty key prefix"));
    }
    if (absl::StartsWith(rule.prefix, AV(kSyncPrefix)) ||
        absl::StartsWith(AV(kSyncPrefix), rule.prefix)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "shared item \"", spec, "\": keys under \"", AV(kSyncPrefix),
          "\" are the replica's own bookkeeping and are never shared"));
    }
    items.rules_.push_back(std::move(rule));
  }
  return items;
}

std::vector<ItemOfKey> SharedItems::ItemsOf(std::string_view key) const {
  std::vector<ItemOfKey> out;
  for (const SharedRule& rule : rules_) {
    if (rule.field.empty()) {
      if (absl::StartsWith(AV(key), rule.prefix)) {
        std::string item(key);
        // A key of this machine's log travels with the machine's name; a
        // copy of another machine's already carries it. A counter's
        // contribution always does.
        if (rule.counter ||
            (rule.per_machine &&
             key.find(kMachineSeparator, rule.prefix.size()) ==
                 std::string_view::npos)) {
          absl::StrAppend(&item, std::string(1, kMachineSeparator), machine_);
        }
        out.push_back({std::move(item), "", rule.counter});
        return out;  // the whole key: no field rule adds anything
      }
    } else if (key == rule.prefix) {
      out.push_back({absl::StrCat(AV(key), "#", rule.field), rule.field});
    }
  }
  return out;
}

std::optional<KeyOfItem> SharedItems::Find(std::string_view item) const {
  // Field rules first: "KEY#FIELD" may also start with a shared prefix.
  for (const SharedRule& rule : rules_) {
    if (!rule.field.empty() &&
        item == absl::StrCat(rule.prefix, "#", rule.field)) {
      return KeyOfItem{.key = rule.prefix, .field = rule.field};
    }
  }
  for (const SharedRule& rule : rules_) {
    if (!rule.field.empty() || !absl::StartsWith(AV(item), rule.prefix)) {
      continue;
    }
    KeyOfItem found{.key = std::string(item)};
    if (!rule.per_machine && !rule.counter) return found;
    const size_t at = item.rfind(kMachineSeparator);
    if (at == std::string_view::npos || at < rule.prefix.size()) {
      return std::nullopt;
    }
    if (rule.counter) {
      // Every machine's contribution goes to the one local counter.
      found.key.resize(at);
      found.machine = std::string(item.substr(at + 1));
      if (found.machine.empty()) return std::nullopt;
    } else if (item.substr(at + 1) == machine_) {
      // This machine's own key comes back without its name.
      found.key.resize(at);
    }
    return found;
  }
  return std::nullopt;
}

}  // namespace dotlog::sync_internal
