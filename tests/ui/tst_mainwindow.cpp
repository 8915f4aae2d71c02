// The desktop app end to end on the offscreen platform: start, train, drag, bad input,
// every view drawn. The window is driven through its widgets (QTest) and checked against
// direct evaluations by the core.
#include "WindowSetUp.h"
#include "automation/WindowAutomation.h"
#include "views/ConfusionView.h"
#include "controls/ControlPanel.h"
#include "controls/HeadlineBar.h"
#include "window/MainWindow.h"
#include "views/TradeoffView.h"
#include "views/TrainingView.h"
#include "controls/ValueSlider.h"
#include "views/View.h"

#include "eval/InstantEvaluator.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QRandomGenerator>
#include <QSlider>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <set>

using namespace ss;
using namespace ss::testing;

namespace {

constexpr int kTimeout = 20000;

QString fixed3(double value)
{
    return QString::number(value, 'f', 3);
}

// The metrics the window shows must be those of a direct core evaluation of the same
// weights at the same compression setting.
void verifyShownMatchesCore(MainWindow& window, const CompressionSetting& setting)
{
    const SnapshotPtr shown = window.shownSnapshot();
    QVERIFY(shown);
    QVERIFY(shown->compression == setting);
    const Evaluation expected = evaluateFully(*shown->trained, shown->data->split.test, setting);

    auto* confusion = static_cast<ConfusionView*>(window.view(QStringLiteral("confusion")));
    confusion->renderNow();
    QVERIFY(confusion->shownMatrix() == expected.report.confusion);
    const int k = expected.report.confusion.classCount();
    for (int t = 0; t < k; ++t)
        for (int p = 0; p < k; ++p)
            QVERIFY2(confusion->cellText(t, p).startsWith(QString::number(expected.report.confusion.count(t, p)) + QLatin1Char('\n')),
                     qPrintable(confusion->cellText(t, p)));
    QTableWidget* table = confusion->table();
    for (int c = 0; c < k; ++c) {
        const ClassScores& scores = expected.report.perClass[static_cast<std::size_t>(c)];
        QCOMPARE(table->item(c, 3)->text(), fixed3(scores.f1));
        QCOMPARE(table->item(c, 4)->text(), QString::number(scores.support));
    }
    QCOMPARE(table->item(k, 3)->text(), fixed3(expected.report.macro.f1));
    QCOMPARE(window.headline()->value(QStringLiteral("accuracy")), fixed3(expected.report.accuracy));
    QCOMPARE(window.headline()->value(QStringLiteral("f1")), fixed3(expected.report.macro.f1));
    QCOMPARE(window.headline()->value(QStringLiteral("sparsity")),
             QString::number(100.0 * expected.weights.sparsity, 'f', 1) + QStringLiteral(" %"));
}

// How many different colours a picture has: an empty or blank view has one or two.
int distinctColours(const QImage& image)
{
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return static_cast<int>(colours.size());
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("SparseScopeTests"));
        QApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    }

    void startsOnTwoMoons()
    {
        MainWindow window(noSettings());
        window.show();
        QVERIFY(waitUntilSettled(window, kTimeout));
        const SnapshotPtr shown = window.shownSnapshot();
        QCOMPARE(shown->datasetRequest.nameOrPath, std::string("moons"));
        QCOMPARE(shown->data->split.train.featureCount(), 2);
        QCOMPARE(shown->trained->architecture().hidden, (std::vector<int>{8, 8}));
        QCOMPARE(shown->epoch, 0);
        QVERIFY(!window.isTrainingRequested());
        QCOMPARE(window.controls()->datasetBox()->currentData().toString(), QStringLiteral("moons"));
        verifyShownMatchesCore(window, window.controls()->state().compression());
    }

    void trainsAndThresholdSliderMatchesCore()
    {
        MainWindow window(noSettings());
        showFastDefault(window);
        QVERIFY(trainAndWait(window, 8, kTimeout));
        const SnapshotPtr trained = window.shownSnapshot();
        QVERIFY(trained->epoch >= 8);
        QVERIFY(trained->history && trained->history->size() >= 2);
        QVERIFY2(trained->evaluation.report.accuracy > 0.75, qPrintable(QString::number(trained->evaluation.report.accuracy)));
        auto* training = static_cast<TrainingView*>(window.view(QStringLiteral("training")));
        training->renderNow();
        QCOMPARE(training->pointCount(), static_cast<int>(trained->history->size()));

        // Drag the threshold slider with the keyboard, as a user would.
        ValueSlider* threshold = window.controls()->thresholdSlider();
        QSlider* slider = threshold->slider();
        slider->setFocus();
        for (int i = 0; i < 6; ++i)
            QTest::keyClick(slider, Qt::Key_PageUp);
        QVERIFY(threshold->value() > 0);
        QCOMPARE(threshold->value(), threshold->valueAt(slider->value()));
        QVERIFY(waitUntilSettled(window, kTimeout));
        CompressionSetting setting;
        setting.pruning.criterion = PruningSpec::Criterion::Threshold;
        setting.pruning.threshold = threshold->valueAt(slider->value());
        setting.precision = QuantizationSpec::float32();
        verifyShownMatchesCore(window, setting);
        QVERIFY(window.shownSnapshot()->evaluation.weights.sparsity > 0);
    }

    void draggingTheHistogramLinePrunes()
    {
        MainWindow window(noSettings());
        showFastDefault(window, QSize(1400, 900));
        QVERIFY(trainAndWait(window, 5, kTimeout));
        auto* weights = showDrawn(window, QStringLiteral("weights"));
        QCustomPlot* histogram = weights->plots().front();
        histogram->replot(QCustomPlot::rpImmediateRefresh);
        const int y = static_cast<int>(histogram->yAxis->axisRect()->center().y());
        const QPoint start(static_cast<int>(histogram->xAxis->coordToPixel(0.0)), y);
        const QPoint end(static_cast<int>(histogram->xAxis->coordToPixel(0.3)), y);
        QTest::mousePress(histogram, Qt::LeftButton, {}, start);
        QMouseEvent move(QEvent::MouseMove, end, histogram->mapToGlobal(end), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(histogram, &move);
        QTest::mouseRelease(histogram, Qt::LeftButton, {}, end);
        const double threshold = window.controls()->state().threshold;
        QVERIFY2(std::abs(threshold - 0.3) < 0.02, qPrintable(QString::number(threshold)));
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->compression.pruning.threshold, threshold);
        QVERIFY(window.shownSnapshot()->evaluation.weights.sparsity > 0);
    }

    void editedEnergyTableChangesTheEstimate()
    {
        MainWindow window(noSettings());
        showFastDefault(window);
        QVERIFY(waitUntilSettled(window, kTimeout));
        const double before = window.shownSnapshot()->evaluation.efficiency.energyComputePj;
        window.showView(QStringLiteral("efficiency"));
        QTableWidget* table = nullptr;
        for (QTableWidget* candidate : window.view(QStringLiteral("efficiency"))->findChildren<QTableWidget*>())
            if (candidate->columnCount() == 2)
                table = candidate;
        QVERIFY(table);
        for (int r = 0; r < table->rowCount(); ++r)
            if (table->item(r, 0)->text() == QStringLiteral("mult fp32"))
                table->item(r, 1)->setText(QStringLiteral("7.4")); // twice Horowitz's 3.7 pJ
        QVERIFY(waitUntilSettled(window, kTimeout));
        const EfficiencyEstimate& after = window.shownSnapshot()->evaluation.efficiency;
        const double macs = static_cast<double>(after.macsSparse);
        QVERIFY(std::abs((after.energyComputePj - before) - macs * 3.7) < 1e-6 * after.energyComputePj);
        // A value that is not a number is not taken.
        for (int r = 0; r < table->rowCount(); ++r)
            if (table->item(r, 0)->text() == QStringLiteral("mult fp32"))
                table->item(r, 1)->setText(QStringLiteral("lots"));
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->evaluation.efficiency.energyComputePj, after.energyComputePj);
    }

    void thousandRandomMovesWhileTraining()
    {
        MainWindow window(noSettings());
        showFastDefault(window);
        QVERIFY(waitUntilSettled(window, kTimeout));
        window.startTraining();
        ControlPanel* controls = window.controls();
        QRandomGenerator random(12345);
        QSlider* sliders[] = {controls->thresholdSlider()->slider(), controls->sparsitySlider()->slider(),
                              controls->precisionSlider()->slider(), controls->lambdaSlider()->slider(),
                              controls->learningRateSlider()->slider()};
        for (int move = 0; move < 1000; ++move) {
            QSlider* slider = sliders[random.bounded(5)];
            if (slider == controls->sparsitySlider()->slider() && move % 50 == 0)
                controls->setTargetSparsityFromPlot(random.bounded(0.99));
            if (slider == controls->thresholdSlider()->slider() && move % 70 == 0)
                controls->setThresholdFromPlot(random.bounded(0.5));
            // Learning rates above ~0.3 may diverge: keep them sane, the rest anywhere.
            const int top = slider == controls->learningRateSlider()->slider() ? slider->maximum() * 8 / 10 : slider->maximum();
            slider->setValue(slider->minimum() + random.bounded(top - slider->minimum() + 1));
            if (move % 4 == 0)
                QCoreApplication::processEvents();
        }
        // On a loaded machine the worker may not have trained a step yet when the moves end:
        // the check below is about training having run beside the moves, so let it begin.
        QTRY_VERIFY_WITH_TIMEOUT(window.shownSnapshot() && window.shownSnapshot()->steps > 0, kTimeout);
        window.pauseTraining();
        QVERIFY(waitUntilSettled(window, kTimeout));
        const SnapshotPtr shown = window.shownSnapshot();
        QVERIFY(!shown->running);
        QVERIFY(shown->steps > 0);
        const ControlState state = controls->state();
        QCOMPARE(shown->training.optimizer.learningRate, state.learningRate);
        QCOMPARE(shown->training.regularization.l1, state.trainingConfig().regularization.l1);
        verifyShownMatchesCore(window, state.compression());
    }

    // A threshold drag while training holds training, and the status bar says so; once the
    // hand is still, training goes on and the status bar shows its speed again.
    void aCompressionDragWhileTrainingSaysTrainingHolds()
    {
        MainWindow window(noSettings());
        showFastDefault(window);
        QVERIFY(waitUntilSettled(window, kTimeout));
        window.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(window.shownSnapshot()->running && window.shownSnapshot()->steps > 0, kTimeout);
        const auto statusSays = [&](const QString& words) {
            const QList<QLabel*> labels = window.statusBar()->findChildren<QLabel*>();
            return std::any_of(labels.begin(), labels.end(), [&](QLabel* label) { return label->text().contains(words); });
        };
        QSlider* threshold = window.controls()->thresholdSlider()->slider();
        bool saidHold = false;
        for (int move = 1; move <= 60 && !saidHold; ++move) {
            threshold->setValue(move);
            QTest::qWait(20);
            saidHold = statusSays(QStringLiteral("training holds"));
        }
        QVERIFY(saidHold);
        QVERIFY(window.shownSnapshot()->heldForDrag);
        const long stepsHeld = window.shownSnapshot()->steps;
        QTRY_VERIFY_WITH_TIMEOUT(window.shownSnapshot()->steps > stepsHeld && statusSays(QStringLiteral("steps/s")), kTimeout);
        QVERIFY(!statusSays(QStringLiteral("training holds")));
        window.pauseTraining();
        QVERIFY(waitUntilSettled(window, kTimeout));
    }

    void malformedCsvKeepsThePreviousDataset()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.csv"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("x0,x1,label\n0.1,0.2,a\n0.3,oops,b\n0.5,0.6,a\n");
        }
        MainWindow window(noSettings());
        showFastDefault(window);
        QVERIFY(waitUntilSettled(window, kTimeout));
        const std::uint64_t modelBefore = window.shownSnapshot()->modelGeneration;

        window.openCsv(path);
        QTRY_VERIFY_WITH_TIMEOUT(!window.lastProblem().isEmpty(), kTimeout);
        QVERIFY(window.problemBanner()->isVisible());
        const QString message = window.problemBanner()->text();
        QVERIFY2(message.contains(QStringLiteral("broken.csv")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("oops")) || message.contains(QStringLiteral(":3:")), qPrintable(message));
        QVERIFY(message.contains(QStringLiteral("moons")));
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->datasetRequest.nameOrPath, std::string("moons"));
        QCOMPARE(window.shownSnapshot()->modelGeneration, modelBefore);
        QCOMPARE(window.controls()->datasetBox()->currentData().toString(), QStringLiteral("moons"));

        // The previous dataset is still usable.
        QVERIFY(trainAndWait(window, 2, kTimeout));
        QCOMPARE(window.shownSnapshot()->datasetRequest.nameOrPath, std::string("moons"));
    }

    void missingFashionMnistIsExplained()
    {
        QTemporaryDir empty;
        qputenv("SPARSESCOPE_FASHION_MNIST_DIR", empty.path().toUtf8());
        MainWindow window(noSettings());
        showFastDefault(window);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QVERIFY(!window.applyPreset(QStringLiteral("fashion-95")));
        QVERIFY(window.problemBanner()->isVisible());
        QVERIFY(window.problemBanner()->text().contains(QStringLiteral("apt install dataset-fashion-mnist")));
        QVERIFY(window.problemBanner()->text().contains(empty.path()));
        // Choosing it in the list says the same and keeps the current data.
        QComboBox* box = window.controls()->datasetBox();
        box->setCurrentIndex(box->findData(QStringLiteral("fashion-mnist")));
        QCOMPARE(box->currentData().toString(), QStringLiteral("moons"));
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->datasetRequest.nameOrPath, std::string("moons"));
        qunsetenv("SPARSESCOPE_FASHION_MNIST_DIR");
    }

    void clickingACellListsItsSamples()
    {
        MainWindow window(noSettings());
        window.show();
        ControlState state = fastDefaultOnBundled("digits");
        state.model.hidden = {32};
        window.applyState(state, false);
        QVERIFY(trainAndWait(window, 3, kTimeout));
        window.showView(QStringLiteral("confusion"));
        auto* confusion = static_cast<ConfusionView*>(window.view(QStringLiteral("confusion")));
        const ConfusionMatrix& matrix = window.shownSnapshot()->evaluation.report.confusion;
        // The diagonal cell of class 3, and the largest off-diagonal cell.
        int worstT = 0, worstP = 1;
        for (int t = 0; t < matrix.classCount(); ++t)
            for (int p = 0; p < matrix.classCount(); ++p)
                if (t != p && matrix.count(t, p) > matrix.count(worstT, worstP)) {
                    worstT = t;
                    worstP = p;
                }
        for (const auto& [t, p] : {std::pair{3, 3}, std::pair{worstT, worstP}}) {
            confusion->selectCell(t, p);
            QCOMPARE(confusion->sampleList()->count(), static_cast<int>(matrix.count(t, p)));
            if (confusion->sampleList()->count() > 0)
                QVERIFY(!confusion->sampleList()->item(0)->icon().isNull()); // thumbnails for image data
        }
    }

    void divergenceStopsTrainingAndKeepsFiniteWeights()
    {
        MainWindow window(noSettings());
        window.show();
        ControlState state = fastDefault();
        state.optimizer = OptimizerKind::Sgd;
        state.learningRate = 1e6;
        state.lambda = 0;
        window.applyState(state, false);
        QVERIFY(waitUntilSettled(window, kTimeout));
        window.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(window.lastProblem().contains(QStringLiteral("diverged")), kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isTrainingRequested(), kTimeout);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QVERIFY2(!window.shownSnapshot()->running, qPrintable(window.lastProblem() + QStringLiteral(" reason %1").arg(int(window.shownSnapshot()->reason))));
        QVERIFY(window.shownSnapshot()->trained->isFinite());
        QVERIFY(window.problemBanner()->isVisible());
    }

    void tiledViewsFitAnOrdinaryScreen()
    {
        MainWindow window(noSettings());
        window.applyState(fastDefault(), false);
        window.setTiled(true);
        window.resize(1600, 1000);
        window.show();
        QVERIFY(waitUntilSettled(window, kTimeout));
        const QString screenshots = qEnvironmentVariable("SPARSESCOPE_SCREENSHOT_DIR");
        if (!screenshots.isEmpty())
            renderView(window, QStringLiteral("window"), QSize(1600, 1000)).save(screenshots + QStringLiteral("/tiled.png"));
        QVERIFY2(window.minimumSizeHint().width() <= 1600, qPrintable(QString::number(window.minimumSizeHint().width())));
        QVERIFY2(window.width() <= 1600, qPrintable(QString::number(window.width())));
        for (const QString& id : window.viewIds()) {
            View* view = window.view(id);
            QVERIFY2(view->isVisible(), qPrintable(id));
            QVERIFY2(view->width() >= 300 && view->height() >= 250,
                     qPrintable(QStringLiteral("%1: %2x%3").arg(id).arg(view->width()).arg(view->height())));
        }
    }

    void tradeoffScanSweepAndPath()
    {
        MainWindow window(noSettings());
        window.show();
        ControlState state = fastDefaultOnBundled("breast-cancer");
        state.model.hidden = {};   // logistic: the regularisation path applies
        state.lambda = 0.01;
        window.applyState(state, false);
        QVERIFY(trainAndWait(window, 10, kTimeout));
        window.showView(QStringLiteral("tradeoff"));
        auto* tradeoff = static_cast<TradeoffView*>(window.view(QStringLiteral("tradeoff")));
        QTRY_VERIFY_WITH_TIMEOUT(tradeoff->scanResult() && tradeoff->pathResult() && !tradeoff->isBusy(), kTimeout);

        // The scan starts at the model as trained and ends almost empty; a model this small
        // (30 weights) is scanned at each of its own levels, 0 to 30 weights zero.
        const PruneScanResult& scan = *tradeoff->scanResult();
        const SnapshotPtr shown = window.shownSnapshot();
        const int levels = static_cast<int>(shown->trained->weightCount()) + 1;
        QCOMPARE(static_cast<int>(scan.points.size()), levels);
        QCOMPARE(scan.points.front().accuracy, shown->evaluation.report.accuracy);
        QVERIFY(scan.points.back().achievedSparsity > 0.95);
        QCOMPARE(tradeoff->plots().front()->graph(0)->dataCount(), levels);

        // The path runs from (almost) no weights to most of the 30: it is the exact lasso path
        // now (every point at the optimum, KKT), which at 1e-4 lambda_max keeps 24 of them on
        // this split where the optimiser's path it replaced hovered near all 30.
        const RegularizationPath& path = *tradeoff->pathResult();
        QCOMPARE(static_cast<int>(path.points.size()), 40);
        QVERIFY(path.points.front().nonZeroWeights <= 3);
        QVERIFY(path.points.back().nonZeroWeights >= 20);
        for (const PathPoint& point : path.points)
            QVERIFY(point.kktResidual <= 1e-6);
        // One row of weights for two classes: the axis says which class a positive weight favours.
        const QString weightAxis = tradeoff->plots().at(2)->yAxis->label();
        const auto& names = shown->data->split.train.classNames;
        QVERIFY2(weightAxis.contains(QString::fromStdString(names[1])) && weightAxis.contains(QString::fromStdString(names[0]))
                     && weightAxis.indexOf(QString::fromStdString(names[1])) < weightAxis.indexOf(QString::fromStdString(names[0])),
                 qPrintable(weightAxis));

        // A small sweep, then load one of its rows.
        SweepGrid grid;
        grid.l1 = {0.0, 0.01};
        grid.sparsities = {0.0, 0.8};
        grid.precisions = {QuantizationSpec::float32(), QuantizationSpec::integer(4)};
        SweepOptions options;
        options.architecture = shown->trained->architecture();
        options.training = shown->training;
        options.epochs = 3;
        tradeoff->startSweep(grid, options);
        QTRY_VERIFY_WITH_TIMEOUT(tradeoff->sweepResult() && !tradeoff->isBusy(), kTimeout);
        const SweepResult& sweep = *tradeoff->sweepResult();
        QCOMPARE(static_cast<int>(sweep.rows.size()), grid.configurations());
        QVERIFY(std::any_of(sweep.rows.begin(), sweep.rows.end(), [](const SweepRow& row) { return row.paretoSparsity; }));
        // Click the point of the last row in the sweep plot.
        const SweepRow row = sweep.rows.back();
        QCustomPlot* sweepPlot = tradeoff->plots().at(1);
        sweepPlot->replot(QCustomPlot::rpImmediateRefresh);
        const QPoint point(static_cast<int>(sweepPlot->xAxis->coordToPixel(100.0 * row.sparsity)),
                           static_cast<int>(sweepPlot->yAxis->coordToPixel(row.accuracy)));
        QSignalSpy chosen(tradeoff, &TradeoffView::sweepRowChosen);
        QTest::mouseClick(sweepPlot, Qt::LeftButton, {}, point);
        QCOMPARE(chosen.count(), 1);
        const SweepRow clicked = chosen.at(0).at(0).value<SweepRow>();
        QCOMPARE(clicked.accuracy, row.accuracy);
        QCOMPARE(clicked.sparsity, row.sparsity);
        QCOMPARE(window.controls()->state().compression().pruning.targetSparsity, clicked.targetSparsity);
        QVERIFY(window.controls()->state().precision() == clicked.precision);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isTrainingRequested(), kTimeout);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->epoch, options.epochs);
        QVERIFY(window.shownSnapshot()->compression == window.controls()->state().compression());

        // Dragging along the scan prunes the shown model to that sparsity.
        QCustomPlot* scanPlot = tradeoff->plots().front();
        scanPlot->replot(QCustomPlot::rpImmediateRefresh);
        const int y = static_cast<int>(scanPlot->yAxis->coordToPixel(0.5));
        const QPoint from(static_cast<int>(scanPlot->xAxis->coordToPixel(40.0)), y);
        const QPoint at(static_cast<int>(scanPlot->xAxis->coordToPixel(50.0)), y);
        QTest::mousePress(scanPlot, Qt::LeftButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, at, scanPlot->mapToGlobal(at), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(scanPlot, &move);
        QTest::mouseRelease(scanPlot, Qt::LeftButton, {}, at);
        QVERIFY(std::abs(window.controls()->state().targetSparsity - 0.5) < 0.02);
        QVERIFY(window.controls()->state().pruneBy == PruningSpec::Criterion::TargetSparsity);
    }

    void everyViewRendersNonEmpty()
    {
        MainWindow window(noSettings());
        ControlState state = fastDefault();
        state.threshold = 0.05;
        window.applyState(state, false);
        QVERIFY(trainAndWait(window, 5, kTimeout));
        const QString screenshots = qEnvironmentVariable("SPARSESCOPE_SCREENSHOT_DIR");
        QStringList ids = window.viewIds();
        ids << QStringLiteral("window");
        for (const QString& id : ids) {
            const QImage image = renderView(window, id, QSize(1000, 640));
            QVERIFY2(!image.isNull(), qPrintable(id));
            QVERIFY2(image.width() >= 600 && image.height() >= 400, qPrintable(id));
            const int colours = distinctColours(image);
            QVERIFY2(colours > 40, qPrintable(QStringLiteral("%1: %2 colours").arg(id).arg(colours)));
            if (!screenshots.isEmpty())
                image.save(screenshots + QStringLiteral("/") + id + QStringLiteral(".png"));
        }
        for (const QString& id : window.viewIds())
            QVERIFY2(window.view(id)->renderCount() > 0, qPrintable(id));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
