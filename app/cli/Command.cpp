#include "cli/Command.h"

#include "common/Error.h"

#include <algorithm>
#include <charconv>
#include <ostream>

namespace ss::cli {

const std::vector<CommandInfo>& headlessCommands()
{
    static const std::vector<CommandInfo> commands = {
        {"train", "train a model and print its history and test metrics as JSON", &runTrain},
        {"metrics", "metrics of y_true,y_pred columns in a CSV file, as JSON", &runMetrics},
        {"prune", "prune (and quantize, fine-tune) a saved model; metrics, sparsity and efficiency as JSON", &runPrune},
        {"scan", "accuracy and F1 of a saved model at ~100 sparsity levels, as CSV", &runScan},
        {"sweep", "a grid of lambda, sparsity and bits (optionally cross-validated) with Pareto fronts", &runSweep},
        {"path", "exact L1 / elastic-net logistic regression along a lambda path (as glmnet), as JSON", &runPath},
        {"demo", "train the default dataset and model and write the results to a folder", &runDemo},
    };
    return commands;
}

const CommandInfo* findHeadlessCommand(const QString& name)
{
    for (const CommandInfo& command : headlessCommands())
        if (name == QLatin1String(command.name))
            return &command;
    return nullptr;
}

int runCommand(const QStringList& arguments, CommandStreams streams, const QString& description,
               const std::function<void(QCommandLineParser&)>& addOptions,
               const std::function<int(const QCommandLineParser&)>& body)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    parser.addOption(help);
    addOptions(parser);
    // Qt's first help line names the executable's path; ours names the subcommand.
    const auto helpText = [&] {
        const QString text = parser.helpText();
        return ("Usage: sparsescope " + arguments.value(0) + " [options]" + text.mid(text.indexOf('\n'))).toStdString();
    };
    const auto usage = [&](const QString& problem) {
        streams.err << arguments.value(0).toStdString() << ": " << problem.toStdString() << "\n\n" << helpText();
        return ExitUsage;
    };
    if (!parser.parse(arguments))
        return usage(parser.errorText());
    if (parser.isSet(help)) {
        streams.out << helpText();
        return ExitSuccess;
    }
    if (!parser.positionalArguments().isEmpty())
        return usage("unexpected argument '" + parser.positionalArguments().first() + "'");
    try {
        return body(parser);
    } catch (const UsageError& error) {
        return usage(QString::fromStdString(boundedMessage(error.what())));
    } catch (const std::exception& error) {
        streams.err << arguments.value(0).toStdString() << ": " << boundedMessage(error.what()) << '\n';
        return ExitFailure;
    }
}

QString renamedOption(const QCommandLineParser& parser, const QString& current, const QString& old, std::ostream& err)
{
    if (parser.isSet(current) || !parser.isSet(old))
        return current;
    err << "warning: --" << old.toStdString() << " is deprecated here and will be removed; use --"
        << current.toStdString() << '\n';
    return old;
}

std::string boundedMessage(const std::string& message)
{
    if (message.size() <= kMaxMessageLength)
        return message;
    // Cut on UTF-8 boundaries: back up over continuation bytes.
    const auto boundary = [&](std::size_t at) {
        while (at > 0 && (static_cast<unsigned char>(message[at]) & 0xC0) == 0x80)
            --at;
        return at;
    };
    const std::size_t head = boundary(kMaxMessageLength - 100);
    const std::size_t tail = boundary(message.size() - 100);
    return message.substr(0, head) + "... (" + std::to_string(tail - head) + " bytes left out) ..." + message.substr(tail);
}

QString quotedArgument(const QString& text)
{
    return "'" + (text.size() <= kQuotedArgumentLength ? text : text.left(kQuotedArgumentLength - 3) + "...") + "'";
}

double doubleOption(const QCommandLineParser& parser, const QString& name)
{
    bool ok = false;
    const QString text = parser.value(name);
    const double value = text.trimmed().toDouble(&ok);
    if (!ok)
        throw UsageError(("--" + name + " expects a number, not " + quotedArgument(text)).toStdString());
    return value;
}

namespace {

// The typed digits, without surrounding spaces and one leading '+'; empty if anything else is there.
std::string digitsOf(const QString& text, bool allowMinus)
{
    std::string digits = text.trimmed().toStdString();
    if (!digits.empty() && digits[0] == '+')
        digits.erase(0, 1);
    const std::size_t start = allowMinus && !digits.empty() && digits[0] == '-' ? 1 : 0;
    if (digits.size() == start || digits.find_first_not_of("0123456789", start) != std::string::npos)
        return {};
    return digits;
}

} // namespace

long longOption(const QCommandLineParser& parser, const QString& name, long minimum, long maximum)
{
    const QString text = parser.value(name);
    const std::string digits = digitsOf(text, minimum < 0);
    long value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    const bool whole = !digits.empty() && error == std::errc() && end == digits.data() + digits.size();
    if (!whole || value < minimum || value > maximum)
        throw UsageError(("--" + name + " expects a whole number in [" + QString::number(minimum) + ", "
                          + QString::number(maximum) + "], not " + quotedArgument(text))
                             .toStdString());
    return value;
}

std::uint64_t seedOption(const QCommandLineParser& parser, const QString& name)
{
    const QString text = parser.value(name);
    const std::string digits = digitsOf(text, false);
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size())
        throw UsageError(("--" + name + " expects a whole number in [0, "
                          + QString::number(std::numeric_limits<std::uint64_t>::max()) + "], not "
                          + quotedArgument(text))
                             .toStdString());
    return value;
}

namespace {

// Optimal string alignment distance: edits plus swaps of neighbours ("trian" is 1 from "train").
std::size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

} // namespace

std::string unknownCommandMessage(const std::string& typed, const std::vector<std::string>& commands)
{
    const std::string shown = quotedArgument(QString::fromStdString(typed)).toStdString();
    // Only short words are compared: the distance table is quadratic in the length.
    const std::string* best = nullptr;
    std::size_t bestDistance = 0;
    if (typed.size() <= 64)
        for (const std::string& command : commands) {
            const std::size_t distance = editDistance(typed, command);
            if (!best || distance < bestDistance) {
                best = &command;
                bestDistance = distance;
            }
        }
    // Two edits at most, and fewer than half the letters: "xyz" is not a typo of "sweep".
    if (best && bestDistance <= 2 && 2 * bestDistance < best->size())
        return "unknown command " + shown + "; did you mean '" + *best + "'?";
    std::string list;
    for (std::size_t i = 0; i < commands.size(); ++i)
        list += (i == 0 ? "" : ", ") + commands[i];
    return "unknown command " + shown + "; commands: " + list;
}

} // namespace ss::cli
