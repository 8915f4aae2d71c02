#include "controls/Presets.h"

namespace ss {

namespace {

ControlState base()
{
    ControlState s;
    s.lambda = 0.0;
    s.alpha = 1.0;
    s.threshold = 0.0;
    s.targetSparsity = 0.0;
    s.precisionIndex = 0;
    s.compare = ComparisonKind::None;
    return s;
}

void generator(ControlState& s, const char* name, int samples, double noise, int classes = 3)
{
    s.dataset.nameOrPath = name;
    s.dataset.samples = samples;
    s.dataset.noise = noise;
    s.dataset.classes = classes;
}

void bundled(ControlState& s, const char* name)
{
    s.dataset.nameOrPath = name;
    s.dataset.samples = 0;
    s.dataset.noise = -1.0;
}

} // namespace

QList<Preset> presets()
{
    QList<Preset> list;
    {
        Preset p;
        p.id = QStringLiteral("article");
        p.title = QStringLiteral("The article's example, done right");
        ControlState s = base();
        generator(s, "article", 100, 0.0);
        s.dataset.testFraction = 0.2;
        s.model.hidden = {};
        s.optimizer = OptimizerKind::Adam;
        s.learningRate = 1e-3;
        s.batchSize = 10;
        s.lambda = 0.01;
        s.alpha = 1.0;
        s.l1Mode = L1Mode::Proximal;
        s.compare = ComparisonKind::OtherL1Step;
        s.pace = 20.0;
        s.epochLimit = 300;
        p.state = s;
        p.lesson = QStringLiteral(
            "The source article's setting: 100 points in the unit square labelled x\u2080 > 0.5, logistic regression, "
            "Adam (lr 0.001), batch 10, L1 \u03bb = 0.01; solid = proximal L1, dashed = the naive subgradient its Keras "
            "code uses. At this \u03bb neither run zeroes the weight on x\u2081: even the exact L1 solution keeps about 0.016, "
            "because x\u2081 happens to correlate with the labels in this sample. Drag \u03bb to 0.05: the proximal run's "
            "x\u2081 weight lands on exactly 0 (sparsity 50 %), the naive one only jitters around 2e-4 and never gets there.");
        list << p;
    }
    {
        Preset p;
        p.id = QStringLiteral("proximal-vs-naive");
        p.title = QStringLiteral("Proximal vs naive L1 (exact zeros)");
        ControlState s = list.front().state; // the article's, with a larger lambda
        s.lambda = 0.05;
        p.state = s;
        p.lesson = QStringLiteral(
            "The article's data and model with \u03bb = 0.05. Solid: proximal L1 \u2014 after each step "
            "w \u2190 sign(w)\u00b7max(|w| \u2212 \u03b7\u03bb, 0), so the useless weight on x\u2081 becomes exactly 0 and "
            "sparsity jumps to 50 %. Dashed: the naive subgradient (\u03bb\u00b7sign(w) added to the gradient) \u2014 the "
            "same weight keeps jittering around 2e-4 and the sparsity stays at 0 %. Compare them in the Weights tab.");
        list << p;
    }
    {
        Preset p;
        p.id = QStringLiteral("l1-vs-l2");
        p.title = QStringLiteral("L1 vs L2 on moons");
        ControlState s = base();
        generator(s, "moons", 400, 0.2);
        s.model.hidden = {16, 16};
        s.learningRate = 0.01;
        s.batchSize = 32;
        s.lambda = 0.003;
        s.alpha = 1.0;
        s.compare = ComparisonKind::L2Instead;
        s.pace = 20.0;
        s.epochLimit = 400;
        p.state = s;
        p.lesson = QStringLiteral(
            "A 2-16-16-1 network on two moons. Solid: L1 (\u03bb = 0.003, proximal); dashed: the same \u03bb as pure L2. "
            "Both fit the moons, but L1 sets most weights to exactly zero while L2 only shrinks them: compare the "
            "sparsity curves and the green \u2018exactly zero\u2019 bar in the Weights tab. Then drag \u03bb and watch "
            "sparsity follow.");
        list << p;
    }
    {
        Preset p;
        p.id = QStringLiteral("fashion-95");
        p.title = QStringLiteral("Prune Fashion-MNIST to 95 %");
        ControlState s = base();
        bundled(s, "fashion-mnist");
        s.dataset.testFraction = 0.25;
        s.model.hidden = {256, 128};
        s.learningRate = 1e-3;
        s.batchSize = 128;
        s.pace = 0.0;
        s.epochLimit = 4;
        s.pruneBy = PruningSpec::Criterion::TargetSparsity;
        s.targetSparsity = 0.95;
        p.state = s;
        p.needsFashionMnist = true;
        p.lesson = QStringLiteral(
            "A 784-256-128-10 MLP trains for 4 epochs on Fashion-MNIST; every number shown is of the model pruned to "
            "95 % sparsity by magnitude, without retraining. Drag the sparsity slider to see where accuracy breaks; "
            "press \u2018Keep these zeros for training\u2019 and Train to fine-tune the 5 % that survive.");
        list << p;
    }
    {
        Preset p;
        p.id = QStringLiteral("bits");
        p.title = QStringLiteral("From 32 bits to 2");
        ControlState s = base();
        bundled(s, "digits");
        s.model.hidden = {64};
        s.learningRate = 3e-3;
        s.batchSize = 32;
        s.pace = 0.0;
        s.epochLimit = 40;
        p.state = s;
        p.lesson = QStringLiteral(
            "A 64-64-10 MLP on 8\u00d78 handwritten digits (about 96 % test accuracy). When it stops, drag the Precision "
            "slider from fp32 down to binary: accuracy barely moves down to 4 bits, slips at 3 and collapses at 2 "
            "(to about 40 %), while ternary (three levels, one of them zero) still keeps nearly 90 %. Per-row scales win "
            "back a point at 3\u20134 bits. The Efficiency tab shows the bytes and energy each step saves.");
        list << p;
    }
    {
        Preset p;
        p.id = QStringLiteral("lasso");
        p.title = QStringLiteral("Lasso picks features (breast cancer)");
        ControlState s = base();
        bundled(s, "breast-cancer");
        s.model.hidden = {};
        s.learningRate = 0.01;
        s.batchSize = 32;
        s.lambda = 0.01;
        s.alpha = 1.0;
        s.pace = 20.0;
        s.epochLimit = 200;
        p.state = s;
        p.lesson = QStringLiteral(
            "Logistic regression on 30 tumour measurements with proximal L1 (\u03bb = 0.01). The Weights tab's heatmap "
            "shows which measurements keep a non-zero weight: L1 selects features. Drag \u03bb up and fewer survive, "
            "at some cost in accuracy.");
        list << p;
    }
    {
        Preset p;
        p.id = QStringLiteral("xor");
        p.title = QStringLiteral("Why hidden layers: XOR");
        ControlState s = base();
        generator(s, "xor", 400, 0.1);
        s.model.hidden = {};
        s.learningRate = 0.01;
        s.pace = 20.0;
        s.epochLimit = 150;
        p.state = s;
        p.lesson = QStringLiteral(
            "Logistic regression draws one straight line, and no line separates XOR: accuracy stays near 50 %. "
            "Type 8 under Hidden layers and press Enter, then Train: the decision boundary bends around the four "
            "corners.");
        list << p;
    }
    {
        Preset p;
        p.id = QStringLiteral("dropout-spiral");
        p.title = QStringLiteral("Capacity and dropout on a spiral");
        ControlState s = base();
        generator(s, "spiral", 600, 0.05, 3);
        s.model.hidden = {32, 32};
        s.model.activation = Activation::Tanh;
        s.learningRate = 0.01;
        s.batchSize = 16;
        s.pace = 20.0;
        s.epochLimit = 600;
        p.state = s;
        p.lesson = QStringLiteral(
            "Three spiral arms need a curved boundary: watch it form in the Decision boundary tab. Raise Noise to 0.2 "
            "and the train and test curves part (over-fitting); add dropout 0.2 and they come back together.");
        list << p;
    }
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
