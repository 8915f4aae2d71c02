#pragma once
// The desktop app and the commands that render its views without a display.

#include "cli/Command.h"

#include <vector>

namespace ss::gui {

// screenshot (and later export): listed in `sparsescope --help`.
const std::vector<cli::CommandInfo>& guiCommands();

// A headless command asked for plots too (--plots): runs it with a QApplication on the
// offscreen platform and a session plotter that draws through the app's views.
bool wantsPlots(int argc, char** argv);
int runWithPlots(const cli::CommandInfo& command, int argc, char** argv);

// Opens the window, or runs a GUI command when argv[1] names one.
int runGui(int argc, char** argv);

} // namespace ss::gui
