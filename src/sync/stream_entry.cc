#include "dotlog/sync/stream_entry.h"

#include <simdjson.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "sync/change_json.h"
#include "util/strings.h"

namespace dotlog {
namespace {

const std::string* FindField(const StreamFields& fields,
                             std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return &value;
  }
  return nullptr;
}

absl::Status Malformed(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("stream entry field \"", AV(field), "\": ", AV(why)));
}

absl::StatusOr<uint64_t> DecimalField(const StreamFields& fields,
                                      std::string_view name) {
  const std::string* text = FindField(fields, name);
  if (text == nullptr) return Malformed(name, "missing");
  uint64_t n = 0;
  if (!absl::SimpleAtoi(*text, &n)) {
    return Malformed(name, absl::StrCat("\"", *text, "\" is not a number"));
  }
  return n;
}

}  // namespace

StreamFields EncodeEntry(const StreamEntry& entry) {
  std::string changes = "[";
  for (const SharedChange& change : entry.changes) {
    if (changes.size() > 1) changes.push_back(',');
    changes.push_back('{');
    sync_internal::AppendChangeMembers(&changes, change);
    changes.push_back('}');
  }
  changes.push_back(']');
  return {{"v", absl::StrCat(entry.version)},
          {"m", entry.machine},
          {"s", absl::StrCat(entry.seq)},
          {"h", absl::StrCat(entry.hlc)},
          {"c", std::move(changes)}};
}

absl::StatusOr<StreamEntry> DecodeEntry(const StreamFields& fields) {
  StreamEntry entry;
  absl::StatusOr<uint64_t> version = DecimalField(fields, "v");
  if (!version.ok()) return version.status();
  if (*version > static_cast<uint64_t>(kStreamEntryVersion)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "stream entry version ", *version, " is newer than ",
        kStreamEntryVersion, ", the newest this dotlog reads: upgrade it"));
  }
  if (*version == 0) return Malformed("v", "version 0 does not exist");
  entry.version = static_cast<int64_t>(*version);
  const std::string* machine = FindField(fields, "m");
  if (machine == nullptr || machine->empty() || !IsValidUtf8(*machine)) {
    return Malformed("m", "missing, empty or not UTF-8");
  }
  entry.machine = *machine;
  absl::StatusOr<uint64_t> seq = DecimalField(fields, "s");
  if (!seq.ok()) return seq.status();
  entry.seq = *seq;
  absl::StatusOr<uint64_t> hlc = DecimalField(fields, "h");
  if (!hlc.ok()) return hlc.status();
  entry.hlc = *hlc;

  const std::string* changes = FindField(fields, "c");
  if (changes == nullptr) return Malformed("c", "missing");
  if (!IsValidUtf8(*changes)) return Malformed("c", "not valid UTF-8");
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (parser.parse(*changes).get(array) != simdjson::SUCCESS) {
    return Malformed("c", "not a JSON array");
  }
  size_t index = 0;
  for (simdjson::dom::element element : array) {
    absl::StatusOr<SharedChange> change = sync_internal::DecodeChange(
        element, absl::StrCat("change ", index++));
    if (!change.ok()) return Malformed("c", SV(change.status().message()));
    if (!IsValidUtf8(change->item)) {
      return Malformed("c", "an item is not valid UTF-8");
    }
    entry.changes.push_back(*std::move(change));
  }
  return entry;
}

}  // namespace dotlog
