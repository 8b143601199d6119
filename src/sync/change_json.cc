#include "sync/change_json.h"

#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "util/strings.h"

namespace dotlog::sync_internal {
namespace {

absl::Status Bad(std::string_view where, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(AV(where), " ", AV(why)));
}

}  // namespace

void AppendChangeMembers(std::string* out, const SharedChange& change) {
  out->append("\"k\":");
  AppendJsonString(out, change.item);
  if (change.deleted) {
    out->append(",\"d\":true");
    return;
  }
  absl::StrAppend(out, ",\"v\":", change.value);
  if (change.expires_ms.has_value()) {
    absl::StrAppend(out, ",\"x\":", *change.expires_ms);
  }
}

absl::StatusOr<SharedChange> DecodeChange(simdjson::dom::element element,
                                          std::string_view where) {
  simdjson::dom::object object;
  if (element.get(object) != simdjson::SUCCESS) {
    return Bad(where, "is not an object");
  }
  SharedChange change;
  std::string_view item;
  if (object["k"].get(item) != simdjson::SUCCESS || item.empty()) {
    return Bad(where, "has no \"k\" string");
  }
  change.item = std::string(item);
  bool deleted = false;
  if (object["d"].get(deleted) == simdjson::SUCCESS && deleted) {
    change.deleted = true;
    return change;
  }
  simdjson::dom::element value;
  if (object["v"].get(value) != simdjson::SUCCESS) {
    return Bad(where, "has neither \"v\" nor \"d\":true");
  }
  change.value = simdjson::minify(value);
  int64_t expires = 0;
  if (object["x"].get(expires) == simdjson::SUCCESS) {
    change.expires_ms = expires;
  }
  return change;
}

}  // namespace dotlog::sync_internal
