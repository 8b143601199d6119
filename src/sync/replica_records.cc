#include "sync/replica_records.h"

#include <simdjson.h>
#include <xxhash.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "state/state_keys.h"
#include "util/strings.h"

namespace dotlog::sync_internal {
namespace {

std::string Quote(std::string_view text) {
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

absl::Status Bad(std::string_view what, std::string_view json) {
  return absl::DataLossError(absl::StrCat(
      "replica bookkeeping ", AV(what), " is malformed: ", AV(json)));
}

absl::StatusOr<simdjson::dom::object> ParseObject(
    simdjson::dom::parser& parser, std::string_view what,
    std::string_view json) {
  simdjson::dom::object object;
  if (parser.parse(json).get(object) != simdjson::SUCCESS) {
    return Bad(what, json);
  }
  return object;
}

}  // namespace

std::string EncodeMeta(const ItemMeta& meta) {
  return absl::StrCat("{\"h\":", meta.hlc, ",\"m\":", Quote(meta.machine),
                      ",\"d\":", meta.deleted ? "true" : "false",
                      ",\"x\":", Quote(meta.hash), "}");
}

absl::StatusOr<ItemMeta> DecodeMeta(std::string_view json) {
  simdjson::dom::parser parser;
  absl::StatusOr<simdjson::dom::object> o = ParseObject(parser, "meta", json);
  if (!o.ok()) return o.status();
  ItemMeta meta;
  std::string_view machine, hash;
  if ((*o)["h"].get(meta.hlc) != simdjson::SUCCESS ||
      (*o)["m"].get(machine) != simdjson::SUCCESS ||
      (*o)["d"].get(meta.deleted) != simdjson::SUCCESS ||
      (*o)["x"].get(hash) != simdjson::SUCCESS) {
    return Bad("meta", json);
  }
  meta.machine = std::string(machine);
  meta.hash = std::string(hash);
  return meta;
}

std::string ValueHash(std::string_view value) {
  const XXH64_hash_t h = XXH3_64bits(value.data(), value.size());
  return absl::StrCat(absl::Hex(h, absl::kZeroPad16));
}

std::string EncodePosition(const ReplicaPosition& position) {
  std::string peers = "{";
  for (const auto& [machine, seq] : position.peers) {
    if (peers.size() > 1) peers.push_back(',');
    absl::StrAppend(&peers, Quote(machine), ":", seq);
  }
  peers.push_back('}');
  return absl::StrCat("{\"id\":", Quote(position.stream_id),
                      ",\"n\":", position.entries_read,
                      ",\"hlc\":", position.hlc, ",\"peers\":", peers, "}");
}

absl::StatusOr<ReplicaPosition> DecodePosition(std::string_view json) {
  simdjson::dom::parser parser;
  absl::StatusOr<simdjson::dom::object> o =
      ParseObject(parser, "position", json);
  if (!o.ok()) return o.status();
  ReplicaPosition position;
  std::string_view id;
  simdjson::dom::object peers;
  if ((*o)["id"].get(id) != simdjson::SUCCESS ||
      (*o)["hlc"].get(position.hlc) != simdjson::SUCCESS ||
      (*o)["n"].get(position.entries_read) != simdjson::SUCCESS ||
      (*o)["peers"].get(peers) != simdjson::SUCCESS) {
    return Bad("position", json);
  }
  position.stream_id = std::string(id);
  for (auto field : peers) {
    uint64_t seq = 0;
    if (field.value.get(seq) != simdjson::SUCCESS) return Bad("position", json);
    position.peers[std::string(field.key)] = seq;
  }
  return position;
}

std::string EncodeOutbox(const Outbox& outbox) {
  std::string entries = "[";
  for (const StreamEntry& entry : outbox.entries) {
    if (entries.size() > 1) entries.push_back(',');
    entries.push_back('{');
    bool first = true;
    for (const auto& [name, value] : EncodeEntry(entry)) {
      if (!first) entries.push_back(',');
      first = false;
      absl::StrAppend(&entries, Quote(name), ":", Quote(value));
    }
    entries.push_back('}');
  }
  entries.push_back(']');
  return absl::StrCat("{\"segment\":", outbox.feed.segment,
                      ",\"offset\":", outbox.feed.offset,
                      ",\"seq\":", outbox.feed.seq, ",\"hlc\":", outbox.hlc,
                      ",\"entries\":", entries,
                      "}");
}

absl::StatusOr<Outbox> DecodeOutbox(std::string_view json) {
  simdjson::dom::parser parser;
  absl::StatusOr<simdjson::dom::object> o = ParseObject(parser, "outbox", json);
  if (!o.ok()) return o.status();
  Outbox outbox;
  simdjson::dom::array entries;
  if ((*o)["segment"].get(outbox.feed.segment) != simdjson::SUCCESS ||
      (*o)["offset"].get(outbox.feed.offset) != simdjson::SUCCESS ||
      (*o)["seq"].get(outbox.feed.seq) != simdjson::SUCCESS ||
      (*o)["hlc"].get(outbox.hlc) != simdjson::SUCCESS ||
      (*o)["entries"].get(entries) != simdjson::SUCCESS) {
    return Bad("outbox", json);
  }
  for (simdjson::dom::element element : entries) {
    simdjson::dom::object fields_object;
    if (element.get(fields_object) != simdjson::SUCCESS) {
      return Bad("outbox", json);
    }
    StreamFields fields;
    for (auto field : fields_object) {
      std::string_view value;
      if (field.value.get(value) != simdjson::SUCCESS) {
        return Bad("outbox", json);
      }
      fields.emplace_back(std::string(field.key), std::string(value));
    }
    absl::StatusOr<StreamEntry> entry = DecodeEntry(fields);
    if (!entry.ok()) return Bad("outbox", json);
    outbox.entries.push_back(*std::move(entry));
  }
  return outbox;
}

std::optional<std::string> FieldOf(std::string_view object,
                                   std::string_view field) {
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(object).get(o) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::element value;
  if (o[field].get(value) != simdjson::SUCCESS) return std::nullopt;
  return simdjson::minify(value);
}

absl::StatusOr<std::string> WithField(const std::optional<std::string>& object,
                                      std::string_view key,
                                      std::string_view field,
                                      const std::optional<std::string>& value) {
  std::string base;
  if (object.has_value()) {
    base = *object;
  } else if (key == state::kCurrentWallpapersKey) {
    base = "{\"layout\":1,\"monitors\":{}}";
  } else {
    base = "{\"layout\":1}";
  }
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(base).get(o) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key ", AV(key), " does not hold a JSON object, so its field \"",
        AV(field), "\" cannot be set"));
  }
  std::string out = "{";
  bool replaced = false;
  for (auto member : o) {
    std::string member_value;
    if (member.key == field) {
      replaced = true;
      if (!value.has_value()) continue;
      member_value = *value;
    } else {
      member_value = simdjson::minify(member.value);
    }
    if (out.size() > 1) out.push_back(',');
    absl::StrAppend(&out, Quote(member.key), ":", member_value);
  }
  if (!replaced && value.has_value()) {
    if (out.size() > 1) out.push_back(',');
    absl::StrAppend(&out, Quote(field), ":", *value);
  }
  out.push_back('}');
  return out;
}

}  // namespace dotlog::sync_internal
