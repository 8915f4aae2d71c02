#include "eval/Reports.h"

#include "common/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

namespace ss {

namespace {

nlohmann::json toJson(const AveragedScores& scores)
{
    return {{"precision", scores.precision}, {"recall", scores.recall}, {"f1", scores.f1}};
}

std::string className(const std::vector<std::string>& names, int index)
{
    return index < static_cast<int>(names.size()) ? names[static_cast<std::size_t>(index)] : std::to_string(index);
}

} // namespace

nlohmann::json toJson(const ClassificationReport& report, const std::vector<std::string>& classNames)
{
    const ConfusionMatrix& cm = report.confusion;
    nlohmann::json matrix = nlohmann::json::array();
    for (int t = 0; t < cm.classCount(); ++t) {
        nlohmann::json row = nlohmann::json::array();
        for (int p = 0; p < cm.classCount(); ++p)
            row.push_back(cm.count(t, p));
        matrix.push_back(row);
    }
    nlohmann::json perClass = nlohmann::json::array();
    nlohmann::json names = nlohmann::json::array();
    for (int c = 0; c < cm.classCount(); ++c) {
        const ClassScores& s = report.perClass[static_cast<std::size_t>(c)];
        names.push_back(className(classNames, c));
        perClass.push_back({{"class", className(classNames, c)},
                            {"precision", s.precision},
                            {"recall", s.recall},
                            {"f1", s.f1},
                            {"support", s.support},
                            {"predicted", s.predicted},
                            {"no_predictions", s.noPredictions}});
    }
    nlohmann::json json = {{"samples", cm.total()},
                           {"accuracy", report.accuracy},
                           {"classes", names},
                           {"confusion_matrix", matrix},
                           {"per_class", perClass},
                           {"macro", toJson(report.macro)},
                           {"weighted", toJson(report.weighted)},
                           {"micro", toJson(report.micro)}};
    if (report.binary) {
        json["positive_class"] = className(classNames, 1);
        json["precision"] = report.positive.precision;
        json["recall"] = report.positive.recall;
        json["f1"] = report.positive.f1;
    }
    return json;
}

nlohmann::json toJson(const WeightStatistics& s)
{
    return {{"weights", s.weights},
            {"zero_weights", s.zeroWeights},
            {"biases", s.biases},
            {"zero_biases", s.zeroBiases},
            {"sparsity", s.sparsity},
            {"density", s.density},
            {"l1_norm", s.l1Norm},
            {"l2_norm", s.l2Norm},
            {"hoyer", s.hoyer},
            {"mean_abs_weight", s.meanAbsWeight}};
}

nlohmann::json toJson(const TrainingReport& r)
{
    return {{"epoch", r.epoch},
            {"epoch_progress", r.epochProgress},
            {"step", r.step},
            {"train_loss", r.trainLoss},
            {"test_loss", r.testLoss},
            {"train_accuracy", r.trainAccuracy},
            {"test_accuracy", r.testAccuracy},
            {"test_macro_f1", r.testMacroF1},
            {"sparsity", r.sparsity},
            {"seconds", r.seconds}};
}

void writeFileAtomically(const std::string& path, const std::string& contents)
{
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    // A random suffix keeps two writers of the same file from sharing a temporary.
    std::random_device entropy;
    const fs::path temporary = folder / (target.filename().string() + ".tmp" + std::to_string(entropy()));
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out)
            throw InputError(path, 0, 0, std::string("cannot write: ") + std::strerror(errno));
        out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
        out.flush();
        if (!out) {
            const std::string reason = std::strerror(errno);
            out.close();
            std::error_code ignored;
            fs::remove(temporary, ignored);
            throw InputError(path, 0, 0, "write failed: " + reason);
        }
    }
    std::error_code error;
    fs::rename(temporary, target, error);
    if (error) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        throw InputError(path, 0, 0, "cannot replace the file: " + error.message());
    }
}

} // namespace ss
