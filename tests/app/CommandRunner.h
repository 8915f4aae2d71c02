#pragma once
// Runs a headless command in-process and keeps what it printed, for the app suites.

#include "cli/Command.h"

#include <QStringList>
#include <QtGlobal>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

namespace ss::test {

struct Outcome {
    int exitCode = -1;
    std::string out;
    std::string err;
    nlohmann::json json() const { return nlohmann::json::parse(out); }
};

// arguments[0] is the command's name.
inline Outcome run(const QStringList& arguments)
{
    std::ostringstream out, err;
    const cli::CommandInfo* command = cli::findHeadlessCommand(arguments.value(0));
    if (!command)
        qFatal("no such command");
    Outcome outcome;
    outcome.exitCode = command->run(arguments, {out, err});
    outcome.out = out.str();
    outcome.err = err.str();
    return outcome;
}

} // namespace ss::test
