#include "cli/config_command.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "format/json_text.h"

namespace dotlog::cli {

std::string FormatSettings(const LoadedSettings& loaded, bool json) {
  std::string out;
  if (json) out += "{";
  bool first = true;
  for (const SettingValue& v : loaded.values) {
    const std::string name = absl::StrCat("state_management.", v.name);
    if (!json) {
      absl::StrAppend(&out, v.origin, "\t", name, "=", v.value, "\n");
      continue;
    }
    if (!first) out += ",";
    first = false;
    AppendJsonString(&out, name);
    absl::StrAppend(&out, ":{\"value\":", v.value, ",\"origin\":");
    AppendJsonString(&out, v.origin);
    out += "}";
  }
  if (json) out += "}\n";
  return out;
}

}  // namespace dotlog::cli
