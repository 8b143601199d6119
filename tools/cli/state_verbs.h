// The dotfiles-state verbs of dotlog, over dotlog/state/: wallpaper,
// colorscheme, component, health, event and state. Each Add function
// adds one verb group (a subcommand with subcommands of its own) to the dotlog
// app; selecting a verb sets `*run` to the function that carries it out.
#ifndef DOTLOG_TOOLS_CLI_STATE_VERBS_H_
#define DOTLOG_TOOLS_CLI_STATE_VERBS_H_

#include "absl/status/status.h"
#include "cli/commands.h"
#include "cli/session.h"

namespace CLI {
class App;
}  // namespace CLI

namespace dotlog::cli {

// What a selected verb runs. The verbs keep their own arguments, so `Args`
// is not used by them.
using VerbRunner = absl::Status (*)(Session&, const Args&);

void AddWallpaperVerbs(CLI::App& app, Args& a, VerbRunner* run);
void AddColorschemeVerbs(CLI::App& app, Args& a, VerbRunner* run);
void AddComponentVerbs(CLI::App& app, Args& a, VerbRunner* run);
void AddHealthVerbs(CLI::App& app, Args& a, VerbRunner* run);
void AddEventVerbs(CLI::App& app, Args& a, VerbRunner* run);
void AddStateVerbs(CLI::App& app, Args& a, VerbRunner* run);

}  // namespace dotlog::cli

#endif  // DOTLOG_TOOLS_CLI_STATE_VERBS_H_
