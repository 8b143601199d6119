#include "sync/shared_items.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "util/strings.h"

namespace dotlog::sync_internal {

absl::StatusOr<SharedItems> SharedItems::Parse(
    const std::vector<std::string>& specs) {
  SharedItems items;
  for (const std::string& spec : specs) {
    SharedRule rule;
    const size_t hash = spec.find('#');
    rule.prefix = spec.substr(0, hash);
    if (hash != std::string::npos) {
      rule.field = spec.substr(hash + 1);
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
        out.push_back({std::string(key), ""});
        return out;  // the whole key: no field rule adds anything
      }
    } else if (key == rule.prefix) {
      out.push_back({absl::StrCat(AV(key), "#", rule.field), rule.field});
    }
  }
  return out;
}

bool SharedItems::Find(std::string_view item, std::string* key,
                       std::string* field) const {
  // Field rules first: "KEY#FIELD" may also start with a shared prefix.
  for (const SharedRule& rule : rules_) {
    if (!rule.field.empty() &&
        item == absl::StrCat(rule.prefix, "#", rule.field)) {
      *key = rule.prefix;
      *field = rule.field;
      return true;
    }
  }
  for (const SharedRule& rule : rules_) {
    if (rule.field.empty() && absl::StartsWith(AV(item), rule.prefix)) {
      *key = std::string(item);
      field->clear();
      return true;
    }
  }
  return false;
}

}  // namespace dotlog::sync_internal
