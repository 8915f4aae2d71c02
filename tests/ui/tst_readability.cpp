// What the back row of a lecture hall reads: every view tiled at 1600x1000 with room for its
// plots and titles, change markers whose labels stay inside the plot, a log-loss axis with
// labels below 0.2, a decision boundary drawn with equal axes, and a sweep panel whose
// title, legend and fields do not contradict or hide anything. Offscreen.
#include "WindowSetUp.h"
#include "automation/WindowAutomation.h"
#include "views/BoundaryView.h"
#include "views/ConfusionView.h"
#include "controls/ControlPanel.h"
#include "engine/Engine.h"
#include "window/MainWindow.h"
#include "plot/PlotStyle.h"
#include "views/TradeoffView.h"
#include "views/TrainingView.h"
#include "views/View.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QDialog>
#include <QLineEdit>
#include <QPushButton>
#include <QtTest>

#include <cmath>

using namespace ss;
using namespace ss::testing;

namespace {

constexpr int kTimeout = 30000;
// The least a tiled plot gets at 1600x1000, and the least room for the confusion matrix's cells.
constexpr QSize kLeastTiledPlot(280, 180);
constexpr QSize kLeastConfusionCells(180, 150);

QList<QCPTextElement*> titlesOf(QCustomPlot* plot)
{
    QList<QCPTextElement*> titles;
    for (QCPLayoutElement* element : plot->plotLayout()->elements(true))
        if (auto* title = qobject_cast<QCPTextElement*>(element))
            if (!title->text().trimmed().isEmpty())
                titles << title;
    return titles;
}

// What a title draws: wrapped to its width, or its text as it is.
QString drawnText(QCPTextElement* title)
{
    if (auto* wrapping = qobject_cast<WrappingTitle*>(title))
        return wrapping->shownText();
    return title->text();
}

QString sweepTitle(TradeoffView* tradeoff)
{
    const QList<QCPTextElement*> titles = titlesOf(tradeoff->plots().at(1));
    return titles.isEmpty() ? QString() : titles.front()->text();
}

bool showsNotice(QCustomPlot* plot, const QString& words)
{
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)))
            if (text->visible() && text->text().contains(words))
                return true;
    return false;
}

void replotTwice(QCustomPlot* plot)
{
    // Sizes that depend on the layout (title lines, tick counts) settle on the second pass.
    plot->replot(QCustomPlot::rpImmediateRefresh);
    plot->replot(QCustomPlot::rpImmediateRefresh);
}

} // namespace

class TestReadability : public QObject {
    Q_OBJECT

private slots:
    void titlesWrapToTheirWidth()
    {
        const QFontMetrics metrics(plotFont(1, true));
        const QString title = QStringLiteral("Decision boundary \u2014 epoch 20 \u00b7 test accuracy 0.900 \u00b7 10 test samples wrong");
        const int width = metrics.horizontalAdvance(title) / 2;
        const QString wrapped = wrapToWidth(title, metrics, width);
        QVERIFY(wrapped.count(QLatin1Char('\n')) >= 1);
        for (const QString& line : wrapped.split(QLatin1Char('\n')))
            QVERIFY2(metrics.horizontalAdvance(line) <= width, qPrintable(line));
        QCOMPARE(QString(wrapped).replace(QLatin1Char('\n'), QLatin1Char(' ')), title);
        // Its own line breaks stay; wide enough, nothing else changes.
        QCOMPARE(wrapToWidth(QStringLiteral("a b\nc"), metrics, 10000), QStringLiteral("a b\nc"));
    }

    void tiledViewsAreReadableAt1600x1000()
    {
        MainWindow window(noSettings());
        window.applyState(fastDefault(), false);
        window.setTiled(true);
        window.resize(1600, 1000);
        window.show();
        QVERIFY(trainAndWait(window, 3, kTimeout));
        renderView(window, QStringLiteral("window"), QSize(1600, 1000));
        QCOMPARE(window.width(), 1600);
        const QSize tile = window.tileMinimumSize();
        for (const QString& id : window.viewIds()) {
            View* view = window.view(id);
            QVERIFY2(view->isVisible(), qPrintable(id));
            QVERIFY2(view->width() >= tile.width() - 1 && view->height() >= tile.height() - 1,
                     qPrintable(QStringLiteral("%1: %2x%3, the least tile %4x%5").arg(id).arg(view->width()).arg(view->height())
                                    .arg(tile.width()).arg(tile.height())));
            for (QCustomPlot* plot : view->plots()) {
                if (!plot->isVisible())
                    continue;
                const QString name = id + QLatin1Char('/') + plot->objectName();
                QVERIFY2(plot->width() >= kLeastTiledPlot.width() && plot->height() >= kLeastTiledPlot.height(),
                         qPrintable(QStringLiteral("%1: %2x%3").arg(name).arg(plot->width()).arg(plot->height())));
                replotTwice(plot);
                for (QCPTextElement* title : titlesOf(plot)) {
                    const QStringList lines = drawnText(title).split(QLatin1Char('\n'));
                    QVERIFY2(lines.size() <= 4, qPrintable(name + QStringLiteral(": ") + drawnText(title)));
                    const QFontMetrics metrics(title->font());
                    const QRect box = title->outerRect();
                    // QCustomPlot's layout rounds column widths: a pixel or two over is not a cut.
                    QVERIFY2(plot->rect().adjusted(-2, -2, 2, 2).contains(box),
                             qPrintable(QStringLiteral("%1: '%2' at %3,%4 %5x%6 in %7x%8").arg(name, title->text()).arg(box.x()).arg(box.y())
                                            .arg(box.width()).arg(box.height()).arg(plot->width()).arg(plot->height())));
                    for (const QString& line : lines)
                        QVERIFY2(metrics.horizontalAdvance(line) <= title->outerRect().width(),
                                 qPrintable(QStringLiteral("%1: '%2' is %3 px in %4").arg(name, line)
                                                .arg(metrics.horizontalAdvance(line)).arg(title->outerRect().width())));
                    // Its lines are all inside the height the layout gave it.
                    QVERIFY2(metrics.height() * lines.size() <= title->outerRect().height(), qPrintable(name + QStringLiteral(" %1: %2 lines of %3 in %4").arg(title->text()).arg(lines.size()).arg(metrics.height()).arg(title->outerRect().height())));
                }
            }
        }
        // The matrix's cells get room of their own beside the per-class table.
        auto* confusion = static_cast<ConfusionView*>(window.view(QStringLiteral("confusion")));
        const QRect cells = confusion->plots().front()->axisRect()->rect();
        QVERIFY2(cells.width() >= kLeastConfusionCells.width() && cells.height() >= kLeastConfusionCells.height(),
                 qPrintable(QStringLiteral("%1x%2").arg(cells.width()).arg(cells.height())));

        // Smaller than the tiles need: the rows scroll instead of shrinking.
        window.resize(1280, 720);
        QTest::qWait(50);
        for (const QString& id : window.viewIds())
            QVERIFY2(window.view(id)->height() >= tile.height() - 1, qPrintable(id));
    }

    void tiledLegendAndBarLabelsDoNotOverlap()
    {
        // L1 vs L2 has ten training curves: in a tile their full names stood in one column
        // whose rows the layout squeezed onto each other, and the efficiency panels' "dense
        // fp32" and "as shown" labels ran into each other four panels abreast.
        MainWindow window(noSettings());
        window.setTiled(true);
        window.resize(1600, 1000);
        window.show();
        QVERIFY(window.applyPreset(QStringLiteral("l1-vs-l2")));
        QVERIFY(trainAndWait(window, 2, kTimeout));
        renderView(window, QStringLiteral("window"), QSize(1600, 1000));
        const auto overlapping = [](const QList<QRect>& boxes) {
            for (int i = 0; i < boxes.size(); ++i)
                for (int j = i + 1; j < boxes.size(); ++j)
                    if (boxes[i].intersects(boxes[j]))
                        return QStringLiteral("%1 and %2").arg(i).arg(j);
            return QString();
        };

        QCustomPlot* training = window.view(QStringLiteral("training"))->plots().front();
        replotTwice(training);
        QCPLegend* legend = training->legend;
        QVERIFY(legend->itemCount() >= 9);
        QList<QRect> entries;
        for (int i = 0; i < legend->itemCount(); ++i) {
            QCPAbstractLegendItem* item = legend->item(i);
            if (!item)
                continue; // an empty cell of the last row
            // The text the entry needs is inside the box the layout gave it.
            QVERIFY2(item->outerRect().height() >= item->minimumOuterSizeHint().height()
                         && item->outerRect().width() >= item->minimumOuterSizeHint().width() - 1,
                     qPrintable(QStringLiteral("entry %1: %2x%3 for %4x%5").arg(i).arg(item->outerRect().width())
                                    .arg(item->outerRect().height()).arg(item->minimumOuterSizeHint().width())
                                    .arg(item->minimumOuterSizeHint().height())));
            entries << item->outerRect();
        }
        QVERIFY2(overlapping(entries).isEmpty(), qPrintable(overlapping(entries)));
        QVERIFY2(legend->rowCount() <= 5, qPrintable(QString::number(legend->rowCount())));
        // The curves keep their full names for exports: only the entries read the short form.
        QVERIFY(training->graph(0)->name().contains(QStringLiteral("accuracy")));

        QCustomPlot* efficiency = window.view(QStringLiteral("efficiency"))->plots().front();
        replotTwice(efficiency);
        for (QCPAxisRect* rect : efficiency->axisRects()) {
            QCPAxis* x = rect->axis(QCPAxis::atBottom);
            auto* ticker = dynamic_cast<QCPAxisTickerText*>(x->ticker().data());
            QVERIFY(ticker);
            const QFontMetrics metrics(x->tickLabelFont());
            QList<QRect> labels;
            for (double tick : {0.0, 1.0}) {
                const QString text = ticker->ticks().value(tick);
                const QRect size = metrics.boundingRect(QRect(), 0, text);
                const int centre = qRound(x->coordToPixel(tick));
                labels << QRect(centre - size.width() / 2, 0, size.width(), size.height());
            }
            QVERIFY2(overlapping(labels).isEmpty(), qPrintable(QStringLiteral("bar labels %1 px apart").arg(labels[1].left() - labels[0].right())));
        }
    }

    void markerLabelsStayInsideThePlot()
    {
        MainWindow window(noSettings());
        window.applyState(fastDefault(), false);
        window.show();
        QVERIFY(trainAndWait(window, 4, kTimeout));
        // A change at the last epoch: its marker is at the right edge.
        ControlState changed = window.controls()->state();
        changed.learningRate = 0.001;
        window.engine()->setTraining(changed.trainingConfig());
        QVERIFY(waitUntilSettled(window, kTimeout));
        auto* training = static_cast<TrainingView*>(window.view(QStringLiteral("training")));
        renderView(window, QStringLiteral("training"), QSize(900, 560));
        replotTwice(training->plots().front());
        QVERIFY(!training->markerLabels().isEmpty());
        const QRect rect = training->metricsRect()->rect();
        bool sawLearningRate = false;
        for (QCPItemText* label : training->markerLabels()) {
            sawLearningRate = sawLearningRate || label->text().contains(QStringLiteral("lr 0.001"));
            const QPointF left = label->topLeft->pixelPosition();
            const QPointF right = label->bottomRight->pixelPosition();
            QVERIFY2(left.x() >= rect.left() - 1 && right.x() <= rect.right() + 1,
                     qPrintable(QStringLiteral("'%1' from %2 to %3 in %4..%5").arg(label->text()).arg(left.x()).arg(right.x())
                                    .arg(rect.left()).arg(rect.right())));
        }
        QVERIFY(sawLearningRate);
    }

    void logLossAxisIsLabelledBelowOneFifth()
    {
        // Decades and sub-decades, as many as asked for.
        LogAxisTicker ticker;
        ticker.setTickCount(5);
        const QVector<double> ticks = ticker.ticksFor(QCPRange(0.04, 3.1));
        QCOMPARE(ticks, (QVector<double>{0.05, 0.1, 0.2, 0.5, 1, 2}));
        ticker.setTickCount(2);
        QCOMPARE(ticker.ticksFor(QCPRange(0.04, 3.1)), (QVector<double>{0.1, 1}));
        ticker.setTickCount(5);
        QCOMPARE(ticker.ticksFor(QCPRange(1e-6, 1)).size(), 4); // every second decade of six
        QVERIFY(ticker.ticksFor(QCPRange(0.22, 0.38)).size() >= 2); // evenly spaced within a sub-decade

        // The training view's loss axis: labels down to its lower end, none on top of another.
        MainWindow window(noSettings());
        window.applyState(fastDefault(), false);
        window.show();
        QVERIFY(trainAndWait(window, 30, kTimeout));
        auto* training = static_cast<TrainingView*>(window.view(QStringLiteral("training")));
        renderView(window, QStringLiteral("training"), QSize(900, 600));
        replotTwice(training->plots().front());
        QCPAxis* loss = training->lossAxis();
        QCOMPARE(loss->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(loss->ticker().dynamicCast<LogAxisTicker>());
        const QVector<double> shown = loss->tickVector();
        QVERIFY2(shown.size() >= 2, qPrintable(QString::number(shown.size())));
        QVERIFY2(shown.front() <= 10 * loss->range().lower && shown.front() < 0.2,
                 qPrintable(QStringLiteral("lowest label %1 on %2..%3").arg(shown.front()).arg(loss->range().lower).arg(loss->range().upper)));
        const int lineHeight = QFontMetrics(loss->tickLabelFont()).height();
        for (int i = 1; i < shown.size(); ++i)
            QVERIFY2(std::abs(loss->coordToPixel(shown[i]) - loss->coordToPixel(shown[i - 1])) >= lineHeight,
                     qPrintable(QStringLiteral("%1 and %2").arg(shown[i - 1]).arg(shown[i])));
        for (const QString& label : loss->tickVectorLabels())
            QVERIFY(!label.isEmpty());
    }

    void decisionBoundaryHasEqualAxes()
    {
        MainWindow window(noSettings());
        window.applyState(fastDefault(), false);
        window.show();
        QVERIFY(trainAndWait(window, 3, kTimeout));
        auto* boundary = static_cast<BoundaryView*>(window.view(QStringLiteral("boundary")));
        for (const QSize size : {QSize(1100, 520), QSize(620, 760)}) {
            renderView(window, QStringLiteral("boundary"), size);
            QCustomPlot* plot = boundary->plots().front();
            replotTwice(plot);
            QCPAxisRect* rect = plot->axisRect();
            const double xScale = rect->axis(QCPAxis::atBottom)->range().size() / rect->width();
            const double yScale = rect->axis(QCPAxis::atLeft)->range().size() / rect->height();
            QVERIFY2(std::abs(xScale / yScale - 1.0) < 0.01,
                     qPrintable(QStringLiteral("%1x%2: %3 vs %4 units per pixel").arg(size.width()).arg(size.height()).arg(xScale).arg(yScale)));
            // The whole grid shows.
            const QRectF grid = boundary->gridExtent();
            QVERIFY(grid.isValid());
            QVERIFY(rect->axis(QCPAxis::atBottom)->range().lower <= grid.left() + 1e-9);
            QVERIFY(rect->axis(QCPAxis::atBottom)->range().upper >= grid.right() - 1e-9);
            QVERIFY(rect->axis(QCPAxis::atLeft)->range().lower <= grid.top() + 1e-9);
            QVERIFY(rect->axis(QCPAxis::atLeft)->range().upper >= grid.bottom() - 1e-9);
        }
    }

    void sweepPanelTitleLegendAndFields()
    {
        MainWindow window(noSettings());
        window.applyState(fastDefault(), false);
        window.show();
        QVERIFY(trainAndWait(window, 2, kTimeout));
        window.showView(QStringLiteral("tradeoff"));
        auto* tradeoff = static_cast<TradeoffView*>(window.view(QStringLiteral("tradeoff")));
        QCustomPlot* sweepPlot = tradeoff->plots().at(1);

        // The dialog's lists fit a longer list than the default one.
        QPushButton* sweepButton = nullptr;
        for (QPushButton* button : tradeoff->findChildren<QPushButton*>())
            if (button->text().startsWith(QStringLiteral("Sweep")))
                sweepButton = button;
        QVERIFY(sweepButton);
        int checkedFields = 0;
        QTimer::singleShot(0, this, [&] {
            auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            for (QLineEdit* field : dialog->findChildren<QLineEdit*>(Qt::FindDirectChildrenOnly)) {
                const int needed = field->fontMetrics().horizontalAdvance(QStringLiteral("0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2"));
                if (field->width() >= needed)
                    ++checkedFields;
                else
                    qWarning("field '%s' is %d px, %d needed", qPrintable(field->text()), field->width(), needed);
            }
            dialog->reject();
        });
        QTest::mouseClick(sweepButton, Qt::LeftButton);
        QCOMPARE(checkedFields, 4);

        SweepGrid grid;
        grid.l1 = {0.0, 0.003};
        grid.sparsities = {0.0, 0.5};
        grid.precisions = {QuantizationSpec::float32(), QuantizationSpec::integer(4)};
        SweepOptions options;
        options.architecture = window.shownSnapshot()->trained->architecture();
        options.training = window.shownSnapshot()->training;
        options.epochs = 2;
        tradeoff->startSweep(grid, options);
        QTRY_VERIFY_WITH_TIMEOUT(tradeoff->sweepResult() && !tradeoff->isBusy(), kTimeout);
        replotTwice(sweepPlot);
        QVERIFY(sweepTitle(tradeoff).contains(QStringLiteral("8 configurations")));
        // The legend is beside the points, never over them.
        QCPLegend* legend = sweepPlot->legend;
        QVERIFY(legend->visible());
        QVERIFY(legend->itemCount() >= 3);
        QVERIFY2(!legend->outerRect().intersects(sweepPlot->axisRect()->rect()),
                 qPrintable(QStringLiteral("legend %1,%2 %3x%4").arg(legend->outerRect().x()).arg(legend->outerRect().y())
                                .arg(legend->outerRect().width()).arg(legend->outerRect().height())));

        // Other data: the sweep goes, and its title with it.
        ControlState other = fastDefault();
        other.dataset.nameOrPath = "circles";
        window.applyState(other, false);
        QVERIFY(waitUntilSettled(window, kTimeout));
        tradeoff->renderNow();
        replotTwice(sweepPlot);
        QVERIFY(!tradeoff->sweepResult());
        QVERIFY(showsNotice(sweepPlot, QStringLiteral("No sweep yet")));
        QVERIFY2(!sweepTitle(tradeoff).contains(QStringLiteral("configurations")), qPrintable(sweepTitle(tradeoff)));
    }
};

QTEST_MAIN(TestReadability)
#include "tst_readability.moc"
