#include "window/HelpDialog.h"

#include <QDialogButtonBox>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace ss {

namespace {

QString shortcutTable(const QList<QPair<QString, QString>>& shortcuts)
{
    QString rows;
    for (const auto& [keys, what] : shortcuts)
        rows += QStringLiteral("<tr><td>%1</td><td style=\"text-align:left\">%2</td></tr>\n").arg(keys.toHtmlEscaped(), what.toHtmlEscaped());
    return QStringLiteral("<table class=\"m\">\n%1</table>\n").arg(rows);
}

} // namespace

QString helpHtml(const QList<QPair<QString, QString>>& shortcuts)
{
    QString html = QStringLiteral(R"(
<style>
 body { font-size: 10.5pt; color: #1f2430; }
 h2 { color: #0b4f8a; margin-top: 18px; }
 code, .f { font-family: monospace; background: #f1f3f6; }
 table.m { border-collapse: collapse; }
 table.m td, table.m th { border: 1px solid #c9ced8; padding: 3px 8px; text-align: right; }
 .wrong { color: #b3261e; }
 .note { color: #5a6070; }
</style>
<h1>SparseScope</h1>
<p>Train a small model, then drag: regularisation strength and learning rate keep training from the
current weights; the pruning threshold and the weight precision re-evaluate the trained model at once,
without retraining. Every number on screen is measured on the <b>test set</b>.</p>
<p>Contents: <a href="#sparsity">Sparsity</a> &middot; <a href="#l1">Proximal vs naive L1</a> &middot;
<a href="#pruning">Pruning</a> &middot; <a href="#quantization">Quantization</a> &middot;
<a href="#metrics">Accuracy, precision, recall, F1</a> &middot; <a href="#confusion">Confusion matrix</a> &middot;
<a href="#article">The article's worked example</a> &middot; <a href="#efficiency">Efficiency</a> &middot;
<a href="#shortcuts">Shortcuts</a></p>

<h2><a name="sparsity"></a>Sparsity</h2>
<p><b>Sparsity</b> is the fraction of weights that are <i>exactly</i> zero, over all weight matrices
(biases are reported apart). Density = 1 &minus; sparsity. A weight of 10<sup>&minus;7</sup> is not zero:
it still costs a multiplication and memory, so only exact zeros count.</p>
<p>Also shown: the L1 norm &sum;|w|, the L2 norm &radic;&sum;w&sup2;, and the Hoyer measure
(&radic;n &minus; &#8214;w&#8214;<sub>1</sub>/&#8214;w&#8214;<sub>2</sub>)/(&radic;n &minus; 1), which is 0 when all |w| are
equal and 1 when a single weight is non-zero. The source article calls &sum;|w|/n a &ldquo;sparsity
ratio&rdquo;; it is the <b>mean absolute weight</b> and measures size, not sparsity &mdash; we show it under that name.</p>

<h2><a name="l1"></a>L1 that really makes weights zero: proximal vs naive</h2>
<p>L1 regularisation adds &lambda;&sum;|w| to the loss. Its gradient is &lambda;&middot;sign(w), and the naive
approach (what the article's Keras code attempts) adds that to the gradient:</p>
<p class="f">&nbsp;w &larr; w &minus; &eta;(g + &lambda;&middot;sign(w))</p>
<p>Near zero the sign flips every step, so weights <b>jitter around 0 but almost never land on it</b>:
the sparsity stays near 0 %. The <b>proximal</b> step instead shrinks after each ordinary update and clips at zero:</p>
<p class="f">&nbsp;w &larr; sign(w)&middot;max(|w| &minus; &eta;<sub>i</sub>&lambda;, 0)</p>
<p>with &eta;<sub>i</sub> the optimiser's effective step for that weight. Any weight whose pull from the data is
weaker than &lambda; ends at exactly 0 and stays there. Choose <i>Compare with: the other L1 step</i> (or the
preset &ldquo;The article's example&rdquo;) to train both side by side.</p>
<p><b>L2</b> (&lambda;/2&middot;&sum;w&sup2;, weight decay) shrinks every weight in proportion to its size: weights get small
but not zero. <b>Elastic net</b> mixes both: penalty &lambda;(&alpha;&#8214;w&#8214;<sub>1</sub> + (1&minus;&alpha;)/2&middot;&#8214;w&#8214;<sub>2</sub>&sup2;).
<b>Dropout</b> regularises by randomly silencing hidden units while training; it makes no weight zero.</p>

<h2><a name="pruning"></a>Pruning</h2>
<p><b>Magnitude pruning</b> sets the smallest weights to zero: by <i>threshold</i> (every |w| &lt; t) or by
<i>target sparsity</i> s (t = the s-quantile of |w|, ties broken so exactly that share is zero), over all layers
at once (global) or layer by layer. The sliders do this to a copy of the trained model and re-evaluate it at once:
no retraining. You see how far a model can be pruned before it breaks; in the Tradeoff tab the whole curve.</p>
<p><i>Keep these zeros for training</i> turns the current pruning into a <b>mask</b>: those weights stay exactly zero
through later training, so pressing Train fine-tunes the survivors and usually wins back most of the accuracy.</p>

<h2><a name="quantization"></a>Quantization (precision)</h2>
<p>Weights are rounded to what a number format holds (simulated: the values stay floats), then the model is
re-evaluated. Zeros stay zero.</p>
<ul>
<li><b>int k</b>, symmetric uniform: scale = max|w| / (2<sup>k&minus;1</sup> &minus; 1),
 &#373; = scale&middot;clamp(round(w/scale)). <i>Per tensor</i>: one scale per weight matrix; <i>per row</i>: one per
 output neuron, which keeps small rows precise at low bit widths.</li>
<li><b>fp16 / bf16</b>: round to the nearest representable value, ties to even. bf16 keeps fp32's range with 8 bits of
 mantissa; fp16 has more mantissa but overflows above 65504.</li>
<li><b>Ternary</b> (TWN, Li &amp; Liu 2016): &Delta; = 0.7&middot;mean|w|; weights with |w| &le; &Delta; become 0, the others &plusmn;a
 with a the mean of their magnitudes.</li>
<li><b>Binary</b>: &#373; = sign(w)&middot;mean|w|.</li>
</ul>

<h2><a name="metrics"></a>Accuracy, precision, recall, F1</h2>
<p>For a chosen positive class: TP = positives predicted positive, FP = negatives predicted positive,
FN = positives predicted negative, TN = negatives predicted negative.</p>
<ul>
<li>accuracy = (TP + TN) / all</li>
<li>precision = TP / (TP + FP) &mdash; of what we flagged, how much was right</li>
<li>recall = TP / (TP + FN) &mdash; of what was there, how much we found</li>
<li>F1 = 2&middot;precision&middot;recall / (precision + recall), the harmonic mean</li>
</ul>
<p>With more than two classes each class is scored one-vs-rest. <b>Macro</b> = plain mean over classes (every class
counts the same); <b>weighted</b> = mean weighted by support (how many test samples the class has); <b>micro</b> =
from the pooled counts, which equals accuracy for single-label data. A 0/0 (a class never predicted, or never present)
counts as 0, and the table says which class it was.</p>

<h2><a name="confusion"></a>Confusion matrix</h2>
<p>Row = the true class, column = the predicted class; the diagonal is correct. <i>Counts</i> shows raw numbers
(and their share of all samples); <i>by true class</i> makes each row sum to 100 % so the diagonal reads as recall;
<i>by predicted class</i> makes each column sum to 100 % so the diagonal reads as precision. Click a cell to list its
test samples (as pictures for image data).</p>

<h2><a name="article"></a>The article's worked example, computed correctly</h2>
<p>The article lists 100 samples: 1&ndash;40 positive and predicted positive, 41&ndash;60 negative and predicted negative,
61&ndash;100 negative but predicted positive. Counting:</p>
<table class="m">
<tr><th></th><th>predicted positive</th><th>predicted negative</th></tr>
<tr><th>actually positive</th><td>TP = 40</td><td>FN = 0</td></tr>
<tr><th>actually negative</th><td>FP = 40</td><td>TN = 20</td></tr>
</table>
<ul>
<li>accuracy = (40 + 20) / 100 = <b>0.60</b></li>
<li>precision = 40 / (40 + 40) = <b>0.50</b></li>
<li>recall = 40 / (40 + 0) = <b>1.00</b></li>
<li>F1 = 2 &middot; 0.50 &middot; 1.00 / (0.50 + 1.00) = <b>0.667</b></li>
</ul>
<p class="wrong">The article's text instead claims TP = 60, TN = 40, FP = 10 &mdash; which add up to 110 of its
100 samples &mdash; and from them accuracy 0.8 and F1 0.833. Those numbers are wrong; the ones above follow from its own table.</p>

<h2><a name="efficiency"></a>Efficiency estimate</h2>
<p>Per inference (one sample): multiply-accumulates = non-zero weights; storage in bytes as dense, CSR
(values + column indices + row pointers) or bitmask (one bit per weight + the non-zero values) at the chosen width,
and the smallest of the three. Energy uses Horowitz (ISSCC 2014, 45 nm), as Han et al. (2016) do:</p>
<table class="m">
<tr><th>operation</th><th>int8</th><th>int32</th><th>fp16</th><th>fp32</th></tr>
<tr><th>add</th><td>0.03 pJ</td><td>0.1 pJ</td><td>0.4 pJ</td><td>0.9 pJ</td></tr>
<tr><th>multiply</th><td>0.2 pJ</td><td>3.1 pJ</td><td>1.1 pJ</td><td>3.7 pJ</td></tr>
</table>
<p>Reading 32 bits costs 5 pJ from SRAM and 640 pJ from DRAM; the weights that fit in the on-chip SRAM capacity
(editable in the Efficiency tab) are read at SRAM cost and the rest at DRAM cost. Below 8 bits the
multiply is scaled by bits&sup2;. These are estimates of orders of magnitude; edit the table in the Efficiency tab for
your hardware.</p>

<h2><a name="shortcuts"></a>Shortcuts</h2>
%SHORTCUTS%
<p class="note">Typed entries beside the sliders take exact values (e.g. 3e-4); Enter applies
them and hands the keyboard back to the window, so that Space trains again.</p>
)");
    // The window's own list (every shortcut its menus show) when it gives one.
    return html.replace(QStringLiteral("%SHORTCUTS%"), shortcuts.isEmpty() ? QStringLiteral(R"(<table class="m">
<tr><td>Space</td><td style="text-align:left">Train / Pause</td></tr>
<tr><td>Ctrl+Right / period</td><td style="text-align:left">One step (one mini-batch)</td></tr>
<tr><td>Ctrl+R</td><td style="text-align:left">Reset to new initial weights</td></tr>
<tr><td>Ctrl+O</td><td style="text-align:left">Open a CSV file</td></tr>
<tr><td>Ctrl+1 &hellip; Ctrl+6</td><td style="text-align:left">Show a view</td></tr>
<tr><td>Ctrl+T</td><td style="text-align:left">All views tiled / tabs</td></tr>
<tr><td>F1</td><td style="text-align:left">This help</td></tr>
</table>
)") : shortcutTable(shortcuts));
}

HelpDialog::HelpDialog(QWidget* parent, const QList<QPair<QString, QString>>& shortcuts)
    : QDialog(parent)
    , m_browser(new QTextBrowser(this))
{
    setWindowTitle(QStringLiteral("SparseScope help"));
    resize(760, 720);
    auto* layout = new QVBoxLayout(this);
    m_browser->setHtml(helpHtml(shortcuts));
    m_browser->setOpenLinks(true);
    m_browser->setOpenExternalLinks(false);
    layout->addWidget(m_browser);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::hide);
    layout->addWidget(buttons);
}

void HelpDialog::showSection(const QString& anchor)
{
    if (!anchor.isEmpty())
        m_browser->scrollToAnchor(anchor);
}

QString HelpDialog::html() const
{
    return m_browser->toHtml();
}

} // namespace ss
