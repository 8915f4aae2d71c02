#pragma once
// Options shared by the commands that load data and train (train, prune, scan, sweep).

#include "data/DatasetCatalog.h"
#include "nn/Network.h"
#include "nn/TrainingConfig.h"

#include <QCommandLineParser>

namespace ss::cli {

void addDatasetOptions(QCommandLineParser& parser);
DatasetRequest datasetRequestFrom(const QCommandLineParser& parser);

void addModelOptions(QCommandLineParser& parser);
// The architecture for data with `inputs` features and `classes` classes.
Architecture architectureFrom(const QCommandLineParser& parser, int inputs, int classes);

// withPenalties = false leaves out --l1/--l2 for commands that take lists of them (sweep).
void addTrainingOptions(QCommandLineParser& parser, bool withPenalties = true);
TrainingConfig trainingConfigFrom(const QCommandLineParser& parser, bool withPenalties = true);

} // namespace ss::cli
