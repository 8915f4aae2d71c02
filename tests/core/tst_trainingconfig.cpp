#include "common/Error.h"
#include "nn/TrainingConfig.h"

#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>

using namespace ss;

using ConfigEdit = std::function<void(ss::TrainingConfig&)>;
Q_DECLARE_METATYPE(ConfigEdit)

class TestTrainingConfig : public QObject {
    Q_OBJECT

private slots:
    void names()
    {
        for (const OptimizerKind kind :
             {OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Nesterov, OptimizerKind::RmsProp, OptimizerKind::Adam})
            QVERIFY(optimizerFromString(toString(kind)) == kind);
        QVERIFY(optimizerFromString("ADAM") == OptimizerKind::Adam);
        QVERIFY(optimizerFromString("RMSprop") == OptimizerKind::RmsProp);
        QVERIFY(l1ModeFromString("Proximal") == L1Mode::Proximal);
        QVERIFY(l1ModeFromString(toString(L1Mode::Subgradient)) == L1Mode::Subgradient);
        try {
            optimizerFromString("adagrad");
            QFAIL("unknown optimiser accepted");
        } catch (const ConfigError& error) {
            QVERIFY(std::string(error.what()).find("'adagrad'") != std::string::npos);
        }
        QVERIFY_THROWS_EXCEPTION(ConfigError, l1ModeFromString("lasso"));
    }

    void defaultsAreValid()
    {
        TrainingConfig config;
        config.validate();
        QVERIFY(config.optimizer.kind == OptimizerKind::Adam);
    }

    void invalidValuesNamed_data()
    {
        QTest::addColumn<QString>("expected");
        QTest::addColumn<ConfigEdit>("edit");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        using Edit = std::function<void(TrainingConfig&)>;
        QTest::newRow("lr 0") << "learning rate must be a finite number > 0, got 0" << Edit([](TrainingConfig& c) { c.optimizer.learningRate = 0; });
        QTest::newRow("lr negative") << "learning rate must be a finite number > 0, got -0.5" << Edit([](TrainingConfig& c) { c.optimizer.learningRate = -0.5; });
        QTest::newRow("lr NaN") << "learning rate must be a finite number > 0, got nan" << Edit([nan](TrainingConfig& c) { c.optimizer.learningRate = nan; });
        QTest::newRow("lr inf") << "learning rate must be a finite number > 0, got inf" << Edit([inf](TrainingConfig& c) { c.optimizer.learningRate = inf; });
        QTest::newRow("batch 0") << "batch size must be an integer in [1, 10000000], got 0" << Edit([](TrainingConfig& c) { c.batchSize = 0; });
        QTest::newRow("epochs") << "epochs must be an integer in [0, 100000], got -2" << Edit([](TrainingConfig& c) { c.epochs = -2; });
        QTest::newRow("epochs beyond the limit") << "epochs must be an integer in [0, 100000], got 100001" << Edit([](TrainingConfig& c) { c.epochs = 100001; });
        QTest::newRow("dropout 1") << "dropout must be in [0, 1), got 1" << Edit([](TrainingConfig& c) { c.regularization.dropout = 1.0; });
        QTest::newRow("dropout negative") << "dropout must be in [0, 1), got -0.1" << Edit([](TrainingConfig& c) { c.regularization.dropout = -0.1; });
        QTest::newRow("dropout NaN") << "dropout must be in [0, 1), got nan" << Edit([nan](TrainingConfig& c) { c.regularization.dropout = nan; });
        QTest::newRow("l1 negative") << "l1 (lambda1) must be a finite number >= 0, got -0.001" << Edit([](TrainingConfig& c) { c.regularization.l1 = -1e-3; });
        QTest::newRow("l2 NaN") << "l2 (lambda2) must be a finite number >= 0, got nan" << Edit([nan](TrainingConfig& c) { c.regularization.l2 = nan; });
        QTest::newRow("momentum") << "momentum must be in [0, 1), got 1.5" << Edit([](TrainingConfig& c) { c.optimizer.momentum = 1.5; });
        QTest::newRow("beta1") << "beta1 must be in [0, 1), got 1" << Edit([](TrainingConfig& c) { c.optimizer.beta1 = 1.0; });
        QTest::newRow("beta2") << "beta2 must be in [0, 1), got -0.9" << Edit([](TrainingConfig& c) { c.optimizer.beta2 = -0.9; });
        QTest::newRow("epsilon") << "epsilon must be a finite number > 0, got 0" << Edit([](TrainingConfig& c) { c.optimizer.epsilon = 0; });
        QTest::newRow("report interval") << "report interval (steps) must be an integer >= 0, got -1" << Edit([](TrainingConfig& c) { c.reportEverySteps = -1; });
    }
    void invalidValuesNamed()
    {
        QFETCH(QString, expected);
        QFETCH(ConfigEdit, edit);
        TrainingConfig config;
        edit(config);
        try {
            config.validate();
            QFAIL("invalid configuration accepted");
        } catch (const ConfigError& error) {
            QCOMPARE(QString::fromStdString(error.what()), expected);
        }
    }
};

QTEST_APPLESS_MAIN(TestTrainingConfig)
#include "tst_trainingconfig.moc"
