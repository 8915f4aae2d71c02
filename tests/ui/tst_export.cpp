// Exports and sessions in the window, offscreen: every view to valid PNG, PDF, SVG and CSV
// files that hold what the plots show; failed writes that keep the old file; a session
// saved, reopened in another window and saved again gives the same metrics, weights and
// bytes; malformed sessions change nothing; the unsaved-changes question; presentation mode.
#include "automation/WindowAutomation.h"
#include "views/ConfusionView.h"
#include "controls/ControlPanel.h"
#include "views/EfficiencyView.h"
#include "window/ExportDialog.h"
#include "controls/HeadlineBar.h"
#include "window/MainWindow.h"
#include "plot/PlotExport.h"
#include "plot/PlotStyle.h"
#include "plot/PlotTheme.h"
#include "window/SessionController.h"
#include "views/TradeoffView.h"
#include "views/TrainingView.h"
#include "views/View.h"

#include "eval/InstantEvaluator.h"
#include "session/Session.h"

#include <qcustomplot.h>

#include <QClipboard>
#include <QComboBox>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <cstring>
#include <set>

#include "../common/TrainingFixtures.h"

using namespace ss;

namespace {

constexpr int kTimeout = 30000;

QByteArray readBytes(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

void writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

// moons, a small MLP with L1 so that weights become exactly zero, at full speed.
ControlState quickState()
{
    ControlState state;
    state.pace = 0.0;
    state.epochLimit = 0;
    state.dataset.samples = 300;
    state.model.hidden = {6, 6};
    state.lambda = 3e-3;
    state.alpha = 1.0;
    state.learningRate = 0.02;
    return state;
}

// A window trained a few epochs and pruned by the threshold slider, ready to export.
void prepareTrained(MainWindow& window, int epochs = 6)
{
    window.show();
    window.applyState(quickState(), false);
    QVERIFY(trainAndWait(window, epochs, kTimeout));
    ControlState state = window.controls()->state();
    state.pruneBy = PruningSpec::Criterion::Threshold;
    state.threshold = 0.05;
    state.precisionIndex = precisionIndexOf(QuantizationSpec::integer(6));
    window.controls()->setState(state);
    window.engine()->setCompression(state.compression());
    QVERIFY(waitUntilSettled(window, kTimeout));
}

// A small CSV reader for the exporter's own output (quoted fields, no line breaks in them).
QList<QStringList> parseCsv(const QString& text)
{
    QList<QStringList> rows;
    for (const QString& line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        QStringList fields;
        QString field;
        bool quoted = false;
        for (int i = 0; i < line.size(); ++i) {
            const QChar c = line[i];
            if (quoted) {
                if (c == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else if (c == QLatin1Char('"')) {
                    quoted = false;
                } else {
                    field += c;
                }
            } else if (c == QLatin1Char('"')) {
                quoted = true;
            } else if (c == QLatin1Char(',')) {
                fields << field;
                field.clear();
            } else {
                field += c;
            }
        }
        fields << field;
        rows << fields;
    }
    return rows;
}

int distinctColours(const QImage& image)
{
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    return static_cast<int>(colours.size());
}

bool sameWeights(const Network& a, const Network& b)
{
    return test::sameWeights(a, b, test::Masks::Compared);
}

} // namespace

class TestExport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_folder;

private slots:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("SparseScopeTests"));
        QApplication::setApplicationName(QStringLiteral("tst_export"));
        QVERIFY(m_folder.isValid());
    }

    void everyViewExportsValidFiles()
    {
        MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
        prepareTrained(window);
        const QString folder = m_folder.filePath(QStringLiteral("all"));
        QStringList stems;
        for (const QString& id : window.viewIds())
            for (const NamedPlot& plot : exportablePlots(window.view(id)))
                stems << plot.stem;
        QVERIFY(stems.contains(QStringLiteral("training")));
        QVERIFY(stems.contains(QStringLiteral("weights-histogram")));
        QVERIFY(stems.contains(QStringLiteral("confusion")));

        // PNG: the signature, the requested size times the scale, and a real picture.
        ExportOptions png;
        png.width = 420;
        png.height = 300;
        png.scale = 2.0;
        ExportReport report = window.sessions()->exportAllViews(folder, png);
        QVERIFY2(report.ok(), qPrintable(report.errors.join(QLatin1Char('\n'))));
        QCOMPARE(report.written.size(), stems.size());
        for (const QString& stem : stems) {
            const QString path = QDir(folder).filePath(stem + QStringLiteral(".png"));
            const QByteArray bytes = readBytes(path);
            QVERIFY2(bytes.startsWith(QByteArray("\x89PNG\r\n\x1a\n", 8)), qPrintable(path));
            QImage image;
            QVERIFY(image.loadFromData(bytes, "PNG"));
            QCOMPARE(image.size(), QSize(840, 600));
            QVERIFY2(distinctColours(image) > 20, qPrintable(path));
        }

        // PDF: a PDF document with one page of the requested size in points.
        ExportOptions pdf;
        pdf.format = ExportFormat::Pdf;
        pdf.width = 500;
        pdf.height = 320;
        report = window.sessions()->exportAllViews(folder, pdf);
        QVERIFY2(report.ok(), qPrintable(report.errors.join(QLatin1Char('\n'))));
        for (const QString& stem : stems) {
            const QByteArray bytes = readBytes(QDir(folder).filePath(stem + QStringLiteral(".pdf")));
            QVERIFY(bytes.startsWith("%PDF-"));
            QVERIFY(bytes.trimmed().endsWith("%%EOF"));
            QVERIFY(bytes.contains("/MediaBox [0 0 500.000000 320.000000]"));
            QVERIFY(bytes.size() > 2000);
        }

        // SVG: well-formed XML with an <svg> root of the requested size, drawn with paths and text.
        ExportOptions svg;
        svg.format = ExportFormat::Svg;
        svg.width = 640;
        svg.height = 400;
        svg.theme = PlotTheme::Publication;
        report = window.sessions()->exportAllViews(folder, svg);
        QVERIFY2(report.ok(), qPrintable(report.errors.join(QLatin1Char('\n'))));
        for (const QString& stem : stems) {
            QXmlStreamReader xml(readBytes(QDir(folder).filePath(stem + QStringLiteral(".svg"))));
            QString root;
            QString viewBox;
            int paths = 0;
            int texts = 0;
            while (!xml.atEnd()) {
                if (xml.readNext() != QXmlStreamReader::StartElement)
                    continue;
                if (root.isEmpty()) {
                    root = xml.name().toString();
                    viewBox = xml.attributes().value(QStringLiteral("viewBox")).toString();
                }
                paths += xml.name() == QLatin1String("path") || xml.name() == QLatin1String("polyline");
                texts += xml.name() == QLatin1String("text");
            }
            QVERIFY2(!xml.hasError(), qPrintable(stem + QStringLiteral(": ") + xml.errorString()));
            QCOMPARE(root, QStringLiteral("svg"));
            QCOMPARE(viewBox, QStringLiteral("0 0 640 400"));
            QVERIFY2(paths > 3, qPrintable(stem));
            QVERIFY2(texts > 3, qPrintable(stem));
        }
        // The publication look was for the export only: the window's plots are as before.
        QCOMPARE(window.view(QStringLiteral("training"))->plots().first()->xAxis->tickLabelColor(),
                 plotcolors::text());

        // CSV: the points the training curves show, the counts the confusion matrix shows.
        ExportOptions csv;
        csv.format = ExportFormat::Csv;
        report = window.sessions()->exportAllViews(folder, csv);
        QVERIFY2(report.ok(), qPrintable(report.errors.join(QLatin1Char('\n'))));
        const SnapshotPtr shown = window.shownSnapshot();
        const QList<QStringList> training = parseCsv(QString::fromUtf8(readBytes(QDir(folder).filePath(QStringLiteral("training.csv")))));
        QCOMPARE(training.first(), (QStringList{"series", "type", "x_axis", "x", "x_label", "y_axis", "y", "y_label", "value"}));
        QList<double> accuracy;
        QList<double> epochs;
        for (const QStringList& row : training)
            if (row[0] == QLatin1String("test accuracy") && row[1] == QLatin1String("graph")) {
                epochs << row[3].toDouble();
                accuracy << row[6].toDouble();
            }
        QCOMPARE(accuracy.size(), static_cast<int>(shown->history->size()));
        for (int i = 0; i < accuracy.size(); ++i) {
            QCOMPARE(epochs[i], (*shown->history)[static_cast<std::size_t>(i)].epoch);
            QCOMPARE(accuracy[i], (*shown->history)[static_cast<std::size_t>(i)].testAccuracy);
        }
        const QList<QStringList> confusion = parseCsv(QString::fromUtf8(readBytes(QDir(folder).filePath(QStringLiteral("confusion.csv")))));
        const ConfusionMatrix& matrix = shown->evaluation.report.confusion;
        const auto& names = shown->data->split.test.classNames;
        int cells = 0;
        for (const QStringList& row : confusion) {
            if (row[1] != QLatin1String("cell"))
                continue;
            ++cells;
            const int predicted = static_cast<int>(std::find(names.begin(), names.end(), row[4].toStdString()) - names.begin());
            const int truth = static_cast<int>(std::find(names.begin(), names.end(), row[7].toStdString()) - names.begin());
            QVERIFY2(predicted < 2 && truth < 2, qPrintable(row.join(QLatin1Char(','))));
            QCOMPARE(row[8].toLong(), static_cast<long>(matrix.count(truth, predicted)));
        }
        QCOMPARE(cells, 4);
    }

    void failedWritesKeepTheOldFile()
    {
        QCustomPlot plot;
        plot.addGraph()->setData({0, 1, 2}, {1, 4, 9});
        plot.graph(0)->setName(QStringLiteral("squares"));
        plot.rescaleAxes();
        ExportOptions png;
        png.width = 200;
        png.height = 150;

        // The parent of the target is a regular file: no folder can be made there, not even by root.
        const QString blocker = m_folder.filePath(QStringLiteral("plain-file"));
        writeBytes(blocker, "old contents");
        QString error;
        QVERIFY(!exportPlot(&plot, blocker + QStringLiteral("/plot.png"), png, &error));
        QVERIFY2(error.contains(QStringLiteral("plain-file/plot.png")), qPrintable(error));
        QCOMPARE(readBytes(blocker), QByteArray("old contents"));

        // The target is a folder with files in it: it is not replaced.
        const QString occupied = m_folder.filePath(QStringLiteral("occupied.png"));
        QVERIFY(QDir().mkpath(occupied + QStringLiteral("/inside")));
        QVERIFY(!exportPlot(&plot, occupied, png, &error));
        QVERIFY2(error.contains(QStringLiteral("folder")), qPrintable(error));
        QVERIFY(QFileInfo(occupied + QStringLiteral("/inside")).isDir());

        // A request that cannot be rendered leaves the existing file as it was.
        const QString existing = m_folder.filePath(QStringLiteral("existing.png"));
        QVERIFY(exportPlot(&plot, existing, png, &error));
        const QByteArray before = readBytes(existing);
        ExportOptions huge = png;
        huge.width = 50000;
        QVERIFY(!exportPlot(&plot, existing, huge, &error));
        QVERIFY2(error.contains(QStringLiteral("size")), qPrintable(error));
        QCOMPARE(readBytes(existing), before);

        // A whole view into a "folder" that is a file: reported, nothing written, file kept.
        MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
        window.show();
        QVERIFY(waitUntilSettled(window, kTimeout));
        const ExportReport report = window.sessions()->exportAllViews(blocker, png);
        QVERIFY(!report.ok());
        QVERIFY(report.written.isEmpty());
        QCOMPARE(readBytes(blocker), QByteArray("old contents"));

        // A session saved where it cannot be written: the message names the file, the old one stays.
        const QString session = m_folder.filePath(QStringLiteral("kept.json"));
        writeBytes(session, "previous session");
        QVERIFY(!window.sessions()->saveTo(blocker + QStringLiteral("/s.json"), &error));
        QVERIFY2(error.contains(QStringLiteral("plain-file/s.json")), qPrintable(error));
        QVERIFY(!window.sessions()->saveTo(occupied, &error));
        QCOMPARE(readBytes(session), QByteArray("previous session"));
        QVERIFY(window.sessions()->currentPath().isEmpty());
    }

    void exportDialogKeepsTheChoices()
    {
        ExportOptions options;
        options.format = ExportFormat::Pdf;
        options.width = 640;
        options.height = 480;
        options.theme = PlotTheme::Publication;
        ExportDialog dialog(ExportDialog::Target::File, QStringLiteral("/tmp/figures/confusion.png"), options);
        // The file's extension follows the format.
        QCOMPARE(dialog.destination(), QStringLiteral("/tmp/figures/confusion.pdf"));
        const ExportOptions chosen = dialog.options();
        QVERIFY(chosen.format == ExportFormat::Pdf);
        QCOMPARE(chosen.width, 640);
        QCOMPARE(chosen.height, 480);
        QVERIFY(chosen.theme == PlotTheme::Publication);
        auto* format = dialog.findChildren<QComboBox*>().value(0);
        QVERIFY(format);
        format->setCurrentIndex(format->findData(QStringLiteral("csv")));
        QCOMPARE(dialog.destination(), QStringLiteral("/tmp/figures/confusion.csv"));
        QVERIFY(dialog.options().format == ExportFormat::Csv);
    }

    void csvHoldsEveryPlottableKind()
    {
        QCustomPlot plot;
        QCPGraph* graph = plot.addGraph();
        graph->setName(QStringLiteral("a, quoted \"name\""));
        graph->setData({0.5, 1.5}, {0.1, 1e-7});
        auto* bars = new QCPBars(plot.xAxis, plot.yAxis);
        bars->setName(QStringLiteral("bars"));
        bars->setData({1, 2}, {10, 20});
        auto ticker = QSharedPointer<QCPAxisTickerText>::create();
        ticker->addTick(1, QStringLiteral("dense"));
        ticker->addTick(2, QStringLiteral("sparse"));
        plot.xAxis->setTicker(ticker);
        plot.xAxis->setLabel(QStringLiteral("model"));
        auto* map = new QCPColorMap(plot.xAxis, plot.yAxis);
        map->data()->setSize(2, 1);
        map->data()->setRange(QCPRange(0, 1), QCPRange(5, 5));
        map->data()->setCell(0, 0, 3.0);
        map->data()->setCell(1, 0, std::nan(""));
        auto* hidden = plot.addGraph();
        hidden->setData({1}, {1});
        hidden->setVisible(false);
        auto* line = new QCPItemStraightLine(&plot);
        line->point1->setCoords(0.25, 0);
        line->point2->setCoords(0.25, 1);

        const QList<QStringList> rows = parseCsv(plotDataCsv(&plot));
        QCOMPARE(rows.size(), 1 + 2 + 2 + 2 + 2);
        QCOMPARE(rows[1], (QStringList{"a, quoted \"name\"", "graph", "model", "0.5", "", "", "0.1", "", ""}));
        QCOMPARE(rows[2][6], QStringLiteral("1e-07"));
        QCOMPARE(rows[3], (QStringList{"bars", "bars", "model", "1", "dense", "", "10", "", ""}));
        QCOMPARE(rows[4][4], QStringLiteral("sparse"));
        QCOMPARE(rows[5][1], QStringLiteral("cell"));
        QCOMPARE(rows[5][8], QStringLiteral("3"));
        QCOMPARE(rows[6][8], QString()); // NaN (a pruned cell) is left empty
        QCOMPARE(rows[7][1], QStringLiteral("line"));
        QCOMPARE(rows[7][3], QStringLiteral("0.25"));
    }

    void sessionRoundTripThroughTheWindow()
    {
        const QString first = m_folder.filePath(QStringLiteral("round.json"));
        SnapshotPtr saved;
        ControlState savedControls;
        PruneScanResult savedScan;
        SweepResult savedSweep;
        {
            MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
            prepareTrained(window, 5);
            // A marker: lambda changed between epochs.
            ControlState state = window.controls()->state();
            state.lambda = 1e-2;
            window.controls()->setState(state);
            window.engine()->setTraining(state.trainingConfig());
            // An edited energy table (DRAM reads cheaper) belongs to the session as well.
            auto* efficiency = qobject_cast<EfficiencyView*>(window.view(QStringLiteral("efficiency")));
            EnergyTable table = efficiency->energyTable();
            table.dramRead32 = 320.0;
            table.sramCapacityBytes = 64;
            efficiency->setEnergyTable(table);
            window.engine()->setEnergyTable(table);
            QVERIFY(trainAndWait(window, 2, kTimeout));
            // The tradeoff view's prune scan of these weights and a small sweep go into the session too.
            auto* tradeoff = qobject_cast<TradeoffView*>(window.view(QStringLiteral("tradeoff")));
            tradeoff->setPerLayerSensitivity(true);
            tradeoff->renderNow();
            SweepGrid grid;
            grid.l1 = {0.0, 1e-3};
            grid.sparsities = {0.0, 0.5};
            SweepOptions options;
            options.architecture = window.shownSnapshot()->trained->architecture();
            options.training = window.shownSnapshot()->training;
            options.epochs = 2;
            tradeoff->startSweep(grid, options);
            // Finished jobs report through queued signals: wait for the results themselves.
            QTRY_VERIFY_WITH_TIMEOUT(!tradeoff->isBusy() && tradeoff->scanResult() && tradeoff->sweepResult(), kTimeout);
            QCOMPARE(tradeoff->sweepResult()->rows.size(), std::size_t(4));
            savedScan = *tradeoff->scanResult();
            savedSweep = *tradeoff->sweepResult();
            saved = window.shownSnapshot();
            savedControls = window.controls()->state();
            QVERIFY(saved->markers && !saved->markers->empty());
            QVERIFY(window.sessions()->isModified());
            QString error;
            QVERIFY2(window.sessions()->saveTo(first, &error), qPrintable(error));
            QVERIFY(!window.sessions()->isModified());
            QCOMPARE(window.sessions()->recentFiles().value(0), QFileInfo(first).absoluteFilePath());
        }

        MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
        window.show();
        QVERIFY(waitUntilSettled(window, kTimeout));
        QString error;
        QVERIFY2(openSessionAndWait(window, first, kTimeout, &error), qPrintable(error));
        const SnapshotPtr restored = window.shownSnapshot();
        QVERIFY(sameWeights(*restored->trained, *saved->trained));
        QVERIFY(restored->compression == saved->compression);
        QCOMPARE(restored->epoch, saved->epoch);
        QCOMPARE(restored->steps, saved->steps);
        QCOMPARE(restored->evaluation.report.accuracy, saved->evaluation.report.accuracy);
        QCOMPARE(restored->evaluation.report.macro.f1, saved->evaluation.report.macro.f1);
        QVERIFY(restored->evaluation.report.confusion == saved->evaluation.report.confusion);
        QCOMPARE(restored->evaluation.weights.sparsity, saved->evaluation.weights.sparsity);
        QCOMPARE(restored->evaluation.efficiency.energyTotalPj, saved->evaluation.efficiency.energyTotalPj);
        QCOMPARE(qobject_cast<EfficiencyView*>(window.view(QStringLiteral("efficiency")))->energyTable().dramRead32, 320.0);
        QCOMPARE(restored->history->size(), saved->history->size());
        QCOMPARE(restored->history->back().testAccuracy, saved->history->back().testAccuracy);
        QCOMPARE(restored->markers->size(), saved->markers->size());
        QCOMPARE(restored->markers->back().text, saved->markers->back().text);
        const ControlState controls = window.controls()->state();
        QCOMPARE(controls.lambda, savedControls.lambda);
        QCOMPARE(controls.threshold, savedControls.threshold);
        QCOMPARE(controls.precisionIndex, savedControls.precisionIndex);
        QCOMPARE(controls.model.hidden, savedControls.model.hidden);
        // The views show the restored state: the headline and the training curve.
        QCOMPARE(window.headline()->value(QStringLiteral("accuracy")),
                 QString::number(saved->evaluation.report.accuracy, 'f', 3));
        auto* training = static_cast<TrainingView*>(window.view(QStringLiteral("training")));
        training->renderNow();
        QCOMPARE(training->pointCount(), static_cast<int>(saved->history->size()));
        QVERIFY(!window.sessions()->isModified());
        // The scan is recomputed from the restored weights (the same curve); the sweep is restored.
        auto* tradeoff = qobject_cast<TradeoffView*>(window.view(QStringLiteral("tradeoff")));
        QVERIFY(tradeoff->scanResult());
        QVERIFY(tradeoff->sweepResult());
        QCOMPARE(tradeoff->scanResult()->points.size(), savedScan.points.size());
        QVERIFY(tradeoff->perLayerSensitivity());
        QVERIFY(!savedScan.layers.empty());
        QTRY_VERIFY_WITH_TIMEOUT(!tradeoff->isBusy() && tradeoff->scanResult()
                                     && tradeoff->scanResult()->layers.size() == savedScan.layers.size(),
                                 kTimeout);
        for (std::size_t i = 0; i < savedScan.points.size(); ++i)
            QCOMPARE(tradeoff->scanResult()->points[i].accuracy, savedScan.points[i].accuracy);
        QCOMPARE(tradeoff->sweepResult()->rows.size(), savedSweep.rows.size());
        for (std::size_t i = 0; i < savedSweep.rows.size(); ++i) {
            QCOMPARE(tradeoff->sweepResult()->rows[i].accuracy, savedSweep.rows[i].accuracy);
            QCOMPARE(tradeoff->sweepResult()->rows[i].paretoSparsity, savedSweep.rows[i].paretoSparsity);
        }
        QCOMPARE(tradeoff->sweepOptions().epochs, 2);
        // The sweep against estimated energy: a log axis in pJ, every configuration drawn.
        tradeoff->setSweepAxis(TradeoffView::SweepAxis::Energy);
        tradeoff->renderNow();
        QCustomPlot* sweepPlot = nullptr;
        for (const NamedPlot& plot : exportablePlots(tradeoff))
            if (plot.plot->objectName() == QLatin1String("sweep"))
                sweepPlot = plot.plot;
        QVERIFY(sweepPlot);
        QVERIFY(sweepPlot->xAxis->label().contains(QStringLiteral("energy")));
        QCOMPARE(sweepPlot->xAxis->scaleType(), QCPAxis::stLogarithmic);
        int drawn = 0;
        for (int g = 0; g < sweepPlot->graphCount(); ++g)
            if (sweepPlot->graph(g)->name() != QStringLiteral("Pareto front"))
                drawn += sweepPlot->graph(g)->dataCount();
        QCOMPARE(drawn, static_cast<int>(savedSweep.rows.size()));
        tradeoff->setSweepAxis(TradeoffView::SweepAxis::Sparsity);

        // Saved again without changes: the same file, byte for byte.
        const QString second = m_folder.filePath(QStringLiteral("round-again.json"));
        QVERIFY2(window.sessions()->saveTo(second, &error), qPrintable(error));
        QCOMPARE(readBytes(second), readBytes(first));

        // Training on continues the epochs where the session left them.
        QVERIFY(trainAndWait(window, 1, kTimeout));
        QCOMPARE(window.shownSnapshot()->epoch, saved->epoch + 1);
        QVERIFY(window.sessions()->isModified());
    }

    // Each view writes its own part of a saved session and takes it back on open: the
    // efficiency view its whole energy table, the tradeoff view the prune scan of the saved
    // weights (into the file itself) and its per-layer switch.
    void viewsKeepTheirPartOfTheSession()
    {
        const QString path = m_folder.filePath(QStringLiteral("views.json"));
        EnergyTable table;
        table.addInt8 = 0.05;
        table.multFp32 = 4.5;
        table.dramRead32 = 320.0;
        table.sramCapacityBytes = 64;
        PruneScanResult savedScan;
        {
            MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
            prepareTrained(window, 2);
            auto* efficiency = qobject_cast<EfficiencyView*>(window.view(QStringLiteral("efficiency")));
            efficiency->setEnergyTable(table);
            window.engine()->setEnergyTable(table);
            QVERIFY(waitUntilSettled(window, kTimeout));
            auto* tradeoff = qobject_cast<TradeoffView*>(window.view(QStringLiteral("tradeoff")));
            tradeoff->setPerLayerSensitivity(true);
            tradeoff->renderNow();
            QTRY_VERIFY_WITH_TIMEOUT(!tradeoff->isBusy() && tradeoff->scanResult() && !tradeoff->scanResult()->layers.empty(),
                                     kTimeout);
            savedScan = *tradeoff->scanResult();
            QString error;
            QVERIFY2(window.sessions()->saveTo(path, &error), qPrintable(error));
        }

        const Session file = loadSession(path.toStdString());
        QVERIFY(file.pruneScan);
        QCOMPARE(file.pruneScan->points.size(), savedScan.points.size());
        for (std::size_t i = 0; i < savedScan.points.size(); ++i)
            QCOMPARE(file.pruneScan->points[i].accuracy, savedScan.points[i].accuracy);
        QCOMPARE(file.pruneScan->layers.size(), savedScan.layers.size());
        QCOMPARE(file.app.value("per_layer_sensitivity", false), true);
        QVERIFY(file.app.contains("energy"));

        MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
        window.show();
        QVERIFY(waitUntilSettled(window, kTimeout));
        QString error;
        QVERIFY2(openSessionAndWait(window, path, kTimeout, &error), qPrintable(error));
        const EnergyTable restored = qobject_cast<EfficiencyView*>(window.view(QStringLiteral("efficiency")))->energyTable();
        QCOMPARE(restored.addInt8, table.addInt8);
        QCOMPARE(restored.multFp32, table.multFp32);
        QCOMPARE(restored.dramRead32, table.dramRead32);
        QCOMPARE(restored.sramCapacityBytes, table.sramCapacityBytes);
        QVERIFY(qobject_cast<TradeoffView*>(window.view(QStringLiteral("tradeoff")))->perLayerSensitivity());
    }

    void badSessionsChangeNothing()
    {
        MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
        prepareTrained(window, 2);
        const SnapshotPtr before = window.shownSnapshot();
        QString error;
        const QString good = m_folder.filePath(QStringLiteral("good.json"));
        QVERIFY(window.sessions()->saveTo(good, &error));
        nlohmann::json json = nlohmann::json::parse(readBytes(good).toStdString());

        // Refused while reading: an unknown version.
        nlohmann::json edited = json;
        edited["version"] = 7;
        const QString versioned = m_folder.filePath(QStringLiteral("v7.json"));
        writeBytes(versioned, QByteArray::fromStdString(edited.dump()));
        QVERIFY(!openSessionAndWait(window, versioned, kTimeout, &error));
        QVERIFY2(error.contains(QStringLiteral("v7.json")) && error.contains(QStringLiteral("version")), qPrintable(error));

        // Refused while reading: an energy table of the app that is not one.
        edited = json;
        edited["app"]["energy"]["dram_read32_pj"] = "cheap";
        const QString energy = m_folder.filePath(QStringLiteral("energy.json"));
        writeBytes(energy, QByteArray::fromStdString(edited.dump()));
        error.clear();
        QVERIFY(!openSessionAndWait(window, energy, kTimeout, &error));
        QVERIFY2(error.contains(QStringLiteral("app.energy.dram_read32_pj")), qPrintable(error));

        // Refused by the engine: the data (iris, 4 features) does not fit the saved weights.
        edited = json;
        edited["dataset"]["request"]["name"] = "iris";
        edited["dataset"]["source"] = "bundled";
        const QString misfit = m_folder.filePath(QStringLiteral("misfit.json"));
        writeBytes(misfit, QByteArray::fromStdString(edited.dump()));
        error.clear();
        QVERIFY(!openSessionAndWait(window, misfit, kTimeout, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(window.problemBanner()->text().contains(QStringLiteral("Nothing was changed")));

        // Refused while reading, the message short: an optimizer named by a million characters
        // is quoted in part (the whole of it takes the banner many seconds to lay out).
        edited = json;
        edited["training"]["optimizer"]["kind"] = std::string(1'000'000, 'z');
        const QString longName = m_folder.filePath(QStringLiteral("long-name.json"));
        writeBytes(longName, QByteArray::fromStdString(edited.dump()));
        error.clear();
        QVERIFY(!openSessionAndWait(window, longName, kTimeout, &error));
        QVERIFY2(error.contains(QStringLiteral("long-name.json")) && error.contains(QStringLiteral("training.optimizer"))
                     && error.size() < 1000,
                 qPrintable(error.left(1000)));
        QVERIFY(window.problemBanner()->text().size() < 1000);

        QVERIFY(waitUntilSettled(window, kTimeout));
        const SnapshotPtr after = window.shownSnapshot();
        QCOMPARE(after->modelGeneration, before->modelGeneration);
        QCOMPARE(after->datasetRequest.nameOrPath, std::string("moons"));
        QVERIFY(sameWeights(*after->trained, *before->trained));
        QCOMPARE(window.sessions()->currentPath(), QFileInfo(good).absoluteFilePath());
    }

    // Sessions on a CSV file, whose shape the session loader cannot know without reading the
    // data: class names that are not the data's (the engine compares only the counts) and a
    // session without a model whose architecture takes more inputs than the file has. Both
    // are refused once the data is prepared, with the banner, and the window keeps its state.
    void sessionsThatDoNotFitTheirDataAreRefused()
    {
        const QString csv = m_folder.filePath(QStringLiteral("points.csv"));
        QByteArray text = "a,b,label\n";
        for (int i = 0; i < 40; ++i)
            text += QByteArray::number(i % 7) + ',' + QByteArray::number((i * 3) % 5 + (i % 2) * 4) + ','
                    + (i % 2 ? "up" : "down") + '\n';
        writeBytes(csv, text);
        DatasetRequest request;
        request.nameOrPath = csv.toStdString();
        const PreparedData data = prepareDataset(request);
        Session session;
        session.dataset = describeDataset(request);
        session.architecture.inputs = 2;
        session.architecture.classes = 2;
        session.architecture.hidden = {3};
        TrainedModel model;
        model.network = Network(session.architecture, session.modelSeed);
        model.scaler = data.scaler;
        model.classNames = data.split.train.classNames;
        model.featureNames = data.split.train.featureNames;
        session.model = model;
        const auto saved = [&](const QString& name, const Session& content) {
            const QString path = m_folder.filePath(name);
            saveSession(path.toStdString(), content);
            return path;
        };

        MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
        window.show();
        QString error;
        QVERIFY2(openSessionAndWait(window, saved(QStringLiteral("fits.json"), session), kTimeout, &error),
                 qPrintable(error));
        QVERIFY(waitUntilSettled(window, kTimeout));
        const SnapshotPtr before = window.shownSnapshot();
        QCOMPARE(before->datasetRequest.nameOrPath, csv.toStdString());

        Session renamed = session;
        renamed.model->classNames = {"left", "right"};
        const QString renamedFile = saved(QStringLiteral("renamed.json"), renamed);
        QVERIFY(!openSessionAndWait(window, renamedFile, kTimeout, &error));
        QVERIFY2(error.contains(QStringLiteral("renamed.json")) && error.contains(QStringLiteral("class names")),
                 qPrintable(error));
        QVERIFY(window.problemBanner()->isVisible());
        QVERIFY2(window.problemBanner()->text().contains(QStringLiteral("class names"))
                     && window.problemBanner()->text().contains(QStringLiteral("Nothing was changed")),
                 qPrintable(window.problemBanner()->text()));

        Session wider = session;
        wider.model.reset();
        wider.architecture.inputs = 7;
        error.clear();
        QVERIFY(!openSessionAndWait(window, saved(QStringLiteral("wider.json"), wider), kTimeout, &error));
        QVERIFY2(error.contains(QStringLiteral("wider.json")) && error.contains(QStringLiteral("architecture.inputs")),
                 qPrintable(error));

        QVERIFY(waitUntilSettled(window, kTimeout));
        const SnapshotPtr after = window.shownSnapshot();
        QCOMPARE(after->modelGeneration, before->modelGeneration);
        QCOMPARE(after->datasetRequest.nameOrPath, csv.toStdString());
        QVERIFY(sameWeights(*after->trained, *before->trained));
        QCOMPARE(window.sessions()->currentPath(), QFileInfo(m_folder.filePath(QStringLiteral("fits.json"))).absoluteFilePath());
    }

    void closeAsksAboutUnsavedChanges()
    {
        MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
        window.show();
        QVERIFY(waitUntilSettled(window, kTimeout));
        int asked = 0;
        QMessageBox::StandardButton answer = QMessageBox::Cancel;
        window.sessions()->setAskToSave([&](const QString&) {
            ++asked;
            return answer;
        });
        // Nothing trained: nothing to lose, no question.
        QVERIFY(!window.sessions()->isModified());
        QVERIFY(window.sessions()->confirmClose());
        QCOMPARE(asked, 0);

        window.applyState(quickState(), false);
        QVERIFY(trainAndWait(window, 1, kTimeout));
        QVERIFY(window.sessions()->isModified());
        QVERIFY(window.isWindowModified());
        QVERIFY(!window.close()); // Cancel
        QCOMPARE(asked, 1);
        QVERIFY(window.isVisible());

        // Save chooses a file (through the replaceable dialog), then the window may close.
        const QString path = m_folder.filePath(QStringLiteral("on-close.json"));
        window.sessions()->setChooseSavePath([&] { return path; });
        answer = QMessageBox::Save;
        QVERIFY(window.close());
        QCOMPARE(asked, 2);
        QVERIFY(QFileInfo::exists(path));
        QVERIFY(!window.sessions()->isModified());
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("on-close.json")));
    }

    void copyImageAndPresentationMode()
    {
        MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
        prepareTrained(window, 2);
        window.showView(QStringLiteral("training"));
        QVERIFY(window.sessions()->copyCurrentViewImage());
        const QImage copied = QApplication::clipboard()->image();
        QVERIFY(!copied.isNull());
        QVERIFY(distinctColours(copied) > 20);

        QCustomPlot* plot = window.view(QStringLiteral("training"))->plots().first();
        const double font = plot->xAxis->tickLabelFont().pointSizeF();
        const double pen = plot->graph(0)->pen().widthF();
        window.sessions()->setPresentationMode(true);
        QCOMPARE(plot->xAxis->tickLabelFont().pointSizeF(), font * 1.6);
        QVERIFY(plot->graph(0)->pen().widthF() > pen * 2);
        // Redraws (training goes on) keep the look, without growing it further.
        window.view(QStringLiteral("training"))->renderNow();
        window.view(QStringLiteral("training"))->renderNow();
        QCOMPARE(plot->xAxis->tickLabelFont().pointSizeF(), font * 1.6);
        window.sessions()->setPresentationMode(false);
        QCOMPARE(plot->xAxis->tickLabelFont().pointSizeF(), font);
        QCOMPARE(plot->graph(0)->pen().widthF(), pen);
        QCOMPARE(currentPlotTheme(), PlotTheme::Screen);
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
