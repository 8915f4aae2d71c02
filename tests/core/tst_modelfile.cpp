#include "common/Error.h"
#include "nn/ModelFile.h"
#include "nn/Trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "../common/TrainingFixtures.h"

using namespace ss;

namespace {

TrainedModel sampleModel()
{
    const Architecture architecture = test::mlp(4, {5, 3}, 3, Activation::Tanh);
    TrainedModel model;
    model.network = Network(architecture, 9);
    model.network.layers()[0].mask(1, 2) = 0;
    model.network.layers()[2].mask(0, 0) = 0;
    model.network.applyMasks();
    // Awkward floats: a denormal, negative zero, the extremes, thirds, a bias.
    Matrix& w = model.network.layers()[1].weights;
    w(0, 0) = std::numeric_limits<float>::denorm_min();
    w(0, 1) = -0.0f;
    w(0, 2) = std::numeric_limits<float>::max();
    w(1, 0) = std::numeric_limits<float>::min();
    w(1, 1) = 1.0f / 3.0f;
    w(1, 2) = -std::numeric_limits<float>::max();
    w(2, 0) = 16777217.0f;
    w(2, 1) = 0.1f;
    model.network.layers()[0].bias << 0.25f, -1e-30f, 3e30f, 7.0f, -0.0f;
    Vector offset(4), factor(4);
    offset << 0.5f, -1.0f, 2.0f, 1.0f / 7.0f;
    factor << 1.0f, 0.5f, 3.0f, 1e-3f;
    model.scaler = FeatureScaler::fromParameters(FeatureScaler::Kind::Standardize, offset, factor);
    model.classNames = {"setosa", "versicolor", "virginica, \"quoted\""};
    model.featureNames = {"a", "b", "c", "d"};
    model.imageShape = ImageShape{2, 2};
    model.datasetName = "test";
    model.metadata = {{"epochs", 12}, {"optimizer", "adam"}};
    return model;
}

bool bitIdentical(const Matrix& a, const Matrix& b)
{
    return a.rows() == b.rows() && a.cols() == b.cols()
        && std::memcmp(a.data(), b.data(), sizeof(Scalar) * std::size_t(a.size())) == 0;
}

bool bitIdentical(const Vector& a, const Vector& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(Scalar) * std::size_t(a.size())) == 0;
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

} // namespace

class TestModelFile : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_folder;

    std::string path(const char* name) const { return m_folder.filePath(name).toStdString(); }

    // Saves the sample model, lets `edit` corrupt its JSON, and expects loadModel to fail
    // with a message naming the file and containing `expected`.
    void expectRejected(const std::function<void(nlohmann::json&)>& edit, const std::string& expected)
    {
        nlohmann::json json = modelToJson(sampleModel());
        edit(json);
        const std::string file = path("bad.json");
        writeText(file, json.dump());
        try {
            loadModel(file);
            QFAIL(qPrintable(QString::fromStdString("accepted; expected an error about: " + expected)));
        } catch (const InputError& error) {
            QCOMPARE(error.file(), file);
            QVERIFY2(std::string(error.what()).find(expected) != std::string::npos, error.what());
        }
    }

private slots:
    void initTestCase() { QVERIFY(m_folder.isValid()); }

    void roundTripIsBitExact()
    {
        const TrainedModel model = sampleModel();
        const std::string file = path("model.json");
        saveModel(file, model);
        const TrainedModel loaded = loadModel(file);
        QCOMPARE(loaded.network.architecture().describe(), model.network.architecture().describe());
        QCOMPARE(loaded.network.classCount(), 3);
        QCOMPARE(loaded.network.layers().size(), model.network.layers().size());
        for (std::size_t l = 0; l < model.network.layers().size(); ++l) {
            QVERIFY(bitIdentical(loaded.network.layers()[l].weights, model.network.layers()[l].weights));
            QVERIFY(bitIdentical(loaded.network.layers()[l].bias, model.network.layers()[l].bias));
            QVERIFY(loaded.network.layers()[l].mask == model.network.layers()[l].mask);
            QVERIFY(loaded.network.layers()[l].activation == model.network.layers()[l].activation);
        }
        QVERIFY(std::signbit(loaded.network.layers()[1].weights(0, 1)));
        QVERIFY(loaded.scaler.kind() == FeatureScaler::Kind::Standardize);
        QVERIFY(bitIdentical(loaded.scaler.offset(), model.scaler.offset()));
        QVERIFY(bitIdentical(loaded.scaler.factor(), model.scaler.factor()));
        QVERIFY(loaded.classNames == model.classNames);
        QVERIFY(loaded.featureNames == model.featureNames);
        QVERIFY(loaded.imageShape && loaded.imageShape->height == 2 && loaded.imageShape->width == 2);
        QCOMPARE(loaded.datasetName, std::string("test"));
        QCOMPARE(loaded.metadata["epochs"].get<int>(), 12);
        // Saving the loaded model gives the same file, byte for byte.
        const std::string again = path("again.json");
        saveModel(again, loaded);
        std::ifstream a(file), b(again);
        const std::string textA((std::istreambuf_iterator<char>(a)), {}), textB((std::istreambuf_iterator<char>(b)), {});
        QVERIFY(textA == textB);
    }

    void trainedModelPredictsTheSame()
    {
        Dataset data;
        data.name = "random";
        data.features = Matrix::Random(3, 200);
        for (int j = 0; j < 200; ++j)
            data.labels.push_back(data.features(0, j) + data.features(1, j) > 0 ? 1 : 0);
        data.classNames = {"no", "yes"};
        Architecture architecture;
        architecture.inputs = 3;
        architecture.hidden = {6};
        TrainedModel model;
        model.network = Network(architecture, 2);
        TrainingConfig config;
        config.regularization.l1 = 1e-3;
        Trainer trainer(model.network, data, nullptr, config);
        trainer.train(5);
        model.classNames = data.classNames;
        const std::string file = path("trained.json");
        saveModel(file, model);
        const TrainedModel loaded = loadModel(file);
        QVERIFY(bitIdentical(loaded.network.logits(data.features), model.network.logits(data.features)));
        QVERIFY(loaded.featureNames.empty());
        QVERIFY(!loaded.imageShape);
        QVERIFY(loaded.scaler.kind() == FeatureScaler::Kind::None);
    }

    void saveIsAtomic()
    {
        const std::string file = path("atomic.json");
        writeText(file, "old contents");
        TrainedModel broken = sampleModel();
        broken.network.layers()[0].weights(0, 0) = std::numeric_limits<float>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(ConfigError, saveModel(file, broken));
        std::ifstream in(file);
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        QCOMPARE(text, std::string("old contents"));
        saveModel(file, sampleModel());
        QVERIFY(loadModel(file).network.weightCount() == sampleModel().network.weightCount());
        // No temporary files left behind.
        for (const auto& entry : std::filesystem::directory_iterator(m_folder.path().toStdString()))
            QVERIFY2(entry.path().filename().string().find("sparsescope-tmp") == std::string::npos, entry.path().c_str());
        QVERIFY_THROWS_EXCEPTION(InputError, saveModel(path("no/such/folder/model.json"), sampleModel()));
    }

    void unreadableFiles()
    {
        try {
            loadModel(path("missing.json"));
            QFAIL("missing file accepted");
        } catch (const InputError& error) {
            QVERIFY(std::string(error.what()).find("missing.json") != std::string::npos);
        }
        writeText(path("empty.json"), "  \n");
        QVERIFY_THROWS_EXCEPTION(InputError, loadModel(path("empty.json")));
        writeText(path("syntax.json"), "{\n  \"version\": 1,\n  \"layers\": [1, 2,,]\n}\n");
        try {
            loadModel(path("syntax.json"));
            QFAIL("bad JSON accepted");
        } catch (const InputError& error) {
            QCOMPARE(error.line(), 3);
            QCOMPARE(error.column(), 19); // the second comma
        }
        writeText(path("array.json"), "[1, 2]");
        QVERIFY_THROWS_EXCEPTION(InputError, loadModel(path("array.json")));
    }

    void malformedModelsRejected()
    {
        using J = nlohmann::json;
        expectRejected([](J& j) { j["version"] = 2; }, "unsupported model format version 2");
        expectRejected([](J& j) { j["version"] = "1"; }, "version: expected an integer");
        expectRejected([](J& j) { j.erase("version"); }, "version: missing");
        expectRejected([](J& j) { j["format"] = "something-else"; }, "format: expected");
        expectRejected([](J& j) { j["architecture"]["inputs"] = "four"; }, "architecture.inputs: expected an integer");
        expectRejected([](J& j) { j["architecture"]["inputs"] = 0; }, "architecture.inputs: must be in");
        expectRejected([](J& j) { j["architecture"]["hidden"] = J::array({5, -3}); }, "architecture.hidden[1]");
        expectRejected([](J& j) { j["architecture"]["activation"] = "swish"; }, "architecture.activation");
        expectRejected([](J& j) { j["architecture"]["classes"] = 1; }, "architecture.classes");
        expectRejected([](J& j) { j["classNames"] = J::array({"a", "b"}); }, "classNames: expected 3 entries, got 2");
        expectRejected([](J& j) { j["classNames"][1] = 7; }, "classNames[1]: expected a string");
        expectRejected([](J& j) { j["featureNames"] = J::array({"a"}); }, "featureNames: expected 4 entries");
        expectRejected([](J& j) { j["imageShape"] = {{"height", 3}, {"width", 3}}; }, "imageShape: 3x3 pixels but 4 inputs");
        expectRejected([](J& j) { j["scaler"]["kind"] = "minmax"; }, "scaler.kind: unknown scaler 'minmax'");
        expectRejected([](J& j) { j["scaler"]["offset"] = J::array({1, 2}); }, "scaler.offset: expected 4 entries, got 2");
        expectRejected([](J& j) { j["layers"].erase(0); }, "layers: expected 3 entries, got 2");
        expectRejected([](J& j) { j["layers"][1]["weights"].erase(0); }, "layers[1].weights: expected 3 entries, got 2");
        expectRejected([](J& j) { j["layers"][0]["weights"][2].push_back(1.0); }, "layers[0].weights[2]: expected 4 entries, got 5");
        expectRejected([](J& j) { j["layers"][0]["weights"][2][3] = "0.5"; }, "layers[0].weights[2][3]: expected a number, got string");
        expectRejected([](J& j) { j["layers"][0]["weights"][2][3] = 1e300; }, "layers[0].weights[2][3]: expected a finite single-precision number");
        expectRejected([](J& j) { j["layers"][0]["weights"][2][3] = nullptr; }, "layers[0].weights[2][3]: expected a number, got null");
        expectRejected([](J& j) { j["layers"][2]["bias"] = J::array({0, 0}); }, "layers[2].bias: expected 3 entries, got 2");
        expectRejected([](J& j) { j["layers"][1]["mask"][0][0] = 2; }, "layers[1].mask[0][0]: must be in [0, 1], got 2");
        expectRejected([](J& j) { j["layers"][1]["mask"][0][0] = 0.5; }, "layers[1].mask[0][0]: expected an integer");
        expectRejected([](J& j) { j["layers"][1] = 5; }, "layers[1]: expected an object");
        expectRejected([](J& j) { j.erase("scaler"); }, "scaler: missing");
        // Sizes are checked before the layers are allocated from them.
        expectRejected([](J& j) { j["architecture"]["hidden"] = J::array({30000, 30000}); }, "architecture: the network 4-30000-30000-3 would need about");
    }

    // Nesting that a recursive copy or dump would follow until the stack overflows.
    void deeplyNestedFilesAreRefused()
    {
        const std::string valid = modelToJson(sampleModel()).dump();
        const std::string deepObjects = [] {
            std::string text;
            for (int i = 0; i < 100000; ++i)
                text += "{\"a\":";
            return text + "{}" + std::string(100000, '}');
        }();
        const std::string deepArrays = std::string(50000, '[') + std::string(50000, ']');
        for (const auto& [key, replacement] :
             {std::pair{std::string("\"metadata\":{"), "\"metadata\":" + deepObjects + ",\"unused\":{"},
              std::pair{std::string("\"version\":1"), "\"version\":" + deepArrays}}) {
            std::string text = valid;
            const auto at = text.find(key);
            QVERIFY2(at != std::string::npos, key.c_str());
            text.replace(at, key.size(), replacement);
            const std::string file = path("deep.json");
            writeText(file, text);
            try {
                loadModel(file);
                QFAIL("accepted");
            } catch (const InputError& error) {
                QCOMPARE(error.file(), file);
                QVERIFY2(std::string(error.what()).find("nested deeper than") != std::string::npos, error.what());
                QVERIFY(error.line() == 1 && error.column() > 0);
            }
        }
    }

    void optionalFieldsMayBeAbsent()
    {
        nlohmann::json json = modelToJson(sampleModel());
        json.erase("featureNames");
        json.erase("imageShape");
        json.erase("dataset");
        json.erase("metadata");
        json.erase("format");
        for (auto& layer : json["layers"])
            layer.erase("mask");
        const TrainedModel model = modelFromJson(json, "inline.json");
        QVERIFY(model.featureNames.empty());
        QVERIFY(!model.imageShape);
        for (const DenseLayer& layer : model.network.layers())
            QVERIFY(layer.mask.isOnes(0));
    }
};

QTEST_APPLESS_MAIN(TestModelFile)
#include "tst_modelfile.moc"
