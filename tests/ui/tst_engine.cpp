// The worker-thread bridge on its own: commands coalesce, snapshots carry generations,
// warm starts keep the weights, the comparison run trains in lockstep, bad data is refused
// without losing the current dataset, pruning masks persist, limits are exact.
#include "data/IdxReader.h"
#include "engine/Engine.h"

#include "eval/InstantEvaluator.h"
#include "nn/WeightStatistics.h"

#include <QSignalSpy>
#include <QtTest>

#include "../common/TrainingFixtures.h"

using namespace ss;

namespace {

constexpr int kTimeout = 20000;
// Issue 11's budget for closing the window mid-load (release: 60 ms at most seen on a Zen 5).
// A sanitizer build runs the same work up to ten times slower (707 ms seen under ASan), so
// there the budget says nothing and the test is skipped.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
constexpr int kDestroyBudgetMs = 200;

// Collects what the engine sends, as the main window does.
class Listener : public QObject {
public:
    explicit Listener(Engine& engine)
    {
        connect(&engine, &Engine::snapshotReady, this, [this](const SnapshotPtr& snapshot) {
            if (latest && snapshot->generation < latest->generation)
                ++outOfOrder;
            latest = snapshot;
            ++received;
        });
        connect(&engine, &Engine::problem, this, [this](Engine::ProblemKind kind, const QString& title, const QString& message) {
            problems.push_back({kind, title + QStringLiteral(": ") + message});
        });
    }
    // Waits for a snapshot that includes everything posted so far and an idle engine.
    bool settle(Engine& engine)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < kTimeout) {
            const bool idle = engine.isIdle();
            QCoreApplication::sendPostedEvents(nullptr, QEvent::MetaCall);
            if (idle && latest && latest->generation == engine.postedGeneration())
                return true;
            QTest::qWait(2);
        }
        return false;
    }

    SnapshotPtr latest;
    int received = 0;
    int outOfOrder = 0;
    std::vector<std::pair<Engine::ProblemKind, QString>> problems;
};

DatasetRequest moons()
{
    return test::moonsRequest(300, 0.2, 4);
}

TrainingConfig adam(double learningRate, int batch, double l1 = 0.0)
{
    TrainingConfig config;
    config.optimizer.kind = OptimizerKind::Adam;
    config.optimizer.learningRate = learningRate;
    config.batchSize = batch;
    config.regularization.l1 = l1;
    return config;
}

ModelSpec mlp(std::vector<int> hidden)
{
    ModelSpec model;
    model.hidden = std::move(hidden);
    return model;
}

// Loads the moons into a network with these hidden layers; true once its snapshot is in.
bool loadMoons(Engine& engine, Listener& listener, std::vector<int> hidden)
{
    engine.setDataset(moons(), mlp(std::move(hidden)));
    return listener.settle(engine);
}

bool sameWeights(const Network& a, const Network& b)
{
    if (a.layers().size() != b.layers().size())
        return false;
    for (std::size_t l = 0; l < a.layers().size(); ++l)
        if (a.layers()[l].weights != b.layers()[l].weights || a.layers()[l].bias != b.layers()[l].bias)
            return false;
    return true;
}

} // namespace

class TestEngine : public QObject {
    Q_OBJECT

private slots:
    void firstSnapshotDescribesTheModel()
    {
        Engine engine;
        Listener listener(engine);
        engine.setTraining(adam(0.01, 16));
        QVERIFY(loadMoons(engine, listener, {8, 8}));
        const Snapshot& s = *listener.latest;
        QCOMPARE(s.steps, 0L);
        QCOMPARE(s.data->split.train.sampleCount() + s.data->split.test.sampleCount(), 300);
        QCOMPARE(s.trained->architecture().hidden, (std::vector<int>{8, 8}));
        QVERIFY(s.boundary);
        QCOMPARE(s.boundary->classes, 2);
        QCOMPARE(static_cast<int>(s.boundary->probabilities.size()), 2 * s.boundary->rows * s.boundary->columns);
        QCOMPARE(s.history->size(), std::size_t{1});
        QVERIFY(s.maxAbsWeight > 0);
    }

    void dragsCoalesceAndTheLatestWins()
    {
        Engine engine;
        Listener listener(engine);
        QVERIFY(loadMoons(engine, listener, {16}));
        const int before = listener.received;
        CompressionSetting setting;
        setting.pruning.criterion = PruningSpec::Criterion::Threshold;
        std::uint64_t last = 0;
        for (int i = 1; i <= 300; ++i) {
            setting.pruning.threshold = 0.002 * i;
            last = engine.setCompression(setting);
        }
        QCOMPARE(last, engine.postedGeneration());
        QVERIFY(listener.settle(engine));
        QVERIFY(listener.latest->compression == setting);
        QCOMPARE(listener.latest->generation, last);
        QCOMPARE(listener.outOfOrder, 0);
        // 300 drag events, far fewer evaluations: the worker took the latest each time.
        QVERIFY2(listener.received - before < 100, qPrintable(QString::number(listener.received - before)));
        const Evaluation expected = evaluateFully(*listener.latest->trained, listener.latest->data->split.test, setting);
        QVERIFY(listener.latest->evaluation.report.confusion == expected.report.confusion);
        QCOMPARE(listener.latest->evaluation.weights.zeroWeights, expected.weights.zeroWeights);
    }

    void newSettingsContinueFromTheCurrentWeights()
    {
        Engine engine;
        Listener listener(engine);
        engine.setTraining(adam(0.01, 16));
        engine.setDataset(moons(), mlp({8}));
        for (int i = 0; i < 5; ++i)
            engine.step();
        QVERIFY(listener.settle(engine));
        QCOMPARE(listener.latest->steps, 5L);
        const SnapshotPtr before = listener.latest;
        engine.setTraining(adam(0.02, 16, 0.01));
        QVERIFY(listener.settle(engine));
        QVERIFY(sameWeights(*listener.latest->trained, *before->trained)); // nothing restarted
        QCOMPARE(listener.latest->modelGeneration, before->modelGeneration);
        QCOMPARE(listener.latest->training.regularization.l1, 0.01);
        engine.step();
        QVERIFY(listener.settle(engine));
        QCOMPARE(listener.latest->steps, 6L);
        QVERIFY(!sameWeights(*listener.latest->trained, *before->trained));
        QVERIFY(!listener.latest->markers->empty()); // the change is marked on the curves
    }

    void resetStartsAgain()
    {
        Engine engine;
        Listener listener(engine);
        QVERIFY(loadMoons(engine, listener, {8}));
        const SnapshotPtr initial = listener.latest;
        for (int i = 0; i < 3; ++i)
            engine.step();
        QVERIFY(listener.settle(engine));
        engine.reset();
        QVERIFY(listener.settle(engine));
        QCOMPARE(listener.latest->steps, 0L);
        QVERIFY(listener.latest->modelGeneration > initial->modelGeneration);
        QVERIFY(sameWeights(*listener.latest->trained, *initial->trained)); // same seed, same start
        QCOMPARE(listener.latest->history->size(), std::size_t{1});
    }

    void epochLimitIsExact()
    {
        Engine engine;
        Listener listener(engine);
        engine.setTraining(adam(0.01, 32));
        engine.setPace(0);
        engine.setEpochLimit(7);
        engine.setDataset(moons(), mlp({8}));
        engine.train();
        QVERIFY(listener.settle(engine));
        QCOMPARE(listener.latest->epoch, 7);
        QCOMPARE(listener.latest->epochProgress, 7.0);
        QVERIFY(!listener.latest->running);
        QCOMPARE(listener.latest->reason, Snapshot::Reason::Stopped);
        // The curves have a point per epoch.
        QVERIFY(listener.latest->history->size() >= 7);
    }

    // The teaching contrast the app is built around: proximal L1 reaches exact zeros,
    // the naive subgradient (the source article's code) does not.
    void proximalReachesZerosTheNaiveRunDoesNot()
    {
        Engine engine;
        Listener listener(engine);
        DatasetRequest article;
        article.nameOrPath = "article";
        article.samples = 100;
        article.noise = 0.0;
        article.testFraction = 0.2;
        TrainingConfig config = adam(1e-3, 10, 0.05);
        config.regularization.l1Mode = L1Mode::Proximal;
        engine.setTraining(config);
        engine.setComparison(ComparisonKind::OtherL1Step);
        engine.setPace(0);
        engine.setEpochLimit(300);
        engine.setDataset(article, mlp({}));
        engine.train();
        QVERIFY(listener.settle(engine));
        const Snapshot& s = *listener.latest;
        QCOMPARE(s.epoch, 300);
        QVERIFY(s.comparison.has_value());
        QCOMPARE(s.comparison->kind, ComparisonKind::OtherL1Step);
        QCOMPARE(weightStatistics(*s.trained).sparsity, 0.5);               // the weight on x1 is exactly 0
        QCOMPARE(s.trained->layers()[0].weights(0, 1), 0.0f);
        QCOMPARE(s.comparison->weights.sparsity, 0.0);                     // naive: never exactly 0
        QVERIFY(std::abs(s.comparison->trained->layers()[0].weights(0, 1)) < 0.01); // ... though near it
        QVERIFY(s.evaluation.report.accuracy >= 0.9);
        QCOMPARE(s.comparison->history->size(), s.history->size());
    }

    void badDatasetKeepsTheCurrentOne()
    {
        Engine engine;
        Listener listener(engine);
        QVERIFY(loadMoons(engine, listener, {8}));
        const SnapshotPtr before = listener.latest;
        DatasetRequest missing;
        missing.nameOrPath = "/nonexistent/folder/data.csv";
        engine.setDataset(missing, mlp({8}));
        engine.requestSnapshot();
        QVERIFY(listener.settle(engine));
        QCOMPARE(listener.problems.size(), std::size_t{1});
        QVERIFY(listener.problems[0].first == Engine::ProblemKind::Dataset);
        QVERIFY2(listener.problems[0].second.contains(QStringLiteral("data.csv")), qPrintable(listener.problems[0].second));
        QVERIFY(listener.problems[0].second.contains(QStringLiteral("moons")));
        QCOMPARE(listener.latest->datasetRequest.nameOrPath, std::string("moons"));
        QCOMPARE(listener.latest->modelGeneration, before->modelGeneration);
        QVERIFY(listener.latest->data == before->data);
    }

    void invalidSettingsAreRefusedAndReported()
    {
        Engine engine;
        Listener listener(engine);
        engine.setTraining(adam(0.01, 16));
        QVERIFY(loadMoons(engine, listener, {8}));
        engine.setTraining(adam(-1.0, 16));
        engine.requestSnapshot();
        QVERIFY(listener.settle(engine));
        QCOMPARE(listener.problems.size(), std::size_t{1});
        QVERIFY(listener.problems[0].first == Engine::ProblemKind::Settings);
        QCOMPARE(listener.latest->training.optimizer.learningRate, 0.01);
    }

    void appliedPruningSurvivesTraining()
    {
        Engine engine;
        Listener listener(engine);
        engine.setTraining(adam(0.01, 16));
        engine.setPace(0);
        engine.setDataset(moons(), mlp({16, 16}));
        engine.setEpochLimit(3);
        engine.train();
        QVERIFY(listener.settle(engine));
        PruningSpec spec;
        spec.criterion = PruningSpec::Criterion::TargetSparsity;
        spec.targetSparsity = 0.6;
        engine.applyPruning(spec);
        QVERIFY(listener.settle(engine));
        const double pruned = weightStatistics(*listener.latest->trained).sparsity;
        QVERIFY2(std::abs(pruned - 0.6) < 0.01, qPrintable(QString::number(pruned)));
        engine.setEpochLimit(6);
        engine.train();
        QVERIFY(listener.settle(engine));
        QCOMPARE(listener.latest->epoch, 6);
        QVERIFY(weightStatistics(*listener.latest->trained).sparsity >= pruned); // the mask held
    }

    void destroyingTheEngineMidLoadReturnsQuickly()
    {
        // Closing the window while Fashion-MNIST loads, its evaluator is built or its
        // checkpoints are prepared must not wait for that work (the GUI thread joins the worker).
        DatasetRequest fashion;
        fashion.nameOrPath = "fashion-mnist";
        if (kSanitized)
            QSKIP("a timing budget for optimised builds; sanitizers slow the load tenfold");
        if (!hasFashionMnist())
            QSKIP("Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)");
        ModelSpec model = mlp({256, 128});
        for (int delayMs : {20, 150, 250, 300, 350, 400, 500, 700, 1000, 2500}) {
            auto engine = std::make_unique<Engine>();
            engine->setDataset(fashion, model);
            QTest::qWait(delayMs);
            QElapsedTimer clock;
            clock.start();
            engine.reset();
            QVERIFY2(clock.elapsed() < kDestroyBudgetMs, qPrintable(QStringLiteral("destroyed %1 ms into the load: %2 ms").arg(delayMs).arg(clock.elapsed())));
        }
    }

    void restoreReportsItsOwnGenerationWhenACommandFollows()
    {
        // A command posted right after restore() is merged into the same batch: the outcome
        // must still carry the restore's generation, which is what the session waits for.
        Engine engine;
        Listener listener(engine);
        QList<std::uint64_t> finished;
        connect(&engine, &Engine::restoreFinished, this, [&](std::uint64_t generation, bool ok, const QString&) {
            if (ok)
                finished << generation;
        });
        RestoreRequest request;
        request.dataset = moons();
        request.model = mlp({8});
        request.training = adam(0.01, 16);
        request.epoch = 5;
        const std::uint64_t restored = engine.restore(request);
        const std::uint64_t followed = engine.setPace(20.0);
        QVERIFY(followed > restored);
        QVERIFY(listener.settle(engine));
        QCOMPARE(finished, QList<std::uint64_t>{restored});
        QCOMPARE(listener.latest->epoch, 5);
    }
};

QTEST_MAIN(TestEngine)
#include "tst_engine.moc"
