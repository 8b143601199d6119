#include "format/json_text.h"

#include <simdjson.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dotlog {

void AppendJsonString(std::string* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) are legal in JSON but end a
    // line for JavaScript and some editors; escape them to keep one line.
    if (c == 0xE2 && i + 2 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xA8) {
      out->append(text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029");
      i += 3;
      continue;
    }
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

bool IsValidUtf8(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

absl::StatusOr<std::string> MinifyJsonValue(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto error = parser.parse(padded).get(root); error) {
    return absl::InvalidArgumentError(
        absl::StrCat("value is not valid JSON: ", simdjson::error_message(error)));
  }
  std::string out(json.size(), '\0');
  size_t out_size = 0;
  if (auto error = simdjson::minify(json.data(), json.size(), out.data(),
                                    out_size);
      error) {
    return absl::InvalidArgumentError(absl::StrCat(
        "value could not be minified: ", simdjson::error_message(error)));
  }
  out.resize(out_size);
  return out;
}

}  // namespace dotlog
