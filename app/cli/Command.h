#pragma once
// The headless subcommands share one shape: parse options, run the core, print JSON.
// Exit codes: 0 success, 1 a failed load or run (the message names file and line),
// 2 bad arguments (a usage message follows).

#include "common/Error.h"

#include <QCommandLineParser>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <limits>
#include <iosfwd>
#include <vector>
#include <stdexcept>
#include <string>

namespace ss::cli {

enum ExitCode { ExitSuccess = 0, ExitFailure = 1, ExitUsage = 2 };

struct CommandStreams {
    std::ostream& out;
    std::ostream& err;
};

// A bad command line: reported with the command's usage and exit code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CommandInfo {
    const char* name;
    const char* summary;
    int (*run)(const QStringList& arguments, CommandStreams streams);
};

// arguments[0] is the command name, as QCommandLineParser expects a program name there.
int runTrain(const QStringList& arguments, CommandStreams streams);
int runMetrics(const QStringList& arguments, CommandStreams streams);
int runDemo(const QStringList& arguments, CommandStreams streams);
int runPrune(const QStringList& arguments, CommandStreams streams);
int runScan(const QStringList& arguments, CommandStreams streams);
int runSweep(const QStringList& arguments, CommandStreams streams);
int runPath(const QStringList& arguments, CommandStreams streams);

// Every headless command, in the order --help lists them.
const std::vector<CommandInfo>& headlessCommands();
const CommandInfo* findHeadlessCommand(const QString& name);

// Builds a parser with addOptions (and --help), parses, then runs body. Bad arguments
// (UsageError) print the problem and the usage to err and return 2; ss::ConfigError, the
// core refusing what a file or a run gave it, ss::InputError and other failures print the
// message alone and return 1. A step of the core on values typed on the command line runs
// in fromArguments, so that its refusal counts as bad arguments.
int runCommand(const QStringList& arguments, CommandStreams streams, const QString& description,
               const std::function<void(QCommandLineParser&)>& addOptions,
               const std::function<int(const QCommandLineParser&)>& body);

// Runs `step`, a core call on values taken from the command line: its ConfigError becomes a
// UsageError (usage, exit 2).
template <typename Step>
auto fromArguments(Step&& step)
{
    try {
        return step();
    } catch (const ConfigError& error) {
        throw UsageError(error.what());
    }
}

// The option a renamed option is read from: `current` unless only its old spelling was
// typed, which still works and is noted as deprecated on err (scripts keep running).
QString renamedOption(const QCommandLineParser& parser, const QString& current, const QString& old, std::ostream& err);

// Number option helpers: the whole text must be the number (no trailing "abc", no wrap-around
// of 4294967296 into an int); otherwise UsageError naming the option, the accepted range and
// (a short prefix of) what was typed.
double doubleOption(const QCommandLineParser& parser, const QString& name);
long longOption(const QCommandLineParser& parser, const QString& name, long minimum = 0,
                long maximum = std::numeric_limits<int>::max());
// Seeds take every 64-bit value written out, and nothing negative (-1 is not 2^64 - 1).
std::uint64_t seedOption(const QCommandLineParser& parser, const QString& name);

// At most this many characters of a typed value are quoted back.
inline constexpr int kQuotedArgumentLength = 40;
QString quotedArgument(const QString& text);

// Error messages are printed with at most this many bytes: some of the core's messages quote
// a bad value whole (a name of ten million characters read from a file). A longer one keeps
// its start, which names the file and the field, and its end.
inline constexpr std::size_t kMaxMessageLength = 600;
std::string boundedMessage(const std::string& message);

// "unknown command 'trian'; did you mean 'train'?" (or the list of commands when nothing is
// close): for main, which exits 2 after it.
std::string unknownCommandMessage(const std::string& typed, const std::vector<std::string>& commands);

} // namespace ss::cli

