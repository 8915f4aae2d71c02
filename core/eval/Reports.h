#pragma once
// Machine-readable forms of the core's results: the JSON the headless commands print and
// the session files embed. One function per result type, shared by every caller.

#include "compress/Efficiency.h"
#include "compress/Pruning.h"
#include "eval/InstantEvaluator.h"
#include "common/JsonReader.h"
#include "metrics/Metrics.h"
#include "eval/PruneScan.h"
#include "eval/Sweep.h"
#include "nn/WeightStatistics.h"
#include "nn/Trainer.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ss {

// Confusion matrix (rows true, columns predicted), accuracy, per-class and averaged
// precision/recall/F1 with support; class names label the per-class entries. A binary report
// also carries its headline: positive_class (its name), positive_class_index,
// positive_class_rule ("chosen", "named", "minority", "second") and that class's
// precision, recall and F1; a report with no chosen class quotes defaultPositiveClass over
// the class names and the report's supports.
nlohmann::json toJson(const ClassificationReport& report, const std::vector<std::string>& classNames);
nlohmann::json toJson(const WeightStatistics& statistics);
nlohmann::json toJson(const TrainingReport& report);

// Compression results (issue 3). Numbers are plain JSON numbers; sparsities are fractions.
nlohmann::json toJson(const EfficiencyEstimate& estimate);
nlohmann::json toJson(const PruningResult& result);
nlohmann::json toJson(const StructuredPruningResult& result);
// Metrics, log loss, precision, pruning, weight statistics (all and per layer), efficiency,
// the dense fp32 estimate and the ratios against it (size and energy fractions, MACs).
nlohmann::json toJson(const Evaluation& evaluation, const std::vector<std::string>& classNames);
nlohmann::json toJson(const PruneScanResult& scan);
nlohmann::json toJson(const SweepResult& sweep);

// CSV with a header row, one line per point (series "all", then "layer 1", "layer 2", ... for
// per-layer sensitivity) or per sweep configuration; numbers in shortest round-trip form.
std::string scanCsv(const PruneScanResult& scan);
std::string sweepCsv(const SweepResult& sweep);
void writeScanCsv(const std::string& path, const PruneScanResult& scan);
void writeSweepCsv(const std::string& path, const SweepResult& sweep);
void writeSweepJson(const std::string& path, const SweepResult& sweep);
// The inverse of toJson(TrainingReport), for session files: every field is checked, errors
// name reader's file and `path` (e.g. "history[3].test_accuracy: expected a number").
// Figures that were not finite are written by toJson as null and read back as NaN.
TrainingReport trainingReportFromJson(const nlohmann::json& json, const JsonReader& reader, const std::string& path);
// Inverses of toJson(PruneScanResult) and toJson(SweepResult), for session files, with the
// same checks and null-as-NaN rule. layerCount >= 0 also checks the sensitivity layers.
PruneScanResult pruneScanFromJson(const nlohmann::json& json, const JsonReader& reader, const std::string& path,
                                  int layerCount = -1);
SweepResult sweepFromJson(const nlohmann::json& json, const JsonReader& reader, const std::string& path);
// The inverse of QuantizationSpec::label() ("int4 per row", "bf16", "ternary", ...).
// Throws ConfigError for other text.
QuantizationSpec quantizationFromLabel(const std::string& label);

} // namespace ss
