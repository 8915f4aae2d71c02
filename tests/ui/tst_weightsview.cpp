// The Weights view draws its costly parts once per network: the histogram's counts follow
// the trained weights, the heatmap the weights as shown, and a heatmap that a short tile
// hides is drawn with the newest weights once it shows again.
#include "views/WeightsView.h"

#include "data/DatasetCatalog.h"

#include <qcustomplot.h>

#include <QtTest>

#include <memory>

using namespace ss;

namespace {

std::shared_ptr<const Network> network(std::uint64_t seed, float firstWeight)
{
    Architecture architecture;
    architecture.inputs = 2;
    architecture.hidden = {8};
    architecture.classes = 2;
    auto made = std::make_shared<Network>(architecture, seed);
    made->layers().front().weights(0, 0) = firstWeight;
    return made;
}

SnapshotPtr snapshotOf(const std::shared_ptr<const PreparedData>& data, const std::shared_ptr<const Network>& trained,
                       const std::shared_ptr<const Network>& compressed)
{
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->data = data;
    snapshot->trained = trained;
    snapshot->compressed = compressed;
    return snapshot;
}

QCPColorMap* heatmapOf(WeightsView& view)
{
    return qobject_cast<QCPColorMap*>(view.plots().at(1)->plottable(0));
}

QCPBars* histogramBarsOf(WeightsView& view)
{
    return qobject_cast<QCPBars*>(view.plots().at(0)->plottable(0));
}

double barsTotal(QCPBars* bars)
{
    double total = 0;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
        total += it->value >= 1.0 ? it->value : 0.0;
    return total;
}

} // namespace

class TestWeightsView : public QObject {
    Q_OBJECT
private slots:
    void histogramFollowsTheTrainedWeights();
    void hiddenHeatmapCatchesUpWhenShown();
};

void TestWeightsView::histogramFollowsTheTrainedWeights()
{
    const auto data = std::make_shared<const PreparedData>(prepareDataset(DatasetRequest{}));
    const auto trained = network(1, 0.5f);
    WeightsView view;
    view.resize(900, 1200);
    view.show();
    view.setSnapshot(snapshotOf(data, trained, trained));
    view.renderNow();
    QCPBars* bars = histogramBarsOf(view);
    QVERIFY(bars);
    const double before = barsTotal(bars);
    QCOMPARE(before, static_cast<double>(trained->weightCount())); // a fresh network has no zeros
    // New trained weights with one exact zero: the counts are made again.
    auto pruned = std::make_shared<Network>(*trained);
    pruned->layers().front().weights(0, 0) = 0.0f;
    view.setSnapshot(snapshotOf(data, pruned, pruned));
    view.renderNow();
    QCOMPARE(barsTotal(bars), before - 1.0);
}

void TestWeightsView::hiddenHeatmapCatchesUpWhenShown()
{
    const auto data = std::make_shared<const PreparedData>(prepareDataset(DatasetRequest{}));
    const auto trained = network(2, 0.25f);
    WeightsView view;
    view.resize(900, 1200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setSnapshot(snapshotOf(data, trained, trained));
    view.renderNow();
    QCPColorMap* map = heatmapOf(view);
    QVERIFY(map);
    QCOMPARE(map->data()->cell(0, 0), 0.25);

    // A short tile hides the heatmap: new weights as shown wait...
    view.setInTile(true);
    view.resize(900, 200);
    QVERIFY(!view.plots().at(1)->isVisibleTo(&view));
    const auto shown = network(2, -0.75f);
    view.setSnapshot(snapshotOf(data, trained, shown));
    view.renderNow();
    QCOMPARE(map->data()->cell(0, 0), 0.25);
    // ...and are drawn as soon as it shows.
    view.resize(900, 1200);
    QVERIFY(view.plots().at(1)->isVisibleTo(&view));
    QCOMPARE(map->data()->cell(0, 0), -0.75);
}

QTEST_MAIN(TestWeightsView)
#include "tst_weightsview.moc"
