// The training view draws the exact optimum's objective and sparsity beside the live curves
// for L1 logistic regression, computed by the live experiment off the GUI thread, and hides
// them, saying why, for a network with hidden layers.
#include "views/TrainingView.h"

#include "TrainedSnapshot.h"
#include "session/LiveExperiment.h"

#include <qcustomplot.h>

#include <QtTest>

using namespace ss;

namespace {

// Breast cancer with the model and an L1 penalty, a few epochs, then the idle work until the
// exact reference has arrived.
SnapshotPtr trainedSnapshot(const std::vector<int>& hidden)
{
    TrainingConfig training;
    training.regularization.l1 = 0.01;
    return testing::trainedSnapshot("breast-cancer", hidden, training, 3, true);
}

// The view at 1000x800, shown and drawn with the snapshot.
void showDrawn(TrainingView& view, const SnapshotPtr& snapshot)
{
    view.resize(1000, 800);
    view.show();
    view.setSnapshot(snapshot);
    view.renderNow();
}

} // namespace

class TestExactReferenceLine : public QObject {
    Q_OBJECT
private slots:
    void shownForL1LogisticRegression()
    {
        const SnapshotPtr snapshot = trainedSnapshot({});
        QVERIFY(snapshot && snapshot->exactReference);
        QCOMPARE(snapshot->exactReference->status, ExactReference::Status::Ready);
        TrainingView view;
        showDrawn(view, snapshot);
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
        QVERIFY(snapshot && snapshot->exactReference);
        QCOMPARE(snapshot->exactReference->status, ExactReference::Status::NotApplicable);
        TrainingView view;
        showDrawn(view, snapshot);
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
