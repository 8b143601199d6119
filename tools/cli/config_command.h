// `dotlog config`: the effective settings and where each came from.
#ifndef DOTLOG_TOOLS_CLI_CONFIG_COMMAND_H_
#define DOTLOG_TOOLS_CLI_CONFIG_COMMAND_H_

#include <string>

#include "dotlog/state/settings.h"

namespace dotlog::cli {

// One line per setting, as `git config --show-origin` prints them:
// "<origin>\tstate_management.<name>=<value>", value as JSON text. With
// `json`, one JSON object instead: {"state_management.<name>":
// {"value": <value>, "origin": "<origin>"}, ...}, then a newline.
std::string FormatSettings(const LoadedSettings& loaded, bool json);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_CONFIG_COMMAND_H_
