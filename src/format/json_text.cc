#include "format/json_text.h"

#include <simdjson.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "dotlog/limits.h"
#include "util/strings.h"

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

size_t JsonNestingDepth(std::string_view json) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool IsJsonNumber(std::string_view token) {
  size_t i = 0;
  const auto digits = [&] {
    const size_t from = i;
    while (i < token.size() && absl::ascii_isdigit(token[i])) ++i;
    return i > from;
  };
  if (i < token.size() && token[i] == '-') ++i;
  if (i < token.size() && token[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == token.size();
}

namespace {

// The parser refuses numbers it cannot convert to a 64-bit integer or a
// finite double, yet the store keeps values as text and converts nothing.
// Checks every number token of `json` against the grammar and puts 0 in its
// place, so the parser judges the rest. In valid JSON a number is a maximal
// run of these characters that starts with '-' or a digit outside strings.
absl::StatusOr<std::string> NumbersAsZero(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json.size()) {
        out.push_back(json[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c != '-' && !absl::ascii_isdigit(c)) {
      in_string = c == '"';
      out.push_back(c);
      continue;
    }
    const size_t end = json.find_first_not_of("0123456789+-.eE", i);
    const std::string_view token = json.substr(i, end - i);
    if (!IsJsonNumber(token)) {
      constexpr size_t kShown = 40;
      return absl::InvalidArgumentError(absl::StrCat(
          "value is not valid JSON: bad number ",
          AV(token.substr(0, kShown)), token.size() > kShown ? "..." : ""));
    }
    out.push_back('0');
    i += token.size() - 1;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> MinifyJsonValue(std::string_view json,
                                            size_t levels_around) {
  // One limit for every value, below the parser's 1024 levels by enough
  // that any record, batch or dump line holding a value parses too.
  if (const size_t depth = JsonNestingDepth(json);
      depth > kMaxValueDepth + levels_around) {
    return absl::InvalidArgumentError(absl::StrCat(
        levels_around == 0 ? "value" : "a value", " nests arrays and objects ",
        depth - levels_around, " levels deep, over the limit of ",
        kMaxValueDepth));
  }
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::error_code error;
  {
    simdjson::padded_string padded(json);
    error = parser.parse(padded).get(root);
  }
  if (error == simdjson::NUMBER_ERROR) {
    auto zeroed = NumbersAsZero(json);
    if (!zeroed.ok()) return zeroed.status();
    simdjson::padded_string padded(*zeroed);
    error = parser.parse(padded).get(root);
  }
  if (error) {
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
