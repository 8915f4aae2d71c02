// sparsescope: the desktop app, or with a subcommand the same engine headless.
#include "cli/Command.h"

#include <QCoreApplication>

#include <iostream>

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
#ifdef SPARSESCOPE_WITH_GUI
    return ss::gui::runGui(argc, argv);
#else
    if (!first.isEmpty())
        std::cerr << "sparsescope: unknown command '" << first.toStdString() << "'\n\n";
    printOverview();
    return first.isEmpty() ? 0 : 2;
#endif
}
