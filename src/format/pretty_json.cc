#include "format/pretty_json.h"

namespace dotlog {
namespace {

void NewLine(int depth, std::string* out) {
  out->push_back('\n');
  out->append(2 * static_cast<size_t>(depth), ' ');
}

}  // namespace

void AppendPrettyJson(std::string_view minified, int depth, std::string* out) {
  bool in_string = false;
  for (size_t i = 0; i < minified.size(); ++i) {
    const char c = minified[i];
    if (in_string) {
      out->push_back(c);
      if (c == '\\' && i + 1 < minified.size()) {
        out->push_back(minified[++i]);  // an escaped character, maybe '"'
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out->push_back(c);
        break;
      case '{':
      case '[': {
        const char close = c == '{' ? '}' : ']';
        out->push_back(c);
        if (i + 1 < minified.size() && minified[i + 1] == close) {
          out->push_back(close);
          ++i;
        } else {
          NewLine(++depth, out);
        }
        break;
      }
      case '}':
      case ']':
        NewLine(--depth, out);
        out->push_back(c);
        break;
      case ',':
        out->push_back(c);
        NewLine(depth, out);
        break;
      case ':':
        out->append(": ");
        break;
      default:
        out->push_back(c);
    }
  }
}

}  // namespace dotlog
