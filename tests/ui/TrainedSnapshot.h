// Drives the core's live experiment without a thread or a window: loads a dataset, trains a
// few epochs, optionally does the idle work (as the engine does while paused), and returns
// the last snapshot. Problems the experiment reports are printed as warnings.
#pragma once

#include "session/LiveExperiment.h"

#include <QStringList>
#include <QtTest>

#include <string>
#include <vector>

namespace ss::testing {

class SnapshotCollector : public LiveExperimentEvents {
public:
    void snapshotReady(SnapshotPtr snapshot) override { latest = std::move(snapshot); }
    void problem(LiveProblem, const std::string& title, const std::string& message) override
    {
        problems += QString::fromStdString(title + ": " + message);
    }
    void busy(const std::string&) override {}
    void restoreFinished(std::uint64_t, bool, const std::string&) override {}
    SnapshotPtr latest;
    QStringList problems;
};

inline SnapshotPtr trainedSnapshot(const std::string& dataset, const std::vector<int>& hidden,
                                   const TrainingConfig& training, int epochs, bool doIdleWork)
{
    SnapshotCollector events;
    SteadyLiveClock clock;
    LiveExperiment experiment(events, clock);
    LiveCommands commands;
    commands.any = true;
    commands.generation = 1;
    DatasetRequest data;
    data.nameOrPath = dataset;
    commands.dataset = data;
    ModelSpec model;
    model.hidden = hidden;
    commands.model = model;
    commands.training = training;
    commands.epochLimit = epochs;
    commands.running = true;
    experiment.process(commands);
    for (int i = 0; i < 100000 && experiment.wantsTraining(); ++i)
        experiment.trainSlice();
    for (int i = 0; doIdleWork && i < 400 && experiment.hasIdleWork(); ++i)
        experiment.doIdleWork();
    if (!events.problems.isEmpty())
        qWarning() << events.problems;
    return events.latest;
}

} // namespace ss::testing
