#include "cli/Command.h"
#include "cli/CompressionOptions.h"

#include "common/Error.h"
#include "data/CsvReader.h"
#include "metrics/Metrics.h"
#include "eval/Reports.h"

#include <algorithm>
#include <ostream>
#include <unordered_map>

namespace ss::cli {

namespace {

// Column positions of y_true and y_pred: by header name when the first row names them,
// otherwise the first two columns of a header-less file.
struct LabelColumns {
    std::size_t truth = 0;
    std::size_t predicted = 1;
    bool header = false;
};

LabelColumns findLabelColumns(const CsvTable& table, const std::string& path, const QString& truthName,
                              const QString& predictedName)
{
    const std::vector<std::string>& first = table.rows.front();
    const auto find = [&](const QString& name) {
        return std::find(first.begin(), first.end(), name.toStdString()) - first.begin();
    };
    LabelColumns columns;
    const auto truth = static_cast<std::size_t>(find(truthName));
    const auto predicted = static_cast<std::size_t>(find(predictedName));
    if (truth < first.size() && predicted < first.size()) {
        columns = {truth, predicted, true};
    } else if (truth < first.size() || predicted < first.size()) {
        const QString missing = truth < first.size() ? predictedName : truthName;
        throw InputError(path, table.lines.front(), 0, "the header has no column named '" + missing.toStdString() + "'");
    }
    if (first.size() < 2)
        throw InputError(path, table.lines.front(), 0, "expected two columns, y_true and y_pred");
    return columns;
}

} // namespace

int runMetrics(const QStringList& arguments, CommandStreams streams)
{
    return runCommand(
        arguments, streams,
        "Read true and predicted labels (numbers or names) from a CSV file and print accuracy, per-class and "
        "averaged precision/recall/F1 and the confusion matrix as JSON.",
        [](QCommandLineParser& parser) {
            parser.addOption({"csv", "CSV file with a y_true and a y_pred column (or two unnamed columns).", "FILE"});
            parser.addOption({"true-column", "Header name of the true labels.", "NAME", "y_true"});
            parser.addOption({"pred-column", "Header name of the predicted labels.", "NAME", "y_pred"});
            addPositiveClassOption(parser);
        },
        [&](const QCommandLineParser& parser) {
            if (!parser.isSet("csv"))
                throw UsageError("--csv FILE is required");
            const std::string path = parser.value("csv").toStdString();
            const CsvTable table = readCsvTableFile(path);
            const LabelColumns columns =
                findLabelColumns(table, path, parser.value("true-column"), parser.value("pred-column"));

            // Both columns share one set of classes, so "cat" means the same class in each.
            std::vector<std::string> distinct;
            std::unordered_map<std::string, int> idOf;
            std::vector<int> truthIds, predictedIds;
            for (std::size_t r = columns.header ? 1 : 0; r < table.rows.size(); ++r) {
                for (const std::size_t c : {columns.truth, columns.predicted}) {
                    const std::string& text = table.rows[r][c];
                    if (text.empty())
                        throw InputError(path, table.lines[r], static_cast<int>(c + 1), "empty label cell");
                    const auto [it, inserted] = idOf.try_emplace(text, static_cast<int>(distinct.size()));
                    if (inserted)
                        distinct.push_back(text);
                    (c == columns.truth ? truthIds : predictedIds).push_back(it->second);
                }
            }
            if (truthIds.empty())
                throw InputError(path, table.lines.back() + 1, 0, "header only: no label rows");
            const ClassCoding coding = codeClasses(distinct);
            Labels truth, predicted;
            for (std::size_t i = 0; i < truthIds.size(); ++i) {
                truth.push_back(coding.classOf[static_cast<std::size_t>(truthIds[i])]);
                predicted.push_back(coding.classOf[static_cast<std::size_t>(predictedIds[i])]);
            }
            const int classCount = std::max<int>(2, static_cast<int>(coding.classNames.size()));
            std::vector<std::string> names = coding.classNames;
            names.resize(static_cast<std::size_t>(classCount), "(absent)");
            ClassificationReport report = classificationReport(truth, predicted, classCount);
            applyPositiveClass(parser, report, names);
            streams.out << toJson(report, names).dump(2) << '\n';
            return ExitSuccess;
        });
}

} // namespace ss::cli
