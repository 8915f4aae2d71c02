// The small parts of the desktop app: sliders with typed entries, the control state and
// its conversions, presets, the settings wrapper, and the help text's worked example.
#include "window/AppSettings.h"
#include "controls/ControlPanel.h"
#include "controls/ControlState.h"
#include "window/HelpDialog.h"
#include "controls/Presets.h"
#include "controls/ValueSlider.h"

#include "metrics/Metrics.h"

#include <QLineEdit>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "../common/WorkedConfusionExample.h"

using namespace ss;

class TestWidgets : public QObject {
    Q_OBJECT

private slots:
    void logSliderWithZero()
    {
        ValueSlider slider(QStringLiteral("lambda"));
        slider.setLogRange(1e-6, 1.0, true, 1000);
        QCOMPARE(slider.valueAt(0), 0.0);
        QVERIFY(std::abs(slider.valueAt(1) - 1e-6) < 1e-12);
        QVERIFY(std::abs(slider.valueAt(1000) - 1.0) < 1e-9);
        // Position 1 + 999/2 sits halfway in log space: 1e-3.
        QVERIFY(std::abs(std::log10(slider.valueAt(500)) - (-6.0 + 6.0 * 499.0 / 999.0)) < 1e-9);
        QCOMPARE(slider.positionOf(0.0), 0);
        QCOMPARE(slider.positionOf(1e-6), 1);
        QCOMPARE(slider.positionOf(1.0), 1000);
        for (int p : {1, 17, 333, 999})
            QCOMPARE(slider.positionOf(slider.valueAt(p)), p);
    }

    void linearSliderRoundTrips()
    {
        ValueSlider slider(QStringLiteral("t"));
        slider.setLinearRange(0.0, 2.0, 200);
        QCOMPARE(slider.valueAt(100), 1.0);
        QCOMPARE(slider.positionOf(0.5), 50);
        QCOMPARE(slider.positionOf(5.0), 200);   // clamped
        QCOMPARE(slider.positionOf(-1.0), 0);
    }

    void userMovesEmitProgrammaticDoNot()
    {
        ValueSlider slider(QStringLiteral("lr"));
        slider.setLogRange(1e-5, 1.0, false, 100);
        QSignalSpy spy(&slider, &ValueSlider::valueChanged);
        slider.setValue(0.01);
        QCOMPARE(spy.count(), 0);
        QCOMPARE(slider.value(), 0.01);
        slider.slider()->setValue(100);
        QCOMPARE(spy.count(), 1);
        QVERIFY(std::abs(spy.at(0).at(0).toDouble() - 1.0) < 1e-9);
        QVERIFY(std::abs(slider.value() - 1.0) < 1e-9);
    }

    void typedEntryIsExactAndValidated()
    {
        ValueSlider slider(QStringLiteral("lambda"));
        slider.setLogRange(1e-6, 1.0, true, 1000);
        slider.setValue(0.001);
        QSignalSpy spy(&slider, &ValueSlider::valueChanged);
        slider.editor()->setText(QStringLiteral("3.3e-4"));
        emit slider.editor()->editingFinished();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(slider.value(), 3.3e-4); // exact, not the nearest slider stop
        QCOMPARE(slider.slider()->value(), slider.positionOf(3.3e-4));

        slider.editor()->setText(QStringLiteral("abc"));
        emit slider.editor()->editingFinished();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(slider.value(), 3.3e-4);
        QVERIFY(slider.editor()->styleSheet().contains(QStringLiteral("background")));
        QVERIFY(slider.editor()->toolTip().contains(QStringLiteral("abc")));

        slider.editor()->setText(QStringLiteral("5"));   // above the range
        emit slider.editor()->editingFinished();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(slider.value(), 3.3e-4);

        slider.editor()->setText(QStringLiteral("0"));   // the exact zero of this log scale
        emit slider.editor()->editingFinished();
        QCOMPARE(spy.count(), 2);
        QCOMPARE(slider.value(), 0.0);
        QCOMPARE(slider.slider()->value(), 0);
    }

    void choiceSlider()
    {
        ChoiceSlider slider(QStringLiteral("Weights"), precisionLabels());
        QSignalSpy spy(&slider, &ChoiceSlider::indexChanged);
        slider.setIndex(3);
        QCOMPARE(spy.count(), 0);
        QCOMPARE(slider.currentText(), QStringLiteral("int8"));
        slider.slider()->setValue(7);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(slider.currentText(), QStringLiteral("int4"));
    }

    void precisionStops_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("label");
        QTest::addColumn<int>("bits");
        QTest::newRow("fp32") << 0 << "fp32" << 32;
        QTest::newRow("fp16") << 1 << "fp16" << 16;
        QTest::newRow("bf16") << 2 << "bf16" << 16;
        QTest::newRow("int8") << 3 << "int8" << 8;
        QTest::newRow("int4") << 7 << "int4" << 4;
        QTest::newRow("int2") << 9 << "int2" << 2;
        QTest::newRow("ternary") << 10 << "ternary" << 2;
        QTest::newRow("binary") << 11 << "binary" << 1;
    }
    void precisionStops()
    {
        QFETCH(int, index);
        QFETCH(QString, label);
        QFETCH(int, bits);
        const QuantizationSpec spec = precisionAt(index, QuantizationSpec::Granularity::PerTensor);
        QCOMPARE(QString::fromStdString(spec.label()), label);
        QCOMPARE(spec.storageBits(), bits);
        QCOMPARE(precisionIndexOf(spec), index);
        // Per row only exists for integers; the others stay canonical.
        const QuantizationSpec row = precisionAt(index, QuantizationSpec::Granularity::PerRow);
        QCOMPARE(row.granularity == QuantizationSpec::Granularity::PerRow, spec.format == QuantizationSpec::Format::Int);
    }

    void controlStateToEngineSettings()
    {
        ControlState state;
        state.lambda = 0.01;
        state.alpha = 0.25;
        state.learningRate = 3e-3;
        state.batchSize = 17;
        state.l1Mode = L1Mode::Subgradient;
        state.dropout = 0.3;
        state.model.seed = 9;
        const TrainingConfig config = state.trainingConfig();
        QCOMPARE(config.regularization.l1, 0.0025);
        QCOMPARE(config.regularization.l2, 0.0075);
        QVERIFY(config.regularization.l1Mode == L1Mode::Subgradient);
        QCOMPARE(config.regularization.dropout, 0.3);
        QVERIFY(config.optimizer.learningRate == 3e-3);
        QCOMPARE(config.batchSize, 17);
        QCOMPARE(config.seed, std::uint64_t{9});
        config.validate();

        state.pruneBy = PruningSpec::Criterion::TargetSparsity;
        state.targetSparsity = 0.9;
        state.precisionIndex = 7;
        state.granularity = QuantizationSpec::Granularity::PerRow;
        const CompressionSetting setting = state.compression();
        QCOMPARE(setting.pruning.criterion, PruningSpec::Criterion::TargetSparsity);
        QCOMPARE(setting.pruning.targetSparsity, 0.9);
        QCOMPARE(setting.precision.bits, 4);
        QCOMPARE(setting.precision.granularity, QuantizationSpec::Granularity::PerRow);
    }

    void hiddenLayerText()
    {
        QCOMPARE(hiddenFromText(QStringLiteral("16, 8")), (std::vector<int>{16, 8}));
        QCOMPARE(hiddenFromText(QStringLiteral("32-32")), (std::vector<int>{32, 32}));
        QVERIFY(hiddenFromText(QStringLiteral("logistic")).empty());
        QVERIFY(hiddenFromText(QString()).empty());
        QCOMPARE(hiddenToText({}), QStringLiteral("logistic"));
        QCOMPARE(hiddenToText({64, 32}), QStringLiteral("64,32"));
        QVERIFY_THROWS_EXCEPTION(std::exception, hiddenFromText(QStringLiteral("16,abc")));
    }

    void panelReportsUserChanges()
    {
        ControlPanel panel;
        QSignalSpy training(&panel, &ControlPanel::trainingChanged);
        QSignalSpy compression(&panel, &ControlPanel::compressionChanged);
        QSignalSpy dataset(&panel, &ControlPanel::datasetRequested);
        ControlState state;
        state.lambda = 0.02;
        panel.setState(state);
        QCOMPARE(training.count() + compression.count() + dataset.count(), 0); // presets do not echo
        panel.lambdaSlider()->slider()->setValue(panel.lambdaSlider()->slider()->maximum());
        QCOMPARE(training.count(), 1);
        QCOMPARE(training.at(0).at(0).value<TrainingConfig>().regularization.l1, 1.0);
        panel.setTargetSparsityFromPlot(0.8);
        QCOMPARE(compression.count(), 1);
        QCOMPARE(panel.state().pruneBy, PruningSpec::Criterion::TargetSparsity);
        QCOMPARE(panel.state().compression().pruning.targetSparsity, 0.8);
        QVERIFY(panel.sparsitySlider()->isVisibleTo(&panel));
        QVERIFY(!panel.thresholdSlider()->isVisibleTo(&panel));
    }

    void presetsAreComplete()
    {
        QStringList ids;
        for (const Preset& preset : presets()) {
            QVERIFY(!preset.id.isEmpty());
            QVERIFY(!ids.contains(preset.id));
            ids << preset.id;
            QVERIFY2(preset.lesson.size() > 80, qPrintable(preset.id));
            preset.state.trainingConfig().validate();
            QVERIFY(findPreset(preset.id) != nullptr);
        }
        for (const char* required : {"article", "l1-vs-l2", "fashion-95", "bits"})
            QVERIFY2(ids.contains(QString::fromLatin1(required)), required);
        const Preset* article = findPreset(QStringLiteral("article"));
        // The article's own setting: its data, logistic, Adam lr 1e-3, batch 10, L1 0.01, with the naive version beside it.
        QCOMPARE(article->state.dataset.nameOrPath, std::string("article"));
        QVERIFY(article->state.model.hidden.empty());
        QVERIFY(article->state.optimizer == OptimizerKind::Adam);
        QCOMPARE(article->state.learningRate, 1e-3);
        QCOMPARE(article->state.batchSize, 10);
        QCOMPARE(article->state.trainingConfig().regularization.l1, 0.01);
        QVERIFY(article->state.l1Mode == L1Mode::Proximal);
        QCOMPARE(article->state.compare, ComparisonKind::OtherL1Step);
        QVERIFY(findPreset(QStringLiteral("fashion-95"))->needsFashionMnist);
        QVERIFY(findPreset(QStringLiteral("no-such-preset")) == nullptr);
    }

    void settingsRoundTrip()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("settings.ini"));
        ControlState state;
        state.dataset.nameOrPath = "spiral";
        state.dataset.samples = 900;
        state.dataset.noise = 0.15;
        state.dataset.classes = 4;
        state.dataset.seed = 77;
        state.model.hidden = {32, 16};
        state.model.activation = Activation::Tanh;
        state.optimizer = OptimizerKind::RmsProp;
        state.learningRate = 2e-3;
        state.lambda = 0.004;
        state.alpha = 0.5;
        state.l1Mode = L1Mode::Subgradient;
        state.compare = ComparisonKind::L2Instead;
        state.pruneBy = PruningSpec::Criterion::TargetSparsity;
        state.targetSparsity = 0.75;
        state.precisionIndex = 7;
        state.granularity = QuantizationSpec::Granularity::PerRow;
        state.pace = 0.0;
        state.epochLimit = 123;
        {
            AppSettings settings(file, nullptr);
            QSignalSpy changed(&settings, &AppSettings::controlsChanged);
            settings.setControls(state);
            settings.setCurrentView(QStringLiteral("weights"));
            settings.setTiledViews(true);
            QCOMPARE(changed.count(), 1);
            settings.sync();
        }
        AppSettings settings(file, nullptr);
        const ControlState back = settings.controls();
        QCOMPARE(back.dataset.nameOrPath, state.dataset.nameOrPath);
        QCOMPARE(back.dataset.samples, 900);
        QCOMPARE(back.dataset.noise, 0.15);
        QCOMPARE(back.dataset.classes, 4);
        QCOMPARE(back.dataset.seed, std::uint64_t{77});
        QCOMPARE(back.model, state.model);
        QVERIFY(back.optimizer == state.optimizer);
        QCOMPARE(back.learningRate, state.learningRate);
        QCOMPARE(back.lambda, state.lambda);
        QCOMPARE(back.alpha, state.alpha);
        QVERIFY(back.l1Mode == state.l1Mode);
        QCOMPARE(back.compare, state.compare);
        QVERIFY(back.compression() == state.compression());
        QCOMPARE(back.pace, 0.0);
        QCOMPARE(back.epochLimit, 123);
        QCOMPARE(settings.currentView(), QStringLiteral("weights"));
        QVERIFY(settings.tiledViews());
    }

    void badSettingsFallBackToDefaults()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("settings.ini"));
        {
            QSettings raw(file, QSettings::IniFormat);
            raw.setValue(QStringLiteral("dataset/name"), dir.filePath(QStringLiteral("gone.csv")));
            raw.setValue(QStringLiteral("training/learningRate"), QStringLiteral("fast"));
            raw.setValue(QStringLiteral("training/lambda"), -3.0);
            raw.setValue(QStringLiteral("model/hidden"), QStringLiteral("16,x"));
            raw.setValue(QStringLiteral("model/activation"), 99);
            raw.setValue(QStringLiteral("compression/precision"), 1000);
        }
        AppSettings settings(file, nullptr);
        const ControlState back = settings.controls();
        const ControlState defaults;
        QCOMPARE(back.dataset.nameOrPath, defaults.dataset.nameOrPath); // the CSV is gone
        QCOMPARE(back.learningRate, defaults.learningRate);
        QCOMPARE(back.lambda, defaults.lambda);
        QCOMPARE(back.model.hidden, defaults.model.hidden);
        QVERIFY(back.model.activation == defaults.model.activation);
        QCOMPARE(back.precisionIndex, static_cast<int>(precisionLabels().size()) - 1);
    }

    // The help's worked example must be what the core computes from the article's table.
    void helpWorkedExampleMatchesTheCore()
    {
        const test::WorkedConfusionExample example = test::workedConfusionExample();
        const ClassificationReport report = classificationReport(example.truth, example.predicted, 2);
        for (const test::ConfusionCell& cell : example.cells)
            QCOMPARE(report.confusion.count(cell.truth, cell.predicted), cell.count);
        const QString html = helpHtml();
        QVERIFY(html.contains(QStringLiteral("TP = 40")) && html.contains(QStringLiteral("FP = 40"))
                && html.contains(QStringLiteral("TN = 20")) && html.contains(QStringLiteral("FN = 0")));
        QVERIFY(html.contains(QStringLiteral("<b>%1</b>").arg(report.accuracy, 0, 'f', 2)));
        QVERIFY(html.contains(QStringLiteral("<b>%1</b>").arg(report.positive.precision, 0, 'f', 2)));
        QVERIFY(html.contains(QStringLiteral("<b>%1</b>").arg(report.positive.recall, 0, 'f', 2)));
        QVERIFY(html.contains(QStringLiteral("<b>%1</b>").arg(report.positive.f1, 0, 'f', 3)));
        for (const char* topic : {"name=\"sparsity\"", "name=\"l1\"", "name=\"pruning\"", "name=\"quantization\"",
                                  "name=\"metrics\"", "name=\"confusion\"", "name=\"article\""})
            QVERIFY2(html.contains(QString::fromLatin1(topic)), topic);
        HelpDialog dialog;
        dialog.showSection(QStringLiteral("article"));
        QVERIFY(dialog.html().contains(QStringLiteral("0.667")));
    }
};

QTEST_MAIN(TestWidgets)
#include "tst_widgets.moc"
