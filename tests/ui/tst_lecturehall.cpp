// The window as a teacher uses it in front of a class: numbers that match what was chosen,
// no control that changes by accident (wheel, click), banners that go when their lesson or
// error does, and a window that fits a 1280x720 projector. Driven through mouse, wheel and
// key events on the offscreen platform.
#include "WindowSetUp.h"
#include "automation/WindowAutomation.h"
#include "controls/ControlPanel.h"
#include "controls/HeadlineBar.h"
#include "window/HelpDialog.h"
#include "window/MainWindow.h"
#include "plot/PlotExport.h"
#include "window/SessionController.h"
#include "views/TradeoffView.h"
#include "controls/ValueSlider.h"
#include "views/View.h"
#include "views/WeightsView.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLineEdit>
#include <QMenuBar>
#include <QTextDocument>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtTest>

#include <cmath>
#include <set>

using namespace ss;
using namespace ss::testing;

namespace {

constexpr int kTimeout = 30000;

// One notch of the wheel (down) over the middle of the widget, as the mouse sends it.
void wheelOnce(QWidget* widget)
{
    const QPointF at(widget->width() / 2.0, widget->height() / 2.0);
    QWheelEvent wheel(at, widget->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(widget, &wheel);
}

QScrollArea* controlsScrollArea(MainWindow& window)
{
    for (QWidget* up = window.controls()->parentWidget(); up; up = up->parentWidget())
        if (auto* area = qobject_cast<QScrollArea*>(up))
            return area;
    return nullptr;
}

void writeFile(const QString& path, const QByteArray& text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

} // namespace

class TestLectureHall : public QObject {
    Q_OBJECT

private slots:
    void sweepPointRetrainsOnTheDatasetChosenInTheList()
    {
        MainWindow window(noSettings());
        showFastDefault(window);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QComboBox* box = window.controls()->datasetBox();
        box->setCurrentIndex(box->findData(QStringLiteral("spiral")));
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->datasetRequest.nameOrPath, std::string("spiral"));
        QCOMPARE(window.controls()->state().dataset.nameOrPath, std::string("spiral"));

        SweepRow row;
        row.penalty = "l1";
        row.lambda = 1e-4;
        row.targetSparsity = 0.5;
        SweepOptions options;
        options.epochs = 2;
        window.loadSweepRow(row, options);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isTrainingRequested(), kTimeout);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->datasetRequest.nameOrPath, std::string("spiral"));
        QCOMPARE(window.shownSnapshot()->epoch, 2);
    }

    void weightsLayerListFollowsTheShapes()
    {
        MainWindow window(noSettings());
        window.show();
        ControlState state = fastDefault();
        state.model.hidden = {8};
        window.applyState(state, false);
        QVERIFY(waitUntilSettled(window, kTimeout));
        auto* weights = showDrawn<WeightsView>(window, QStringLiteral("weights"));
        QVERIFY2(weights->layerBox()->itemText(0).contains(QStringLiteral("\u2192 8")), qPrintable(weights->layerBox()->itemText(0)));
        // As many layers, other sizes.
        state.model.hidden = {16};
        window.applyState(state, false);
        QVERIFY(waitUntilSettled(window, kTimeout));
        weights->renderNow();
        QVERIFY2(weights->layerBox()->itemText(0).contains(QStringLiteral("\u2192 16")), qPrintable(weights->layerBox()->itemText(0)));
        QVERIFY2(weights->layerBox()->itemText(1).contains(QStringLiteral("16 \u2192")), qPrintable(weights->layerBox()->itemText(1)));
    }

    void logCountBarsEndAtTheirCount()
    {
        MainWindow window(noSettings());
        window.resize(1400, 900);
        window.show();
        ControlState state = fastDefault();
        state.model.hidden = {32, 32};
        window.applyState(state, false);
        QVERIFY(trainAndWait(window, 2, kTimeout));
        View* weights = showDrawn(window, QStringLiteral("weights"));
        QCustomPlot* histogram = weights->plots().front();
        histogram->replot(QCustomPlot::rpImmediateRefresh);
        QCOMPARE(histogram->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QCPBars* bars = nullptr;
        for (int i = 0; i < histogram->plottableCount(); ++i)
            if (auto* b = qobject_cast<QCPBars*>(histogram->plottable(i)); b && b->name() == QStringLiteral("non-zero weights"))
                bars = b;
        QVERIFY(bars);
        int checked = 0;
        for (int i = 0; i < bars->dataCount(); ++i) {
            const double count = bars->data()->at(i)->value;
            if (count < 1)
                continue;
            const double top = bars->dataPixelPosition(i).y();
            const double expected = histogram->yAxis->coordToPixel(count);
            QVERIFY2(std::abs(top - expected) < 1.0,
                     qPrintable(QStringLiteral("a bin of %1 ends at %2 px, its count is at %3 px").arg(count).arg(top).arg(expected)));
            ++checked;
        }
        QVERIFY(checked > 5);
    }

    void wheelOverTheControlsScrollsThem()
    {
        MainWindow window(noSettings());
        showFastDefault(window, QSize(1280, 720));
        QVERIFY(waitUntilSettled(window, kTimeout));
        QScrollArea* area = controlsScrollArea(window);
        QVERIFY(area);
        QScrollBar* scroll = area->verticalScrollBar();
        QVERIFY2(scroll->maximum() > 0, "the controls should need scrolling at 1280x720");

        QComboBox* dataset = window.controls()->datasetBox();
        const QString before = dataset->currentData().toString();
        const double rate = window.controls()->state().learningRate;
        const int scrolledBefore = scroll->value();
        wheelOnce(dataset);
        QCOMPARE(dataset->currentData().toString(), before);
        for (int i = 0; i < 10; ++i)
            wheelOnce(window.controls()->learningRateSlider()->slider());
        QCOMPARE(window.controls()->state().learningRate, rate);
        QVERIFY2(scroll->value() > scrolledBefore, qPrintable(QString::number(scroll->value())));
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->datasetRequest.nameOrPath, before.toStdString());

        // Once the user has clicked into a control, the wheel is its own.
        QSlider* slider = window.controls()->learningRateSlider()->slider();
        slider->setFocus();
        QTRY_VERIFY(slider->hasFocus());
        wheelOnce(slider);
        QVERIFY(window.controls()->state().learningRate != rate);
    }

    void changingDatasetOrModelAsksBeforeDiscardingTraining()
    {
        MainWindow window(noSettings());
        showFastDefault(window);
        QVERIFY(trainAndWait(window, 2, kTimeout));
        QStringList questions;
        bool answer = false;
        window.controls()->setConfirmDiscard([&](const QString& question) {
            questions << question;
            return answer;
        });
        const std::uint64_t model = window.shownSnapshot()->modelGeneration;
        QComboBox* dataset = window.controls()->datasetBox();
        dataset->setCurrentIndex(dataset->findData(QStringLiteral("circles")));
        QCOMPARE(questions.size(), 1);
        QCOMPARE(dataset->currentData().toString(), QStringLiteral("moons"));
        QComboBox* hidden = window.controls()->hiddenLayersBox();
        hidden->setEditText(QStringLiteral("4"));
        emit hidden->lineEdit()->editingFinished();
        QCOMPARE(questions.size(), 2);
        QCOMPARE(hidden->currentText(), QStringLiteral("8,8"));
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->modelGeneration, model);
        QCOMPARE(window.shownSnapshot()->datasetRequest.nameOrPath, std::string("moons"));

        answer = true;
        dataset->setCurrentIndex(dataset->findData(QStringLiteral("circles")));
        QCOMPARE(questions.size(), 3);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->datasetRequest.nameOrPath, std::string("circles"));
    }

    void clickWithoutDragKeepsTheModel()
    {
        MainWindow window(noSettings());
        showFastDefault(window, QSize(1400, 900));
        QVERIFY(trainAndWait(window, 3, kTimeout));

        View* weights = showDrawn(window, QStringLiteral("weights"));
        QCustomPlot* histogram = weights->plots().front();
        histogram->replot(QCustomPlot::rpImmediateRefresh);
        const QPoint onHistogram(static_cast<int>(histogram->xAxis->coordToPixel(0.3 * histogram->xAxis->range().upper)),
                                 static_cast<int>(histogram->yAxis->axisRect()->center().y()));
        QTest::mouseClick(histogram, Qt::LeftButton, {}, onHistogram);

        View* tradeoff = showDrawn(window, QStringLiteral("tradeoff"));
        QCustomPlot* scan = tradeoff->plots().front();
        scan->replot(QCustomPlot::rpImmediateRefresh);
        const QPoint onScan(static_cast<int>(scan->xAxis->coordToPixel(60.0)), static_cast<int>(scan->yAxis->coordToPixel(0.5)));
        QTest::mouseClick(scan, Qt::LeftButton, {}, onScan);

        QCOMPARE(window.controls()->state().threshold, 0.0);
        QCOMPARE(window.controls()->state().targetSparsity, 0.0);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->compression.pruning.threshold, 0.0);
        QCOMPARE(window.shownSnapshot()->compression.pruning.targetSparsity, 0.0);
    }

    void trainingSubtitleSaysWhichModelEachStretchIs()
    {
        MainWindow window(noSettings());
        showFastDefault(window, QSize(1400, 900));
        QVERIFY(trainAndWait(window, 2, kTimeout));
        window.controls()->setTargetSparsityFromPlot(0.5);
        QVERIFY(trainAndWait(window, 2, kTimeout));
        View* training = showDrawn(window, QStringLiteral("training"));
        auto* title = qobject_cast<QCPTextElement*>(training->plots().front()->plotLayout()->element(0, 0));
        QVERIFY(title);
        const QString text = title->text();
        QVERIFY2(text.contains(QStringLiteral("the trained fp32 model, unpruned up to epoch 2")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("then the model as shown (pruned")), qPrintable(text));
    }

    void smallModelsAreScannedAtTheirOwnLevels()
    {
        // 2-8-8-1: 88 weights, sparsity moves in steps of 1/88 (1.14 %).
        MainWindow window(noSettings());
        showFastDefault(window, QSize(1400, 900));
        QVERIFY(trainAndWait(window, 3, kTimeout));
        const long n = window.shownSnapshot()->trained->weightCount();
        QCOMPARE(n, 88L);
        auto* tradeoff = showDrawn<TradeoffView>(window, QStringLiteral("tradeoff"));
        QTRY_VERIFY_WITH_TIMEOUT(!tradeoff->isBusy() && tradeoff->scanResult(), kTimeout);
        std::set<long> reached;
        for (const ScanPoint& point : tradeoff->scanResult()->points)
            reached.insert(std::lround(point.achievedSparsity * static_cast<double>(n)));
        const long zeros = window.shownSnapshot()->evaluation.weights.zeroWeights;
        for (long k = zeros; k <= n; ++k)
            QVERIFY2(reached.count(k), qPrintable(QStringLiteral("no scan point with %1 of %2 weights zero").arg(k).arg(n)));

        // The marker lies on the curve: the scan's point at the shown sparsity has its accuracy.
        window.controls()->setTargetSparsityFromPlot(0.40);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QTRY_VERIFY_WITH_TIMEOUT(!tradeoff->isBusy() && tradeoff->scanResult(), kTimeout);
        const Snapshot& shown = *window.shownSnapshot();
        bool found = false;
        for (const ScanPoint& point : tradeoff->scanResult()->points)
            if (std::abs(point.achievedSparsity - shown.evaluation.weights.sparsity) < 1e-9) {
                QCOMPARE(point.accuracy, shown.evaluation.report.accuracy);
                found = true;
            }
        QVERIFY(found);
    }

    void tradeoffNeverShowsAnotherModelsScan()
    {
        MainWindow window(noSettings());
        showFastDefault(window, QSize(1400, 900));
        QVERIFY(trainAndWait(window, 3, kTimeout));
        auto* tradeoff = showDrawn<TradeoffView>(window, QStringLiteral("tradeoff"));
        QTRY_VERIFY_WITH_TIMEOUT(!tradeoff->isBusy() && tradeoff->scanResult(), kTimeout);
        const std::uint64_t moons = window.shownSnapshot()->modelGeneration;
        QCOMPARE(tradeoff->scanModelGeneration(), moons);

        // New data while another view is in front; the tradeoff view is drawn when shown.
        window.showView(QStringLiteral("weights"));
        ControlState spiral = fastDefault();
        spiral.dataset.nameOrPath = "spiral";
        spiral.dataset.samples = 600;
        window.applyState(spiral, false);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QVERIFY(window.shownSnapshot()->modelGeneration != moons);
        window.showView(QStringLiteral("tradeoff"));
        // Drawn now, its scan still running: the moons curve must not be there.
        QCustomPlot* scan = tradeoff->plots().front();
        QVERIFY(!tradeoff->scanResult() || tradeoff->scanModelGeneration() == window.shownSnapshot()->modelGeneration);
        QCOMPARE(scan->graph(0)->dataCount() > 0, tradeoff->scanResult() != nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(!tradeoff->isBusy() && tradeoff->scanResult(), kTimeout);
        QCOMPARE(tradeoff->scanModelGeneration(), window.shownSnapshot()->modelGeneration);
        QVERIFY(scan->graph(0)->dataCount() > 0);
    }

    void trainAfterTheEpochLimitTrainsAsManyMore()
    {
        MainWindow window(noSettings());
        window.show();
        ControlState state = fastDefault();
        state.epochLimit = 3;
        window.applyState(state, true);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isTrainingRequested(), kTimeout);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->epoch, 3);
        QAction* train = nullptr;
        for (QAction* action : window.findChildren<QAction*>())
            if (action->text() == QStringLiteral("&Train"))
                train = action;
        QVERIFY(train);
        QVERIFY2(train->toolTip().contains(QStringLiteral("3 more epochs (to epoch 6)")), qPrintable(train->toolTip()));
        window.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(!window.isTrainingRequested(), 10000);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->epoch, 6);
        // Manual steps end the "stopped" message.
        window.stepOnce();
        QVERIFY(waitUntilSettled(window, kTimeout));
        QVERIFY(window.shownSnapshot()->status.empty());
    }

    void exportsLeaveOutPlaceholdersAndKeepTheLastTick()
    {
        MainWindow window(noSettings());
        showFastDefault(window, QSize(1400, 900));
        QVERIFY(trainAndWait(window, 3, kTimeout));
        auto* tradeoff = showDrawn<TradeoffView>(window, QStringLiteral("tradeoff"));
        QTRY_VERIFY_WITH_TIMEOUT(!tradeoff->isBusy() && tradeoff->scanResult(), kTimeout);
        // No sweep run and no path for an MLP: only the scan is a figure.
        QStringList stems;
        for (const NamedPlot& plot : exportablePlots(tradeoff))
            stems << plot.stem;
        QCOMPARE(stems, QStringList{QStringLiteral("tradeoff-scan")});

        // The scan's x axis ends at 100 %: its tick label is drawn inside the figure.
        QCustomPlot* scan = tradeoff->plots().front();
        ExportOptions options;
        options.width = 420;
        options.height = 300;
        const QByteArray png = renderPlot(scan, options);
        QImage image;
        QVERIFY(image.loadFromData(png, "PNG"));
        const QString folder = qEnvironmentVariable("SPARSESCOPE_SCREENSHOT_DIR");
        if (!folder.isEmpty())
            image.save(folder + QStringLiteral("/export-scan.png"));
        // Nothing dark at the figure's right edge in the band of the x tick labels.
        for (int y = image.height() * 3 / 4; y < image.height() * 23 / 25; ++y)
            for (int x = image.width() - 2; x < image.width(); ++x)
                QVERIFY2(qGray(image.pixel(x, y)) > 160, qPrintable(QStringLiteral("text cut at the edge, row %1").arg(y)));
    }

    void whatEveryStudentSees()
    {
        QTemporaryDir dir;
        MainWindow window(noSettings());
        window.show();
        ControlState state = fastDefault();
        state.dropout = 0.2;
        window.applyState(state, false);
        QVERIFY(waitUntilSettled(window, kTimeout));

        // Help: formulas without raw entities, and every shortcut the menus show.
        window.showHelp();
        auto* help = window.findChild<HelpDialog*>();
        QVERIFY(help);
        QTextDocument rendered;
        rendered.setHtml(help->html());
        const QString text = rendered.toPlainText();
        QVERIFY(!text.contains(QStringLiteral("&Vert;")));
        QVERIFY(text.contains(QStringLiteral("\u2016w\u2016")));
        for (QAction* action : window.menuBar()->findChildren<QAction*>())
            for (const QKeySequence& key : action->shortcuts())
                QVERIFY2(text.contains(key.toString(QKeySequence::NativeText)), qPrintable(key.toString()));
        help->hide();

        // View > Controls hides and shows the panel.
        auto* dock = window.findChild<QDockWidget*>();
        QVERIFY(dock);
        QVERIFY(dock->toggleViewAction()->isEnabled());
        dock->toggleViewAction()->trigger();
        QVERIFY(!dock->isVisible());
        dock->toggleViewAction()->trigger();
        QVERIFY(dock->isVisible());

        // The training chart names the dropout in use.
        View* training = showDrawn(window, QStringLiteral("training"));
        auto* title = qobject_cast<QCPTextElement*>(training->plots().front()->plotLayout()->element(0, 0));
        QVERIFY2(title->text().contains(QStringLiteral("dropout 0.20")), qPrintable(title->text()));

        // With a CSV file the generator's greyed fields show no generator's numbers.
        const QString good = dir.filePath(QStringLiteral("table.csv"));
        QByteArray rows = "x0,x1,label\n";
        for (int i = 0; i < 40; ++i)
            rows += QByteArray::number(i % 7 * 0.1) + ',' + QByteArray::number(i % 5 * 0.2) + ',' + (i % 2 ? "a" : "b") + '\n';
        writeFile(good, rows);
        window.openCsv(good);
        QVERIFY(waitUntilSettled(window, kTimeout));
        for (QAbstractSpinBox* box : window.controls()->findChildren<QAbstractSpinBox*>())
            if (!box->isEnabled() && box->toolTip().contains(QStringLiteral("generator")))
                QVERIFY2(box->text() == QStringLiteral("\u2014"), qPrintable(box->text()));
    }

    void undoPutsBackTheSettingsBeforeADrag()
    {
        MainWindow window(noSettings());
        showFastDefault(window);
        QVERIFY(trainAndWait(window, 2, kTimeout));
        QAction* undo = nullptr;
        for (QAction* action : window.findChildren<QAction*>())
            if (action->shortcut() == QKeySequence(QKeySequence::Undo))
                undo = action;
        QVERIFY(undo);
        QVERIFY(!undo->isEnabled());
        // A drag along the histogram: many moves, one step to undo.
        for (double t : {0.05, 0.1, 0.15, 0.2})
            window.controls()->setThresholdFromPlot(t);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QVERIFY(window.shownSnapshot()->evaluation.weights.sparsity > 0.1);
        QVERIFY(undo->isEnabled());
        undo->trigger();
        QCOMPARE(window.controls()->state().threshold, 0.0);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->compression.pruning.threshold, 0.0);
        QVERIFY(!undo->isEnabled());
    }

    void presetStartsAnUntitledSession()
    {
        QTemporaryDir dir;
        MainWindow window(noSettings());
        showFastDefault(window);
        QVERIFY(trainAndWait(window, 2, kTimeout));
        const QString path = dir.filePath(QStringLiteral("lesson.sparsescope.json"));
        QString error;
        QVERIFY2(window.sessions()->saveTo(path, &error), qPrintable(error));
        QCOMPARE(window.sessions()->currentPath(), path);
        QVERIFY(window.applyPreset(QStringLiteral("xor")));
        QVERIFY(window.sessions()->currentPath().isEmpty());
        QVERIFY(!window.windowTitle().contains(QStringLiteral("lesson.sparsescope.json")));
    }

    void reopenedSessionShowsTheEpochItWasSavedAt()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("midway.sparsescope.json"));
        {
            MainWindow window(noSettings());
            showFastDefault(window);
            QVERIFY(trainAndWait(window, 2, kTimeout));
            window.stepOnce();
            window.stepOnce();
            QVERIFY(waitUntilSettled(window, kTimeout));
            QVERIFY(window.shownSnapshot()->epochProgress > 2.0);
            QCOMPARE(window.headline()->value(QStringLiteral("epoch")), QStringLiteral("2"));
            QString error;
            QVERIFY2(window.sessions()->saveTo(path, &error), qPrintable(error));
        }
        MainWindow window(noSettings());
        window.show();
        QString error;
        QVERIFY2(openSessionAndWait(window, path, kTimeout, &error), qPrintable(error));
        QCOMPARE(window.shownSnapshot()->epoch, 2);
        QCOMPARE(window.headline()->value(QStringLiteral("epoch")), QStringLiteral("2"));
        // Training on keeps the curves going forwards.
        QVERIFY(trainAndWait(window, 1, kTimeout));
        const std::vector<HistoryPoint>& history = *window.shownSnapshot()->history;
        for (std::size_t i = 1; i < history.size(); ++i)
            QVERIFY(history[i].epoch > history[i - 1].epoch);
        QCOMPARE(window.shownSnapshot()->epoch, 3);
    }

    void failedCsvLeavesNoTraceAndNoStaleTexts()
    {
        QTemporaryDir dir;
        const QString broken = dir.filePath(QStringLiteral("oneclass.csv"));
        writeFile(broken, "x0,x1,label\n0.1,0.2,a\n0.3,0.4,a\n0.5,0.6,a\n");
        const QString good = dir.filePath(QStringLiteral("good.csv"));
        QByteArray rows = "x0,x1,label\n";
        for (int i = 0; i < 40; ++i)
            rows += QByteArray::number(i % 7 * 0.1) + ',' + QByteArray::number(i % 5 * 0.2) + ',' + (i % 2 ? "a" : "b") + '\n';
        writeFile(good, rows);

        MainWindow window(noSettings());
        window.show();
        QVERIFY(window.applyPreset(QStringLiteral("dropout-spiral")));
        QVERIFY(window.lessonBanner()->isVisible());
        window.pauseTraining();
        QVERIFY(waitUntilSettled(window, kTimeout));

        window.openCsv(broken);
        QTRY_VERIFY_WITH_TIMEOUT(window.problemBanner()->isVisible(), kTimeout);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QComboBox* box = window.controls()->datasetBox();
        QCOMPARE(box->findData(broken), -1);
        QCOMPARE(box->currentData().toString(), QStringLiteral("spiral"));
        auto errorShown = [&] {
            for (QLabel* label : window.controls()->findChildren<QLabel*>())
                if (label->isVisible() && label->text().contains(QStringLiteral("oneclass.csv")))
                    return true;
            return false;
        };
        QVERIFY(errorShown());
        // Training on goes on with the active data: the old error goes.
        QVERIFY(trainAndWait(window, 1, kTimeout));
        QVERIFY(!window.problemBanner()->isVisible());
        QVERIFY(!errorShown());

        // Other data ends the spiral's lesson.
        window.controls()->setConfirmDiscard([](const QString&) { return true; });
        window.openCsv(good);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->datasetRequest.nameOrPath, good.toStdString());
        QVERIFY(!window.lessonBanner()->isVisible());
        QCOMPARE(window.controls()->state().dataset.nameOrPath, good.toStdString());
    }

    void typedHiddenLayersAreTakenAsTypedAndEnterReturnsTheKeyboard()
    {
        MainWindow window(noSettings());
        window.show();
        QApplication::setActiveWindow(&window);
        window.applyState(fastDefault(), false);
        QVERIFY(waitUntilSettled(window, kTimeout));
        QLineEdit* edit = window.controls()->hiddenLayersBox()->lineEdit();
        edit->setFocus();
        QTRY_VERIFY(edit->hasFocus());
        edit->selectAll();
        QTest::keyClicks(edit, QStringLiteral("8"));
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(window.controls()->state().model.hidden, std::vector<int>{8});
        QTRY_VERIFY(!edit->hasFocus());
        QVERIFY(waitUntilSettled(window, kTimeout));
        QCOMPARE(window.shownSnapshot()->trained->architecture().hidden, std::vector<int>{8});
    }

    void greyedClassesFieldShowsTheDatasOwnCount()
    {
        // Two moons (no class setting) used to show the last generator's 3, greyed.
        MainWindow window(noSettings());
        window.show();
        QVERIFY(window.applyPreset(QStringLiteral("l1-vs-l2")));
        QVERIFY(trainAndWait(window, 1, 60000));
        auto* classes = window.controls()->findChild<QSpinBox*>(QStringLiteral("classes"));
        QVERIFY(classes);
        QVERIFY(!classes->isEnabled());
        QCOMPARE(classes->value(), window.shownSnapshot()->data->split.test.classCount());
        QCOMPARE(classes->value(), 2);
        QVERIFY(window.applyPreset(QStringLiteral("lasso"))); // breast cancer, a table
        QVERIFY(trainAndWait(window, 1, 60000));
        QVERIFY(!classes->isEnabled());
        QCOMPARE(classes->value(), 2);
    }
};

QTEST_MAIN(TestLectureHall)
#include "tst_lecturehall.moc"
