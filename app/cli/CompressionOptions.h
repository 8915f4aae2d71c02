#pragma once
// Options shared by the commands that start from a saved model (prune, scan) and by sweep.

#include "compress/Efficiency.h"
#include "compress/Quantization.h"
#include "data/DatasetCatalog.h"
#include "metrics/Metrics.h"
#include "nn/ModelFile.h"

#include <QCommandLineParser>

#include <string>
#include <vector>

namespace ss::cli {

struct ModelAndData {
    TrainedModel model;
    PreparedData data;   // scaled with the model's own scaler
    DatasetRequest request; // what data was prepared from (for session files)
};

// --model FILE and the dataset options; the caller adds --seed (with the training options or alone).
void addSavedModelOptions(QCommandLineParser& parser);
// Loads --model FILE and the data it is evaluated on (--dataset, default: the dataset the
// model was trained on), checking that features and classes match the model.
ModelAndData loadModelAndData(const QCommandLineParser& parser);

// --bits: 32, 16/fp16, bf16, 8..2, ternary, binary; --per-row gives the integer formats one
// scale per output row, as the sweep's list does (ternary-row, binary-row for the others).
void addPrecisionOptions(QCommandLineParser& parser);
QuantizationSpec precisionFrom(const QCommandLineParser& parser);

// --sram-kib KIB: the on-chip SRAM assumed for the stored model (default 8192 KiB); the words
// beyond it are read at DRAM cost. The rest of the table is Horowitz's 45 nm figures.
void addEnergyOptions(QCommandLineParser& parser);
EnergyTable energyTableFrom(const QCommandLineParser& parser);

// --positive-class NAME: the class a binary headline reports (a class name, else its index 0
// or 1). Without it the headline uses defaultPositiveClass (a class named 1, true, yes,
// positive, 正 or 阳性, else the minority class) and says which rule chose it.
void addPositiveClassOption(QCommandLineParser& parser);
// Applies --positive-class, when given, to `report`; UsageError naming the classes for an
// unknown class, and for a report that is not binary.
void applyPositiveClass(const QCommandLineParser& parser, ClassificationReport& report,
                        const std::vector<std::string>& classNames);

} // namespace ss::cli
