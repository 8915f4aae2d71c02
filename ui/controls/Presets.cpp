#include "controls/Presets.h"

#include <QStringView>

#include <vector>

namespace ss {

namespace {

// Where a preset's data comes from: a generator with its size and noise, or a bundled set
// (samples 0 and noise -1: the set as it is). Classes count for blobs and spiral only.
struct DataChoice {
    const char* name;
    int samples = 0;
    double noise = -1.0;
    int classes = 3;
};

// One preset as what it changes: every setting left out is a new ControlState's, except that
// no preset starts with a penalty or compression it does not name.
struct Recipe {
    QStringView id;
    QStringView title;
    DataChoice data;
    double testFraction = ControlState{}.dataset.testFraction;
    std::vector<int> hidden;   // always given: a new ControlState's {8, 8} is no lesson
    Activation activation = ControlState{}.model.activation;
    OptimizerKind optimizer = ControlState{}.optimizer;
    double learningRate = ControlState{}.learningRate;
    int batchSize = ControlState{}.batchSize;
    double lambda = 0.0;
    L1Mode l1Mode = ControlState{}.l1Mode;
    ComparisonKind compare = ComparisonKind::None;
    PruningSpec::Criterion pruneBy = PruningSpec::Criterion::Threshold;
    double targetSparsity = 0.0;
    double pace = ControlState{}.pace;
    int epochLimit = 0;
    bool needsFashionMnist = false;
    QStringView lesson;
};

Preset presetFrom(const Recipe& recipe)
{
    ControlState s;
    s.dataset.nameOrPath = recipe.data.name;
    s.dataset.samples = recipe.data.samples;
    s.dataset.noise = recipe.data.noise;
    s.dataset.classes = recipe.data.classes;
    s.dataset.testFraction = recipe.testFraction;
    s.model.hidden = recipe.hidden;
    s.model.activation = recipe.activation;
    s.optimizer = recipe.optimizer;
    s.learningRate = recipe.learningRate;
    s.batchSize = recipe.batchSize;
    s.lambda = recipe.lambda;
    s.alpha = 1.0;
    s.l1Mode = recipe.l1Mode;
    s.compare = recipe.compare;
    s.pruneBy = recipe.pruneBy;
    s.threshold = 0.0;
    s.targetSparsity = recipe.targetSparsity;
    s.precisionIndex = 0;
    s.pace = recipe.pace;
    s.epochLimit = recipe.epochLimit;

    Preset preset;
    preset.id = recipe.id.toString();
    preset.title = recipe.title.toString();
    preset.lesson = recipe.lesson.toString();
    preset.state = s;
    preset.needsFashionMnist = recipe.needsFashionMnist;
    return preset;
}

} // namespace

QList<Preset> presets()
{
    const Recipe article{
        .id = u"article",
        .title = u"The article's example, done right",
        .data = {"article", 100, 0.0},
        .testFraction = 0.2,
        .hidden = {},
        .optimizer = OptimizerKind::Adam,
        .learningRate = 1e-3,
        .batchSize = 10,
        .lambda = 0.01,
        .l1Mode = L1Mode::Proximal,
        .compare = ComparisonKind::OtherL1Step,
        .pace = 20.0,
        .epochLimit = 300,
        .lesson = u"The source article's setting: 100 points in the unit square labelled x\u2080 > 0.5, logistic regression, "
                  u"Adam (lr 0.001), batch 10, L1 \u03bb = 0.01; solid = proximal L1, dashed = the naive subgradient its Keras "
                  u"code uses. At this \u03bb neither run zeroes the weight on x\u2081: even the exact L1 solution keeps about 0.016, "
                  u"because x\u2081 happens to correlate with the labels in this sample. Drag \u03bb to 0.05: the proximal run's "
                  u"x\u2081 weight lands on exactly 0 (sparsity 50 %), the naive one only jitters around 2e-4 and never gets there.",
    };
    Recipe proximalVsNaive = article; // the article's, with a larger lambda
    proximalVsNaive.id = u"proximal-vs-naive";
    proximalVsNaive.title = u"Proximal vs naive L1 (exact zeros)";
    proximalVsNaive.lambda = 0.05;
    proximalVsNaive.lesson =
        u"The article's data and model with \u03bb = 0.05. Solid: proximal L1 \u2014 after each step "
        u"w \u2190 sign(w)\u00b7max(|w| \u2212 \u03b7\u03bb, 0), so the useless weight on x\u2081 becomes exactly 0 and "
        u"sparsity jumps to 50 %. Dashed: the naive subgradient (\u03bb\u00b7sign(w) added to the gradient) \u2014 the "
        u"same weight keeps jittering around 2e-4 and the sparsity stays at 0 %. Compare them in the Weights tab.";

    const Recipe recipes[] = {
        article,
        proximalVsNaive,
        {.id = u"l1-vs-l2", .title = u"L1 vs L2 on moons", .data = {"moons", 400, 0.2}, .hidden = {16, 16},
         .learningRate = 0.01, .batchSize = 32, .lambda = 0.003, .compare = ComparisonKind::L2Instead, .pace = 20.0,
         .epochLimit = 400,
         .lesson = u"A 2-16-16-1 network on two moons. Solid: L1 (\u03bb = 0.003, proximal); dashed: the same \u03bb as pure L2. "
                   u"Both fit the moons, but L1 sets most weights to exactly zero while L2 only shrinks them: compare the "
                   u"sparsity curves and the green \u2018exactly zero\u2019 bar in the Weights tab. Then drag \u03bb and watch "
                   u"sparsity follow."},
        {.id = u"fashion-95", .title = u"Prune Fashion-MNIST to 95 %", .data = {"fashion-mnist"}, .testFraction = 0.25,
         .hidden = {256, 128}, .learningRate = 1e-3, .batchSize = 128,
         .pruneBy = PruningSpec::Criterion::TargetSparsity, .targetSparsity = 0.95, .pace = 0.0, .epochLimit = 4,
         .needsFashionMnist = true,
         .lesson = u"A 784-256-128-10 MLP trains for 4 epochs on Fashion-MNIST; every number shown is of the model pruned to "
                   u"95 % sparsity by magnitude, without retraining. Drag the sparsity slider to see where accuracy breaks; "
                   u"press \u2018Keep these zeros for training\u2019 and Train to fine-tune the 5 % that survive."},
        {.id = u"bits", .title = u"From 32 bits to 2", .data = {"digits"}, .hidden = {64}, .learningRate = 3e-3,
         .batchSize = 32, .pace = 0.0, .epochLimit = 40,
         .lesson = u"A 64-64-10 MLP on 8\u00d78 handwritten digits (about 96 % test accuracy). When it stops, drag the Precision "
                   u"slider from fp32 down to binary: accuracy barely moves down to 4 bits, slips at 3 and collapses at 2 "
                   u"(to about 40 %), while ternary (three levels, one of them zero) still keeps nearly 90 %. Per-row scales win "
                   u"back a point at 3\u20134 bits. The Efficiency tab shows the bytes and energy each step saves."},
        {.id = u"lasso", .title = u"Lasso picks features (breast cancer)", .data = {"breast-cancer"}, .hidden = {},
         .learningRate = 0.01, .batchSize = 32, .lambda = 0.01, .pace = 20.0, .epochLimit = 200,
         .lesson = u"Logistic regression on 30 tumour measurements with proximal L1 (\u03bb = 0.01). The Weights tab's heatmap "
                   u"shows which measurements keep a non-zero weight: L1 selects features. Drag \u03bb up and fewer survive, "
                   u"at some cost in accuracy."},
        {.id = u"xor", .title = u"Why hidden layers: XOR", .data = {"xor", 400, 0.1}, .hidden = {}, .learningRate = 0.01,
         .pace = 20.0, .epochLimit = 150,
         .lesson = u"Logistic regression draws one straight line, and no line separates XOR: accuracy stays near 50 %. "
                   u"Type 8 under Hidden layers and press Enter, then Train: the decision boundary bends around the four "
                   u"corners."},
        {.id = u"dropout-spiral", .title = u"Capacity and dropout on a spiral", .data = {"spiral", 600, 0.05, 3},
         .hidden = {32, 32}, .activation = Activation::Tanh, .learningRate = 0.01, .batchSize = 16, .pace = 20.0,
         .epochLimit = 600,
         .lesson = u"Three spiral arms need a curved boundary: watch it form in the Decision boundary tab. Raise Noise to 0.2 "
                   u"and the train and test curves part (over-fitting); add dropout 0.2 and they come back together."},
    };

    QList<Preset> list;
    for (const Recipe& recipe : recipes)
        list << presetFrom(recipe);
    return list;
}

const Preset* findPreset(const QString& id)
{
    static const QList<Preset> all = presets();
    for (const Preset& preset : all)
        if (preset.id == id)
            return &preset;
    return nullptr;
}

} // namespace ss
