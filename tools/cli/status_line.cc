#include "cli/status_line.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "format/json_text.h"
#include "store/mutation.h"
#include "tools_lib/change_fields.h"
#include "cli/verb_output.h"
#include "util/strings.h"

namespace dotlog::cli {
namespace {

constexpr std::array<std::string_view, 7> kFields = {
    "value", "json", "basename", "key", "name", "op", "ts"};

// What follows the last '/' of `text`, or all of it.
std::string_view AfterLastSlash(std::string_view text) {
  const size_t slash = text.rfind('/');
  return slash == std::string_view::npos ? text : text.substr(slash + 1);
}

// The value as `get --raw` prints it; empty for a delete.
std::string RawValue(const Change& change) {
  if (change.op == Change::Op::kDelete) return "";
  auto raw = ValueToPrint(change.value, /*raw=*/true);
  return raw.ok() ? *std::move(raw) : change.value;
}

std::string Field(std::string_view name, const Change& change) {
  const bool deleted = change.op == Change::Op::kDelete;
  if (name == "value") return RawValue(change);
  if (name == "json") return deleted ? "" : change.value;
  if (name == "basename") return std::string(AfterLastSlash(RawValue(change)));
  if (name == "key") return change.key;
  if (name == "name") return std::string(AfterLastSlash(change.key));
  if (name == "op") return deleted ? "del" : "put";
  return change.ts;  // "ts": Parse admits no other name
}

absl::Status BadTemplate(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "template ", QuoteKey(text), ": ", AV(why),
      " (fields: {value} {json} {basename} {key} {name} {op} {ts}; {{ and }} "
      "for braces)"));
}

}  // namespace

absl::StatusOr<StatusTemplate> StatusTemplate::Parse(std::string_view text) {
  std::vector<Piece> pieces;
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal.push_back(c);
      ++i;
    } else if (c == '}') {
      return BadTemplate(text, "unmatched }");
    } else if (c == '{') {
      const size_t end = text.find('}', i);
      if (end == std::string_view::npos) return BadTemplate(text, "unclosed {");
      const std::string_view name = text.substr(i + 1, end - i - 1);
      bool known = false;
      for (std::string_view f : kFields) known = known || f == name;
      if (!known) {
        return BadTemplate(text,
                           absl::StrCat("unknown field {", AV(name), "}"));
      }
      if (!literal.empty()) pieces.push_back({false, std::move(literal)});
      literal.clear();
      pieces.push_back({true, std::string(name)});
      i = end;
    } else {
      literal.push_back(c);
    }
  }
  if (!literal.empty()) pieces.push_back({false, std::move(literal)});
  return StatusTemplate(std::move(pieces));
}

std::string StatusTemplate::Render(const Change& change) const {
  std::string out;
  for (const Piece& p : pieces_) {
    out.append(p.field ? Field(p.text, change) : p.text);
  }
  return out;
}

void AppendWatchLine(const Change& change, std::string* out) {
  out->push_back('{');
  AppendOpKeyValue(change, out);
  out->append(",\"ts\":");
  AppendJsonString(out, change.ts);
  AppendExpiresField(change, out);
  out->append("}\n");
}

void AppendWaybarLine(const Change& change, const StatusTemplate& text,
                      std::string* out) {
  const bool deleted = change.op == Change::Op::kDelete;
  const std::string tooltip =
      absl::StrCat(change.key, ": ", deleted ? "deleted" : RawValue(change),
                   "\n", change.ts);
  const std::string rendered = deleted ? "" : text.Render(change);
  out->append("{\"text\":");
  AppendJsonString(out, IsValidUtf8(rendered) ? rendered : "");
  out->append(",\"tooltip\":");
  AppendJsonString(out, IsValidUtf8(tooltip) ? tooltip : change.key);
  out->append(",\"class\":");
  out->append(deleted ? "\"del\"" : "\"put\"");
  out->append(",\"alt\":");
  AppendJsonString(out, AfterLastSlash(change.key));
  out->append("}\n");
}

}  // namespace dotlog::cli
