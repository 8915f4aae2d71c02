// The training view draws the exact optimum's objective and sparsity beside the live curves
// for L1 logistic regression, computed by the live experiment off the GUI thread, and hides
// them, saying why, for a network with hidden layers.
#include "views/TrainingView.h"

#include "session/LiveExperiment.h"

#include <qcustomplot.h>

#include <QtTest>

using namespace ss;

namespace {

class Collector : public LiveExperimentEvents {
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

// Loads breast cancer with the model and an L1 penalty, trains a few epochs, then does the
// idle work (as the app's engine does while paused) until the exact reference has arrived.
SnapshotPtr trainedSnapshot(const std::vector<int>& hidden)
{
    Collector events;
    SteadyLiveClock clock;
    LiveExperiment experiment(events, clock);
    LiveCommands commands;
    commands.any = true;
    commands.generation = 1;
    DatasetRequest data;
    data.nameOrPath = "breast-cancer";
    commands.dataset = data;
    ModelSpec model;
    model.hidden = hidden;
    commands.model = model;
    TrainingConfig training;
    training.regularization.l1 = 0.01;
    commands.training = training;
    commands.epochLimit = 3;
    commands.running = true;
    experiment.process(commands);
    for (int i = 0; i < 100000 && experiment.wantsTraining(); ++i)
        experiment.trainSlice();
    for (int i = 0; i < 400 && experiment.hasIdleWork(); ++i)
        experiment.doIdleWork();
    if (!events.problems.isEmpty())
        qWarning() << events.problems;
    return events.latest;
}

} // namespace

class TestExactReferenceLine : public QObject {
    Q_OBJECT
private slots:
    void shownForL1LogisticRegression()
    {
        const SnapshotPtr snapshot = trainedSnapshot({});
        QVERIFY(snapshot);
        QVERIFY(snapshot->exactReference);
        QCOMPARE(snapshot->exactReference->status, ExactReference::Status::Ready);
        TrainingView view;
        view.resize(1000, 800);
        view.show();
        view.setSnapshot(snapshot);
        view.renderNow();
        QCPGraph* objective = view.exactObjectiveGraph();
        QVERIFY(objective->visible());
        QVERIFY(objective->name().startsWith(QStringLiteral("exact optimum (coordinate descent)")));
        QVERIFY(objective->pen().style() != Qt::SolidLine);
        QVERIFY(view.exactSparsityGraph()->visible());
        QVERIFY(view.plots().front()->legend->hasItemWithPlottable(objective));
        QVERIFY(view.plots().front()->legend->hasItemWithPlottable(view.exactSparsityGraph()));
        // Flat at the optimum's objective, which the live objective curve lies above.
        QCOMPARE(objective->data()->begin()->value, snapshot->exactReference->objective);
        QVERIFY(view.trainObjectiveGraph()->visible());
        const double live = (view.trainObjectiveGraph()->data()->end() - 1)->value;
        QVERIFY2(live >= snapshot->exactReference->objective - 1e-5,
                 qPrintable(QStringLiteral("live %1, optimum %2").arg(live).arg(snapshot->exactReference->objective)));
        QVERIFY(view.exactReferenceNote().isEmpty());
    }

    void hiddenForAnMlp()
    {
        const SnapshotPtr snapshot = trainedSnapshot({8});
        QVERIFY(snapshot);
        QVERIFY(snapshot->exactReference);
        QCOMPARE(snapshot->exactReference->status, ExactReference::Status::NotApplicable);
        TrainingView view;
        view.resize(1000, 800);
        view.show();
        view.setSnapshot(snapshot);
        view.renderNow();
        QVERIFY(!view.exactObjectiveGraph()->visible());
        QVERIFY(!view.exactSparsityGraph()->visible());
        QVERIFY(!view.plots().front()->legend->hasItemWithPlottable(view.exactObjectiveGraph()));
        QVERIFY(view.exactReferenceNote().contains(QStringLiteral("hidden layers")));
        // Said in the plot's tooltip, not as a second title line that squeezes the curves.
        QCOMPARE(view.plots().front()->toolTip(), view.exactReferenceNote());
        for (QCustomPlot* plot : view.plots())
            for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
                if (const auto* text = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i)))
                    QVERIFY2(!text->text().contains(view.exactReferenceNote()), qPrintable(text->text()));
    }
};

QTEST_MAIN(TestExactReferenceLine)
#include "tst_exactreferenceline.moc"
