// JSON text for the state layer: building the stored objects field by
// field, reading them back, and checking the caller's input.
#ifndef DOTLOG_STATE_STATE_JSON_H_
#define DOTLOG_STATE_STATE_JSON_H_

#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "util/strings.h"

namespace dotlog::state {

using TimePoint = std::chrono::system_clock::time_point;

// absl::StrCat that also takes std::string_view arguments.
template <typename T>
decltype(auto) CatArg(const T& arg) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return AV(arg);
  } else {
    return (arg);
  }
}
template <typename... Args>
std::string Cat(const Args&... args) {
  return absl::StrCat(CatArg(args)...);
}

// The layout version every stored state object carries as "layout".
inline constexpr int64_t kLayoutVersion = 1;

// Builds a JSON object's text, one field at a time, in the order given.
// Field names are written as given (callers pass plain ASCII names).
class JsonObjectWriter {
 public:
  JsonObjectWriter() : text_("{") {}

  void String(std::string_view name, std::string_view value);
  void Int(std::string_view name, int64_t value);
  void Bool(std::string_view name, bool value);
  // As RFC 3339 in UTC with milliseconds.
  void Time(std::string_view name, TimePoint value);
  // `json` must be valid, minified JSON text.
  void Raw(std::string_view name, std::string_view json);
  // Starts with "layout": kLayoutVersion.
  void Layout() { Int("layout", kLayoutVersion); }

  // The object's text. The writer is spent afterwards.
  std::string Finish();

 private:
  void Name(std::string_view name);
  std::string text_;
};

// `text` (valid UTF-8) as a quoted JSON string.
std::string JsonString(std::string_view text);

// A parsed JSON object. Lives until the next Parse* call with the same
// `parser` on this thread.
using JsonObject = simdjson::dom::object;

// Parses the value stored under `key` with `parser`: it must be a JSON
// object whose "layout" is kLayoutVersion. FailedPrecondition, naming the
// key, otherwise (a newer layout is named as such).
absl::StatusOr<JsonObject> ParseStored(simdjson::dom::parser& parser,
                                       std::string_view key,
                                       std::string_view json);

// What `decode(object)` makes of the value stored under `key`, parsed by
// ParseStored with a parser of this thread; ParseStored's error otherwise.
template <typename T, typename Decode>
absl::StatusOr<T> DecodeStored(std::string_view key, std::string_view json,
                               Decode decode) {
  thread_local simdjson::dom::parser parser;
  absl::StatusOr<JsonObject> object = ParseStored(parser, key, json);
  if (!object.ok()) return object.status();
  return decode(*object);
}

// Parses the caller's `json`, given as `field`: it must be a JSON object.
// InvalidArgument naming `field` otherwise.
absl::StatusOr<JsonObject> ParseInputObject(simdjson::dom::parser& parser,
                                            std::string_view field,
                                            std::string_view json);

// The caller's `json`, given as `field`, minified; it must be a JSON object.
absl::StatusOr<std::string> MinifiedInputObject(std::string_view field,
                                                std::string_view json);

// Fields of a stored object. FailedPrecondition naming `key` and the field
// when it is missing or of another type.
absl::StatusOr<std::string> GetString(const JsonObject& object,
                                      std::string_view key,
                                      std::string_view field);
absl::StatusOr<int64_t> GetInt(const JsonObject& object, std::string_view key,
                               std::string_view field);
absl::StatusOr<bool> GetBool(const JsonObject& object, std::string_view key,
                             std::string_view field);
absl::StatusOr<TimePoint> GetTime(const JsonObject& object,
                                  std::string_view key, std::string_view field);
// The field's value as minified JSON text.
absl::StatusOr<std::string> GetRaw(const JsonObject& object,
                                   std::string_view key,
                                   std::string_view field);

// The element's value as minified JSON text.
std::string Minified(const simdjson::dom::element& element);
std::string Minified(const JsonObject& object);

// OK if `name`, given as `field`, is a usable name: non-empty, valid
// UTF-8, no control characters. InvalidArgument naming the field otherwise.
absl::Status CheckName(std::string_view field, std::string_view name);
// CheckName, but OK too if `name` is empty: a name the caller may leave out.
absl::Status CheckOptionalName(std::string_view field, std::string_view name);

// `t` cut to whole milliseconds, as stored.
TimePoint ToMillis(TimePoint t);

}  // namespace dotlog::state

#endif  // DOTLOG_STATE_STATE_JSON_H_
