// sparsescope: the desktop app, or with a subcommand the same engine headless.
#include "cli/Command.h"

#include <QCoreApplication>

#include <iostream>
#include <string>
#include <vector>

#ifdef SPARSESCOPE_WITH_GUI
#include "gui/GuiCommands.h"
#endif

namespace {

void printOverview()
{
    std::cout << "Usage: sparsescope [COMMAND] [OPTIONS]\n\n"
                 "Without a command, opens the desktop app.\n\nCommands:\n";
    for (const ss::cli::CommandInfo& command : ss::cli::headlessCommands())
        std::cout << "  " << command.name << std::string(12 - std::string(command.name).size(), ' ') << command.summary
                  << '\n';
#ifdef SPARSESCOPE_WITH_GUI
    for (const ss::cli::CommandInfo& command : ss::gui::guiCommands())
        std::cout << "  " << command.name << std::string(12 - std::string(command.name).size(), ' ') << command.summary
                  << '\n';
#endif
    std::cout << "\n'sparsescope COMMAND --help' describes a command's options.\n";
}

std::vector<std::string> commandNames()
{
    std::vector<std::string> names;
    for (const ss::cli::CommandInfo& command : ss::cli::headlessCommands())
        names.emplace_back(command.name);
#ifdef SPARSESCOPE_WITH_GUI
    for (const ss::cli::CommandInfo& command : ss::gui::guiCommands())
        names.emplace_back(command.name);
#endif
    names.emplace_back("help");
    return names;
}

#ifdef SPARSESCOPE_WITH_GUI
// The window needs a display: without one, Qt prints its platform-plugin advice and aborts
// (SIGABRT) inside the QApplication constructor. Platforms that draw without a display
// (offscreen, minimal, vnc, framebuffers) pass; a -platform argument counts like the variable.
bool hasDisplay(int argc, char** argv)
{
    QString platform = qEnvironmentVariable("QT_QPA_PLATFORM");
    for (int i = 1; i + 1 < argc; ++i)
        if (qstrcmp(argv[i], "-platform") == 0 || qstrcmp(argv[i], "--platform") == 0)
            platform = QString::fromLocal8Bit(argv[i + 1]);
    platform = platform.section(':', 0, 0);
    if (platform.startsWith("wayland"))
        return !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
    if (platform.isEmpty() || platform == "xcb")
        return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
    return true;
}
#endif

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication::setOrganizationName("SparseScope");
    QCoreApplication::setApplicationName("SparseScope");
    QCoreApplication::setApplicationVersion(SPARSESCOPE_VERSION);

    const QString first = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    if (first == "--help" || first == "-h" || first == "help") {
        printOverview();
        return 0;
    }
    if (first == "--version") {
        std::cout << "sparsescope " << SPARSESCOPE_VERSION << '\n';
        return 0;
    }
    if (const ss::cli::CommandInfo* command = ss::cli::findHeadlessCommand(first)) {
#ifdef SPARSESCOPE_WITH_GUI
        // Pictures need the GUI libraries and a QApplication (offscreen).
        if (ss::gui::wantsPlots(argc, argv))
            return ss::gui::runWithPlots(*command, argc, argv);
#endif
        QCoreApplication app(argc, argv);
        QStringList arguments = app.arguments().mid(1);
        return command->run(arguments, {std::cout, std::cerr});
    }
    // A word that names no command is a typo, never a reason to open the window. Options
    // (-platform, --preset) go to the desktop app.
    bool guiCommand = false;
#ifdef SPARSESCOPE_WITH_GUI
    for (const ss::cli::CommandInfo& command : ss::gui::guiCommands())
        guiCommand = guiCommand || first == QLatin1String(command.name);
#endif
    if (!first.isEmpty() && !first.startsWith('-') && !guiCommand) {
        std::cerr << "sparsescope: " << ss::cli::unknownCommandMessage(first.toStdString(), commandNames())
                  << "\n'sparsescope --help' lists the commands.\n";
        return ss::cli::ExitUsage;
    }
#ifdef SPARSESCOPE_WITH_GUI
    if (!guiCommand && !hasDisplay(argc, argv)) {
        std::cerr << "sparsescope: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); "
                     "the commands run without one (sparsescope --help)\n";
        return ss::cli::ExitFailure;
    }
    return ss::gui::runGui(argc, argv);
#else
    if (!first.isEmpty()) {
        std::cerr << "sparsescope: this build has no desktop app and no option '" << first.toStdString() << "'\n\n";
        printOverview();
        return ss::cli::ExitUsage;
    }
    printOverview();
    return ss::cli::ExitSuccess;
#endif
}
