// The monitor and history verbs of `dotlog wallpaper`: set, current,
// recent and fav.
#ifndef DOTLOG_TOOLS_CLI_STATE_VERBS_MONITOR_H_
#define DOTLOG_TOOLS_CLI_STATE_VERBS_MONITOR_H_

#include "cli/state_verbs.h"

namespace dotlog::cli {

// Adds set, current, recent and fav (add, rm, ls, has) to the wallpaper
// verb group `group`.
void AddMonitorVerbs(CLI::App& group, VerbRunner* run);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_STATE_VERBS_MONITOR_H_
