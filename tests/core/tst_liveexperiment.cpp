// The live experiment without a thread or Qt: driven batch by batch and slice by slice on a
// manual clock, so that the slice scheduling, the drag throttle, the history points and
// the order of the events are checked exactly.
#include "eval/ReferenceEvaluation.h"
#include "session/LiveExperiment.h"

#include <QtTest>

#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#include "../common/TrainingFixtures.h"

using namespace ss;

namespace {

// Time moves only when the test says so, or by a fixed cost per training step of the
// experiment it watches (the one thing a slice spends time on).
class ManualClock : public LiveClock {
public:
    double now() const override
    {
        if (m_watched) {
            const long steps = m_watched->steps();
            if (steps > m_stepsCharged)
                m_now += static_cast<double>(steps - m_stepsCharged) * m_secondsPerStep;
            m_stepsCharged = steps;
        }
        return m_now;
    }
    void waitFor(double seconds) override
    {
        waited += seconds;
        m_now += seconds;
    }
    void advance(double seconds) { m_now += seconds; }
    void chargeSteps(const LiveExperiment& experiment, double secondsPerStep)
    {
        now(); // steps taken so far were at the old cost
        m_watched = &experiment;
        m_secondsPerStep = secondsPerStep;
        m_stepsCharged = experiment.steps();
    }

    double waited = 0;

private:
    mutable double m_now = 1000.0;
    mutable long m_stepsCharged = 0;
    const LiveExperiment* m_watched = nullptr;
    double m_secondsPerStep = 0;
};

// Everything the experiment says, in order.
class Recorder : public LiveExperimentEvents {
public:
    void snapshotReady(SnapshotPtr snapshot) override
    {
        log.push_back("snapshot " + std::to_string(snapshot->generation));
        snapshots.push_back(std::move(snapshot));
    }
    void problem(LiveProblem kind, const std::string& title, const std::string& message) override
    {
        log.push_back("problem " + title);
        problems.emplace_back(kind, title + ": " + message);
    }
    void busy(const std::string& what) override { log.push_back("busy " + what); }
    void restoreFinished(std::uint64_t generation, bool ok, const std::string& message) override
    {
        log.push_back("restore " + std::to_string(generation) + (ok ? " ok" : " failed"));
        restoreMessages.push_back(message);
    }

    std::vector<std::string> log;
    std::vector<SnapshotPtr> snapshots;
    std::vector<std::pair<LiveProblem, std::string>> problems;
    std::vector<std::string> restoreMessages;
};

// The experiment under test with the clock it runs on and the recorder of what it says.
struct ExperimentRig {
    ManualClock clock;
    Recorder events;
    LiveExperiment experiment{events, clock};
};

DatasetRequest moons(int samples)
{
    return test::moonsRequest(samples, 0.2, 4);
}

TrainingConfig adam(int batch)
{
    return test::adam(0.01, batch);
}

ModelSpec mlp(std::vector<int> hidden)
{
    ModelSpec model;
    model.hidden = std::move(hidden);
    return model;
}

LiveCommands batch(std::uint64_t generation)
{
    LiveCommands commands;
    commands.any = true;
    commands.generation = generation;
    return commands;
}

// The first batch the app sends: data, model and settings at once.
LiveCommands loadBatch(int samples, int batchSize, std::uint64_t generation = 1)
{
    LiveCommands commands = batch(generation);
    commands.dataset = moons(samples);
    commands.model = mlp({8});
    commands.training = adam(batchSize);
    return commands;
}

// Training on 4000 moons a sample a step (3200 steps an epoch), as when the app loads and
// Train is pressed.
void startTraining(LiveExperiment& experiment)
{
    LiveCommands load = loadBatch(4000, 1);
    load.running = true;
    experiment.process(load);
}

// Training as above, each step costing 1 ms on the clock, after the four slices that settle
// the slice length at 12 steps (kSliceSeconds).
void startTimedTraining(ManualClock& clock, LiveExperiment& experiment)
{
    startTraining(experiment);
    clock.chargeSteps(experiment, 0.001);
    for (int i = 0; i < 4; ++i)
        experiment.trainSlice();
}

// A threshold slider's position, alone in its batch.
LiveCommands thresholdMove(std::uint64_t generation, double threshold)
{
    LiveCommands move = batch(generation);
    CompressionSetting setting;
    setting.pruning.criterion = PruningSpec::Criterion::Threshold;
    setting.pruning.threshold = threshold;
    move.compression = setting;
    return move;
}

// Runs slices until training stops; false if it does not within `maxSlices`.
bool trainUntilStopped(LiveExperiment& experiment, int maxSlices)
{
    for (int i = 0; i < maxSlices && experiment.wantsTraining(); ++i)
        experiment.trainSlice();
    return !experiment.wantsTraining();
}

} // namespace

class TestLiveExperiment : public QObject {
    Q_OBJECT

private slots:
    void loadingReportsBusyThenTheFirstSnapshot()
    {
        ExperimentRig rig;
        auto& [clock, events, experiment] = rig;
        LiveCommands commands = loadBatch(300, 16);
        experiment.process(commands);
        const std::vector<std::string> expected = {"busy Loading moons\u2026", "busy ", "snapshot 1"};
        QCOMPARE(events.log, expected);
        const Snapshot& s = *events.snapshots.back();
        QCOMPARE(s.reason, Snapshot::Reason::Data);
        QCOMPARE(s.steps, 0L);
        QVERIFY(s.boundary);
        QCOMPARE(s.history->size(), std::size_t{1});
        QVERIFY(!experiment.wantsTraining());
    }

    // Each step costs 1 ms of the clock: the slices grow by at most 4x at a time to the
    // 12 steps that fill kSliceSeconds, shrink when steps get dearer, and stay within it.
    void slicesSettleAtTheirTimeBudget()
    {
        ExperimentRig rig;
        auto& [clock, events, experiment] = rig;
        LiveCommands load = loadBatch(4000, 1); // 3200 steps an epoch: no slice ends at an epoch's end
        experiment.process(load);
        LiveCommands train = batch(2);
        train.running = true;
        experiment.process(train);
        QVERIFY(experiment.wantsTraining());
        clock.chargeSteps(experiment, 0.001);

        const auto slice = [&] {
            const long before = experiment.steps();
            experiment.trainSlice();
            return experiment.steps() - before;
        };
        std::vector<long> taken;
        for (int i = 0; i < 5; ++i)
            taken.push_back(slice());
        QCOMPARE(taken, (std::vector<long>{1, 4, 12, 12, 12}));
        QCOMPARE(static_cast<double>(taken.back()) * 0.001, LiveExperiment::kSliceSeconds);

        clock.chargeSteps(experiment, 0.004); // four times dearer
        taken.clear();
        for (int i = 0; i < 3; ++i)
            taken.push_back(slice());
        QCOMPARE(taken, (std::vector<long>{12, 3, 3}));

        clock.chargeSteps(experiment, 0.0001); // forty times cheaper: 4x per slice at most
        taken.clear();
        for (int i = 0; i < 4; ++i)
            taken.push_back(slice());
        QCOMPARE(taken, (std::vector<long>{3, 12, 48, 120}));
        QCOMPARE(experiment.stepsPerSlice(), 120L);
    }

    // While a command waits, a slice takes one step and hands back, whatever its budget.
    void aWaitingCommandEndsASliceAfterOneStep()
    {
        ManualClock clock;
        Recorder events;
        std::atomic<bool> commandWaiting{false};
        LiveExperiment experiment(events, clock, &commandWaiting);
        startTimedTraining(clock, experiment);
        QCOMPARE(experiment.stepsPerSlice(), 12L);
        commandWaiting = true;
        const long before = experiment.steps();
        experiment.trainSlice();
        QCOMPARE(experiment.steps() - before, 1L);
    }

    // A threshold drag while training holds training: each position is shown at once, on
    // the weights the hand found (the evaluator's numbers equal a from-scratch evaluation of
    // them), and no step is taken while the hand is on the slider.
    void aDragWhileTrainingIsShownAtOnceOnWeightsThatStandStill()
    {
        ExperimentRig rig;
        auto& [clock, events, experiment] = rig;
        startTimedTraining(clock, experiment);
        const long stepsAtDrag = experiment.steps();
        QVERIFY(stepsAtDrag > 0);

        for (int move = 1; move <= 3; ++move) {
            LiveCommands drag = thresholdMove(static_cast<std::uint64_t>(move + 1), 0.05 * move);
            const CompressionSetting setting = *drag.compression;
            const std::size_t before = events.snapshots.size();
            experiment.process(drag);
            QCOMPARE(events.snapshots.size(), before + 1);
            const Snapshot& s = *events.snapshots.back();
            QCOMPARE(s.reason, Snapshot::Reason::Compression);
            QCOMPARE(s.generation, static_cast<std::uint64_t>(move + 1));
            QVERIFY(s.compression == setting);
            QVERIFY(s.running);
            QVERIFY(s.heldForDrag);
            QCOMPARE(s.steps, stepsAtDrag);
            const Evaluation reference = evaluateFully(*s.trained, s.data->split.test, setting);
            QCOMPARE(s.evaluation.report.accuracy, reference.report.accuracy);
            QCOMPARE(s.evaluation.weights.zeroWeights, reference.weights.zeroWeights);
            clock.advance(0.02);  // the next move comes a frame later
        }
        experiment.trainSlice();  // the hand has been still for 20 ms: training still waits
        QCOMPARE(experiment.steps(), stepsAtDrag);
    }

    // Once the hand has been still for the hold (250 ms), training goes on; its next report
    // evaluates the weights that training moved, and its speed leaves the hold out.
    void trainingResumesOnceTheHandHasBeenStill()
    {
        ExperimentRig rig;
        auto& [clock, events, experiment] = rig;
        startTimedTraining(clock, experiment);

        LiveCommands drag = thresholdMove(2, 0.05);
        const CompressionSetting setting = *drag.compression;
        experiment.process(drag);
        const long stepsAtDrag = experiment.steps();
        const double dragAt = clock.now();

        experiment.trainSlice();  // waits out the hold on the clock, takes no step
        QCOMPARE(experiment.steps(), stepsAtDrag);
        QVERIFY2(std::abs(clock.now() - dragAt - 0.25) < 1e-9, qPrintable(QString::number(clock.now() - dragAt)));

        const std::size_t before = events.snapshots.size();
        for (int i = 0; i < 20 && events.snapshots.size() == before; ++i)
            experiment.trainSlice();
        QVERIFY(experiment.steps() > stepsAtDrag);
        QCOMPARE(events.snapshots.size(), before + 1);
        const Snapshot& report = *events.snapshots.back();
        QCOMPARE(report.reason, Snapshot::Reason::Report);
        QVERIFY(!report.heldForDrag);
        QVERIFY(report.compression == setting);
        QCOMPARE(report.steps, experiment.steps());
        // Every second on this clock but the hold is a step's 1 ms: 1000 steps/s.
        QVERIFY2(std::abs(report.stepsPerSecond - 1000.0) < 1.0, qPrintable(QString::number(report.stepsPerSecond)));
    }

    // The hold counts from when the hand moved: a position that waited 200 ms for an
    // evaluation to end holds training for the 50 ms left.
    void aDragPostedDuringAnEvaluationCountsItsHoldFromItsPost()
    {
        ExperimentRig rig;
        auto& [clock, events, experiment] = rig;
        startTraining(experiment);
        LiveCommands drag = thresholdMove(2, 0.05);
        const CompressionSetting setting = *drag.compression;
        drag.postedAt = clock.now() - 0.2;
        experiment.process(drag);
        QCOMPARE(events.snapshots.size(), std::size_t{2});
        QVERIFY(events.snapshots.back()->compression == setting);
        const double waitedBefore = clock.waited;
        experiment.trainSlice();
        QVERIFY2(std::abs(clock.waited - waitedBefore - 0.05) < 1e-9, qPrintable(QString::number(clock.waited - waitedBefore)));
    }

    // A hand that keeps moving (a position every 10 ms) keeps training held, and each
    // position is shown; once it stops, training goes on.
    void aContinuousDragShowsEachPositionAndHoldsTraining()
    {
        ExperimentRig rig;
        auto& [clock, events, experiment] = rig;
        startTraining(experiment);
        const long stepsBefore = experiment.steps();
        for (int move = 1; move <= 40; ++move) {
            clock.advance(0.01);
            LiveCommands drag = thresholdMove(static_cast<std::uint64_t>(move + 1), 0.01 * move);
            experiment.process(drag);
            QVERIFY(events.snapshots.back()->compression == *drag.compression);
        }
        QCOMPARE(events.snapshots.size(), std::size_t{1 + 40});
        QCOMPARE(experiment.steps(), stepsBefore);
        for (int i = 0; i < 3; ++i)
            experiment.trainSlice(); // the first waits out the hold
        QVERIFY(experiment.steps() > stepsBefore);
    }

    // A newer command waits while a position is processed moments after the last snapshot:
    // that position gives way, and the newer one is evaluated.
    void aDragPositionGivesWayToANewerCommand()
    {
        ManualClock clock;
        Recorder events;
        std::atomic<bool> commandWaiting{false};
        LiveExperiment experiment(events, clock, &commandWaiting);
        startTraining(experiment);
        LiveCommands drag = thresholdMove(2, 0.05);
        commandWaiting = true;    // the next position has arrived
        experiment.process(drag);
        QCOMPARE(events.snapshots.size(), std::size_t{1});
        commandWaiting = false;
        LiveCommands next = thresholdMove(3, 0.06);
        experiment.process(next);
        QCOMPARE(events.snapshots.size(), std::size_t{2});
        QCOMPARE(events.snapshots.back()->generation, std::uint64_t{3});
        QVERIFY(events.snapshots.back()->compression == *next.compression);
    }

    // On a clock that stands still no report is due, so the curves get exactly the points
    // training owes them: the start and each epoch's end, the last with the Stopped report.
    void historyHasAPointAtEachEpochsEnd()
    {
        ExperimentRig rig;
        auto& [clock, events, experiment] = rig;
        LiveCommands load = loadBatch(300, 32);
        load.epochLimit = 3;
        load.running = true;
        experiment.process(load);
        QVERIFY(trainUntilStopped(experiment, 1000));
        QCOMPARE(events.snapshots.size(), std::size_t{2});
        const Snapshot& s = *events.snapshots.back();
        QCOMPARE(s.reason, Snapshot::Reason::Stopped);
        QCOMPARE(s.epoch, 3);
        QCOMPARE(s.epochProgress, 3.0);
        std::vector<double> epochs;
        for (const HistoryPoint& point : *s.history)
            epochs.push_back(point.epoch);
        QCOMPARE(epochs, (std::vector<double>{0, 1, 2, 3}));
    }

    // The pace is held by waiting on the clock: 2 epochs a second for 3 epochs is 1.5 s.
    void aPaceIsHeldByWaitingOnTheClock()
    {
        ExperimentRig rig;
        auto& [clock, events, experiment] = rig;
        LiveCommands load = loadBatch(300, 32);
        load.epochLimit = 3;
        load.pace = 2.0;
        load.running = true;
        experiment.process(load);
        QVERIFY(trainUntilStopped(experiment, 1000));
        QCOMPARE(experiment.epoch(), 3);
        // The last slice stops training and does not wait.
        QVERIFY2(clock.waited > 1.3 && clock.waited < 1.5 + 1e-9, qPrintable(QString::number(clock.waited)));
    }

    // A command merged into the batch after a restore raises the batch's generation; the
    // restore's outcome still names the restore's own.
    void restoreCarriesItsOwnGeneration()
    {
        ExperimentRig rig;
        auto& [clock, events, experiment] = rig;
        RestoreRequest request;
        request.dataset = moons(300);
        request.model = mlp({8});
        request.training = adam(16);
        request.epoch = 5;
        LiveCommands commands = batch(1);
        commands.training = adam(64);      // before the restore: void
        commands.setRestore(request, 1);
        QVERIFY(!commands.training);
        commands.generation = 2;            // a pace change merged after it
        commands.pace = 20.0;
        experiment.process(commands);
        const std::vector<std::string> expected = {"busy Loading moons\u2026", "busy ", "restore 1 ok", "snapshot 2"};
        QCOMPARE(events.log, expected);
        const Snapshot& s = *events.snapshots.back();
        QCOMPARE(s.reason, Snapshot::Reason::Data);
        QCOMPARE(s.epoch, 5);
        QCOMPARE(s.training.batchSize, 16);
        QVERIFY(!s.running);
    }

    void aFailedRestoreChangesNothing()
    {
        ExperimentRig rig;
        auto& [clock, events, experiment] = rig;
        LiveCommands load = loadBatch(300, 16);
        experiment.process(load);
        const SnapshotPtr before = events.snapshots.back();
        RestoreRequest request;
        request.dataset.nameOrPath = "/nonexistent/folder/data.csv";
        request.model = mlp({8});
        LiveCommands commands = batch(2);
        commands.setRestore(request, 2);
        commands.snapshot = true;
        experiment.process(commands);
        QCOMPARE(events.log[events.log.size() - 2], std::string("restore 2 failed"));
        QVERIFY2(events.restoreMessages.back().find("data.csv") != std::string::npos, events.restoreMessages.back().c_str());
        const Snapshot& after = *events.snapshots.back();
        QCOMPARE(after.generation, std::uint64_t{2});
        QVERIFY(after.data == before->data);
        QCOMPARE(after.modelGeneration, before->modelGeneration);
    }

    void problemsComeAsEventsAndKeepThePreviousState()
    {
        ExperimentRig rig;
        auto& [clock, events, experiment] = rig;
        LiveCommands load = loadBatch(300, 16);
        experiment.process(load);
        LiveCommands bad = batch(2);
        TrainingConfig negative = adam(16);
        negative.optimizer.learningRate = -1.0;
        bad.training = negative;
        bad.snapshot = true;
        experiment.process(bad);
        QCOMPARE(events.problems.size(), std::size_t{1});
        QVERIFY(events.problems[0].first == LiveProblem::Settings);
        QCOMPARE(events.snapshots.back()->training.optimizer.learningRate, 0.01);
        QCOMPARE(events.snapshots.back()->generation, std::uint64_t{2});
    }

    // Abort ends long work between pieces: a batch of single steps takes none once it is set.
    void abortStopsSteppingAtOnce()
    {
        ManualClock clock;
        Recorder events;
        std::atomic<bool> abort{false};
        LiveExperiment experiment(events, clock, nullptr, &abort);
        LiveCommands load = loadBatch(300, 16);
        experiment.process(load);
        abort = true;
        LiveCommands steps = batch(2);
        steps.steps = 1000;
        experiment.process(steps);
        QCOMPARE(experiment.steps(), 0L);
    }
};

QTEST_APPLESS_MAIN(TestLiveExperiment)
#include "tst_liveexperiment.moc"
