#pragma once
// The desktop app and the commands that render its views without a display.

#include "cli/Command.h"

#include <vector>

namespace ss::gui {

// screenshot (and later export): listed in `sparsescope --help`.
const std::vector<cli::CommandInfo>& guiCommands();

// Opens the window, or runs a GUI command when argv[1] names one.
int runGui(int argc, char** argv);

} // namespace ss::gui
