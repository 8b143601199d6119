// The lines `dotlog watch` prints for each change: its own JSON line, and
// the status-bar line of `--format waybar`, for waybar's custom module
// (`return-type: json`) and eww's `deflisten`.
#ifndef DOTLOG_TOOLS_CLI_STATUS_LINE_H_
#define DOTLOG_TOOLS_CLI_STATUS_LINE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dotlog/change_feed.h"

namespace dotlog::cli {

// Appends one line (ending in '\n') as `dotlog watch` prints it:
// {"op":"put","key":"k","value":1,"ts":"..."} ("expires" added when set),
// {"op":"del","key":"k","ts":"..."}.
void AppendWatchLine(const Change& change, std::string* out);

// The text of a status line: literal text with fields in braces, filled in
// from a change:
//   {value}     the value, a string unquoted and unescaped (like jq -r),
//               anything else as JSON; empty for a delete
//   {json}      the value as JSON; empty for a delete
//   {basename}  {value} after its last '/' (a file name from a path)
//   {key}       the key
//   {name}      the key after its last '/' (e.g. DP-1)
//   {op}        put or del
//   {ts}        the change's time, RFC 3339 UTC
// "{{" and "}}" stand for literal braces.
class StatusTemplate {
 public:
  // InvalidArgument naming the problem for an unknown field or an unclosed
  // or unmatched brace.
  static absl::StatusOr<StatusTemplate> Parse(std::string_view text);

  // The text for `change`.
  std::string Render(const Change& change) const;

 private:
  struct Piece {
    bool field = false;
    std::string text;  // literal text, or the field's name
  };
  explicit StatusTemplate(std::vector<Piece> pieces)
      : pieces_(std::move(pieces)) {}
  std::vector<Piece> pieces_;
};

// Appends one line (ending in '\n') for waybar: a JSON object with
//   "text"     `text` rendered for the change ("" for a delete, which hides
//              the module),
//   "tooltip"  "KEY: VALUE" (or "KEY: deleted") and the change's time,
//   "class"    "put" or "del" (for the bar's CSS),
//   "alt"      the key after its last '/' (for format-icons).
void AppendWaybarLine(const Change& change, const StatusTemplate& text,
                      std::string* out);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_STATUS_LINE_H_
