// The training the window benchmarks measure: Fashion-MNIST (784-256-128-10, batch 128,
// Adam) when the Debian package is installed, else the largest bundled set, at full speed.
#pragma once

#include "controls/ControlState.h"

#include "data/DatasetCatalog.h"

#include <string>
#include <vector>

namespace ss::bench {

// `datasetName` empty: the default above, written back.
inline ControlState benchTraining(std::string& datasetName)
{
    ControlState state;
    if (datasetName.empty())
        datasetName = fashionMnistAvailable() ? "fashion-mnist" : "digits";
    state.dataset.nameOrPath = datasetName;
    state.dataset.samples = 0;
    state.dataset.noise = -1.0;
    state.model.hidden = datasetName == "fashion-mnist" ? std::vector<int>{256, 128} : std::vector<int>{64, 32};
    state.optimizer = OptimizerKind::Adam;
    state.learningRate = 1e-3;
    state.batchSize = 128;
    state.lambda = 0.0;
    state.pace = 0.0;
    state.epochLimit = 0;
    return state;
}

} // namespace ss::bench
