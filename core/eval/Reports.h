#pragma once
// Machine-readable forms of the core's results: the JSON the headless commands print and
// the session files embed. One function per result type, shared by every caller.

#include "eval/Metrics.h"
#include "eval/WeightStatistics.h"
#include "nn/Trainer.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ss {

// Confusion matrix (rows true, columns predicted), accuracy, per-class and averaged
// precision/recall/F1 with support; class names label the per-class entries.
nlohmann::json toJson(const ClassificationReport& report, const std::vector<std::string>& classNames);
nlohmann::json toJson(const WeightStatistics& statistics);
nlohmann::json toJson(const TrainingReport& report);

// Writes text to path atomically: a temporary file in the same folder, then a rename, so a
// failed write leaves any old file intact. Throws InputError naming the path on failure.
void writeFileAtomically(const std::string& path, const std::string& contents);

} // namespace ss
