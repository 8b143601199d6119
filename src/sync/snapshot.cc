#include "dotlog/sync/snapshot.h"

#include <simdjson.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "sync/change_json.h"
#include "util/strings.h"

namespace dotlog {
namespace {

absl::Status Malformed(std::string_view why, std::string_view json) {
  return absl::InvalidArgumentError(absl::StrCat(
      "snapshot item ", AV(why), ": ", AV(json.substr(0, 200))));
}

}  // namespace

std::string SnapshotKey(std::string_view stream) {
  return absl::StrCat(AV(stream), ":snapshot");
}

std::string EncodeSnapshotItem(const SnapshotItem& item) {
  std::string out = absl::StrCat("{\"h\":\"", item.hlc, "\",\"m\":");
  AppendJsonString(&out, item.machine);
  absl::StrAppend(&out, ",\"s\":", item.seq, ",");
  sync_internal::AppendChangeMembers(&out, item.change);
  out.push_back('}');
  return out;
}

absl::StatusOr<SnapshotItem> DecodeSnapshotItem(std::string_view json) {
  if (!IsValidUtf8(json)) return Malformed("is not valid UTF-8", "");
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  if (parser.parse(json).get(element) != simdjson::SUCCESS) {
    return Malformed("is not JSON", json);
  }
  SnapshotItem item;
  std::string_view hlc, machine;
  if (element["h"].get(hlc) != simdjson::SUCCESS ||
      !absl::SimpleAtoi(AV(hlc), &item.hlc)) {
    return Malformed("has no \"h\" clock string", json);
  }
  if (element["m"].get(machine) != simdjson::SUCCESS || machine.empty()) {
    return Malformed("has no \"m\" machine", json);
  }
  item.machine = std::string(machine);
  if (element["s"].get(item.seq) != simdjson::SUCCESS) {
    return Malformed("has no \"s\" sequence number", json);
  }
  absl::StatusOr<SharedChange> change =
      sync_internal::DecodeChange(element, "snapshot item");
  if (!change.ok()) return Malformed(SV(change.status().message()), json);
  item.change = *std::move(change);
  return item;
}

std::vector<SnapshotItem> SnapshotItemsOf(const StreamEntry& entry) {
  std::vector<SnapshotItem> items;
  for (const SharedChange& change : entry.changes) {
    items.push_back({.machine = entry.machine,
                     .seq = entry.seq,
                     .hlc = entry.hlc,
                     .change = change});
  }
  return items;
}

}  // namespace dotlog
