#include "state/state_json.h"

#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "format/timestamp.h"

namespace dotlog::state {
namespace {

std::string_view TypeName(simdjson::dom::element_type type) {
  switch (type) {
    case simdjson::dom::element_type::ARRAY:
      return "an array";
    case simdjson::dom::element_type::OBJECT:
      return "an object";
    case simdjson::dom::element_type::STRING:
      return "a string";
    case simdjson::dom::element_type::BOOL:
      return "a boolean";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
    default:
      return "a number";
  }
}

absl::Status BadField(std::string_view key, std::string_view field,
                      std::string_view want) {
  return absl::FailedPreconditionError(Cat(
      "state value ", key, ": field \"", field, "\" is missing or not ", want));
}

// Parses `json` into `parser` as one JSON value.
simdjson::error_code ParseInto(simdjson::dom::parser& parser,
                               std::string_view json,
                               simdjson::dom::element* root) {
  return parser.parse(json.data(), json.size(), true).get(*root);
}

}  // namespace

void JsonObjectWriter::Name(std::string_view name) {
  if (text_.size() > 1) text_.push_back(',');
  AppendJsonString(&text_, name);
  text_.push_back(':');
}

void JsonObjectWriter::String(std::string_view name, std::string_view value) {
  Name(name);
  AppendJsonString(&text_, value);
}

void JsonObjectWriter::Int(std::string_view name, int64_t value) {
  Name(name);
  absl::StrAppend(&text_, value);
}

void JsonObjectWriter::Bool(std::string_view name, bool value) {
  Name(name);
  text_.append(value ? "true" : "false");
}

void JsonObjectWriter::Time(std::string_view name, TimePoint value) {
  Name(name);
  text_.push_back('"');
  AppendTimestamp(&text_, ToUnixMillis(value));
  text_.push_back('"');
}

void JsonObjectWriter::Raw(std::string_view name, std::string_view json) {
  Name(name);
  text_.append(json);
}

std::string JsonObjectWriter::Finish() {
  text_.push_back('}');
  return std::move(text_);
}

std::string JsonString(std::string_view text) {
  std::string out;
  AppendJsonString(&out, text);
  return out;
}

absl::StatusOr<JsonObject> ParseStored(simdjson::dom::parser& parser,
                                       std::string_view key,
                                       std::string_view json) {
  simdjson::dom::element root;
  JsonObject object;
  if (ParseInto(parser, json, &root) != simdjson::SUCCESS ||
      root.get(object) != simdjson::SUCCESS) {
    return absl::FailedPreconditionError(
        Cat("state value ", key, ": not a JSON object"));
  }
  int64_t layout = 0;
  if (object["layout"].get(layout) != simdjson::SUCCESS) {
    return BadField(key, "layout", "an integer");
  }
  if (layout != kLayoutVersion) {
    return absl::FailedPreconditionError(
        Cat("state value ", key, ": layout ", layout,
            " is not the layout this version reads (", kLayoutVersion, ")"));
  }
  return object;
}

absl::StatusOr<JsonObject> ParseInputObject(simdjson::dom::parser& parser,
                                            std::string_view field,
                                            std::string_view json) {
  if (!IsValidUtf8(json)) {
    return absl::InvalidArgumentError(Cat(field, ": not valid UTF-8"));
  }
  simdjson::dom::element root;
  if (auto error = ParseInto(parser, json, &root); error) {
    return absl::InvalidArgumentError(
        Cat(field, ": not valid JSON (", simdjson::error_message(error), ")"));
  }
  JsonObject object;
  if (root.get(object) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        Cat(field, ": must be a JSON object, not ", TypeName(root.type())));
  }
  return object;
}

absl::StatusOr<std::string> MinifiedInputObject(std::string_view field,
                                                std::string_view json) {
  thread_local simdjson::dom::parser parser;
  absl::StatusOr<JsonObject> object = ParseInputObject(parser, field, json);
  if (!object.ok()) return object.status();
  return Minified(*object);
}

absl::StatusOr<std::string> GetString(const JsonObject& object,
                                      std::string_view key,
                                      std::string_view field) {
  std::string_view value;
  if (object[field].get(value) != simdjson::SUCCESS) {
    return BadField(key, field, "a string");
  }
  return std::string(value);
}

absl::StatusOr<int64_t> GetInt(const JsonObject& object, std::string_view key,
                               std::string_view field) {
  int64_t value = 0;
  if (object[field].get(value) != simdjson::SUCCESS) {
    return BadField(key, field, "an integer");
  }
  return value;
}

absl::StatusOr<bool> GetBool(const JsonObject& object, std::string_view key,
                             std::string_view field) {
  bool value = false;
  if (object[field].get(value) != simdjson::SUCCESS) {
    return BadField(key, field, "a boolean");
  }
  return value;
}

absl::StatusOr<TimePoint> GetTime(const JsonObject& object,
                                  std::string_view key,
                                  std::string_view field) {
  std::string_view text;
  if (object[field].get(text) != simdjson::SUCCESS) {
    return BadField(key, field, "a timestamp");
  }
  absl::StatusOr<int64_t> ms = ParseTimestamp(text);
  if (!ms.ok()) return BadField(key, field, "a timestamp");
  return FromUnixMillis(*ms);
}

absl::StatusOr<std::string> GetRaw(const JsonObject& object,
                                   std::string_view key,
                                   std::string_view field) {
  simdjson::dom::element element;
  if (object[field].get(element) != simdjson::SUCCESS) {
    return BadField(key, field, "present");
  }
  return Minified(element);
}

std::string Minified(const simdjson::dom::element& element) {
  return simdjson::minify(element);
}

std::string Minified(const JsonObject& object) {
  return simdjson::minify(object);
}

absl::Status CheckName(std::string_view field, std::string_view name) {
  if (name.empty()) {
    return absl::InvalidArgumentError(Cat(field, ": must not be empty"));
  }
  if (!IsValidUtf8(name)) {
    return absl::InvalidArgumentError(Cat(field, ": not valid UTF-8"));
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      std::string quoted;
      AppendJsonString(&quoted, name);
      return absl::InvalidArgumentError(
          Cat(field, " ", quoted, ": must not contain control characters"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOptionalName(std::string_view field, std::string_view name) {
  return name.empty() ? absl::OkStatus() : CheckName(field, name);
}

TimePoint ToMillis(TimePoint t) { return FromUnixMillis(ToUnixMillis(t)); }

}  // namespace dotlog::state
