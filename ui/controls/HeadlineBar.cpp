#include "controls/HeadlineBar.h"

#include "plot/PlotStyle.h"

#include <QApplication>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>
#include <QResizeEvent>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ss {

namespace {

// "3.10x smaller than fp32", "the same as fp32", "1.25x larger than fp32": a ratio of
// fp32's figure to the model's, said the way round that reads.
QString comparedToFp32(double ratio, const QString& better, const QString& worse)
{
    if (!(ratio > 0))
        return QString();
    if (std::abs(ratio - 1.0) < 0.005)
        return QStringLiteral("the same as fp32");
    const double factor = ratio > 1.0 ? ratio : 1.0 / ratio;
    return QStringLiteral("%1\u00d7 %2 than fp32").arg(factor, 0, 'f', factor < 10 ? 2 : 1).arg(ratio > 1.0 ? better : worse);
}

} // namespace

HeadlineBar::HeadlineBar(QWidget* parent)
    : QWidget(parent)
{
    m_grid = new QGridLayout(this);
    m_grid->setContentsMargins(6, 6, 6, 2);
    m_grid->setSpacing(6);
    addCard(QStringLiteral("accuracy"), QStringLiteral("Test accuracy"),
            QStringLiteral("Share of test samples classified correctly: (TP + TN) / all, for any number of classes."));
    addCard(QStringLiteral("f1"), QStringLiteral("Macro-F1"),
            QStringLiteral("Mean over classes of F1 = 2\u00b7precision\u00b7recall / (precision + recall); every class counts the same, "
                           "so a model that ignores a small class scores low even when its accuracy is high."));
    addCard(QStringLiteral("sparsity"), QStringLiteral("Sparsity"),
            QStringLiteral("Share of weights that are exactly zero (biases apart), after pruning and rounding. Density = 1 \u2212 sparsity."));
    addCard(QStringLiteral("precision"), QStringLiteral("Weights stored as"),
            QStringLiteral("The number format of the weights as shown (the Precision slider)."));
    addCard(QStringLiteral("size"), QStringLiteral("Model size"),
            QStringLiteral("Bytes of the smallest storage format (dense, CSR or bitmask) at this precision, against dense fp32."));
    addCard(QStringLiteral("energy"), QStringLiteral("Energy / inference"),
            QStringLiteral("Estimated energy of one forward pass (Horowitz 45 nm figures; see the Efficiency tab)."));
    addCard(QStringLiteral("epoch"), QStringLiteral("Epoch"),
            QStringLiteral("Passes over the training set so far, and optimiser steps (one per mini-batch)."));
    for (const Card& card : m_cards) {
        card.value->setText(QStringLiteral("\u2014"));
    }
    reflow(m_cards.size());
}

void HeadlineBar::arrangeCard(const Card& card) const
{
    // Full: caption, number, detail on three lines. Compact (a short window): caption and
    // number on one line, the detail left out, so that the plots keep their height.
    auto* layout = static_cast<QGridLayout*>(card.frame->layout());
    for (QWidget* part : {static_cast<QWidget*>(card.title), static_cast<QWidget*>(card.value), static_cast<QWidget*>(card.detail)})
        layout->removeWidget(part);
    if (m_compact) {
        layout->addWidget(card.title, 0, 0, Qt::AlignVCenter);
        layout->addWidget(card.value, 0, 1, Qt::AlignVCenter | Qt::AlignRight);
        card.detail->hide();
        layout->setContentsMargins(8, 2, 8, 2);
    } else {
        layout->addWidget(card.title, 0, 0);
        layout->addWidget(card.value, 1, 0);
        layout->addWidget(card.detail, 2, 0);
        card.detail->show();
        layout->setContentsMargins(10, 4, 10, 5);
    }
}

void HeadlineBar::setCompact(bool compact)
{
    if (compact == m_compact)
        return;
    m_compact = compact;
    for (const Card& card : m_cards)
        arrangeCard(card);
    m_columns = 0;
    reflow(columnsFor(width()));
}

void HeadlineBar::applyFonts(const Card& card) const
{
    // Relative to the bar's own font, so that a larger window font (Presentation mode)
    // enlarges the numbers too.
    QFont caption = font();
    caption.setPointSizeF(font().pointSizeF() * 0.9);
    QFont big = font();
    big.setPointSizeF(font().pointSizeF() * 1.45);
    big.setBold(true);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    card.title->setFont(caption);
    card.value->setFont(big);
    card.detail->setFont(small);
}

int HeadlineBar::cardWidth() const
{
    int widest = 0;
    for (const Card& card : m_cards)
        widest = std::max(widest, card.frame->minimumSizeHint().width());
    return widest;
}

void HeadlineBar::reflow(int columns)
{
    const int count = static_cast<int>(m_cards.size());
    columns = std::clamp(columns, 1, count);
    // As many rows as needed, then the cards shared out evenly over them (4 + 3, not 5 + 2).
    const int rows = (count + columns - 1) / columns;
    columns = (count + rows - 1) / rows;
    if (columns == m_columns)
        return;
    m_columns = columns;
    for (const Card& card : m_cards)
        m_grid->removeWidget(card.frame);
    for (int i = 0; i < m_cards.size(); ++i)
        m_grid->addWidget(m_cards[i].frame, i / columns, i % columns);
    for (int c = 0; c < m_cards.size(); ++c)
        m_grid->setColumnStretch(c, c < columns ? 1 : 0);
    updateGeometry();
}

int HeadlineBar::columnsFor(int width) const
{
    const QMargins margins = m_grid->contentsMargins();
    const int spacing = m_grid->horizontalSpacing();
    const int available = width - margins.left() - margins.right() + spacing;
    return std::max(1, available / std::max(1, cardWidth() + spacing));
}

QSize HeadlineBar::minimumSizeHint() const
{
    // One card wide: narrower windows put the cards on more rows (resizeEvent) instead of
    // pushing the window wider than the screen.
    const QMargins margins = m_grid->contentsMargins();
    return {cardWidth() + margins.left() + margins.right(), QWidget::minimumSizeHint().height()};
}

void HeadlineBar::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    reflow(columnsFor(event->size().width()));
}

void HeadlineBar::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        for (const Card& card : m_cards)
            applyFonts(card);
        m_columns = 0; // the cards' widths changed with the font
        reflow(columnsFor(width()));
    }
}

int HeadlineBar::rowCount() const
{
    return (static_cast<int>(m_cards.size()) + m_columns - 1) / m_columns;
}

void HeadlineBar::addCard(const QString& id, const QString& caption, const QString& toolTip)
{
    auto* frame = new QFrame(this);
    frame->setObjectName(QStringLiteral("headlineCard"));
    frame->setStyleSheet(QStringLiteral("#headlineCard { background: #f6f7f9; border: 1px solid #e1e4ea; border-radius: 6px; }"));
    frame->setToolTip(toolTip);
    auto* layout = new QGridLayout(frame);
    layout->setContentsMargins(10, 4, 10, 5);
    layout->setSpacing(0);
    layout->setHorizontalSpacing(8);
    auto* title = new QLabel(caption, frame);
    title->setStyleSheet(QStringLiteral("color: #5a6070;"));
    auto* value = new QLabel(frame);
    value->setStyleSheet(QStringLiteral("color: #1f2430;"));
    auto* detail = new QLabel(frame);
    detail->setStyleSheet(QStringLiteral("color: #6b7280;"));
    m_cards.push_back({id, frame, title, value, detail});
    arrangeCard(m_cards.back());
    applyFonts(m_cards.back());
}

void HeadlineBar::setCard(const QString& id, const QString& value, const QString& detail)
{
    for (Card& card : m_cards)
        if (card.id == id) {
            card.value->setText(value);
            card.detail->setText(detail);
        }
}

QString HeadlineBar::value(const QString& id) const
{
    for (const Card& card : m_cards)
        if (card.id == id)
            return card.value->text();
    return {};
}

QString HeadlineBar::detail(const QString& id) const
{
    for (const Card& card : m_cards)
        if (card.id == id)
            return card.detail->text();
    return {};
}

void HeadlineBar::showSnapshot(const Snapshot& s)
{
    const Evaluation& e = s.evaluation;
    const EfficiencyEstimate& now = e.efficiency;
    const EfficiencyEstimate& dense = e.denseFp32;
    setCard(QStringLiteral("accuracy"), QString::number(e.report.accuracy, 'f', 3),
            QStringLiteral("%1 of %2 right").arg(e.report.confusion.correct()).arg(e.report.confusion.total()));
    // Two classes: the positive class's precision and recall, as usually quoted, naming the
    // class (the control panel's choice, else the core's default rule).
    const std::vector<std::string>* names = s.data ? &s.data->split.test.classNames : nullptr;
    const bool binary = e.report.binary && names && names->size() == 2 && e.report.positiveClass >= 0
        && e.report.positiveClass < 2;
    setCard(QStringLiteral("f1"), QString::number(e.report.macro.f1, 'f', 3),
            binary ? QStringLiteral("positive '%1': P %2 \u00b7 R %3")
                         .arg(QString::fromStdString((*names)[static_cast<std::size_t>(e.report.positiveClass)]))
                         .arg(e.report.positive.precision, 0, 'f', 3)
                         .arg(e.report.positive.recall, 0, 'f', 3)
                   : QStringLiteral("weighted %1").arg(e.report.weighted.f1, 0, 'f', 3));
    setCard(QStringLiteral("sparsity"), formatPercent(e.weights.sparsity),
            QStringLiteral("%1 of %2 weights zero").arg(formatCount(static_cast<double>(e.weights.zeroWeights)),
                                                        formatCount(static_cast<double>(e.weights.weights))));
    setCard(QStringLiteral("precision"), QString::fromStdString(s.compression.precision.label()),
            s.compression.precision.storageBits() == 1 ? QStringLiteral("1 bit per stored weight")
                                                       : QStringLiteral("%1 bits per stored weight").arg(s.compression.precision.storageBits()));
    const double sizeRatio = now.bytesSmallest > 0 ? static_cast<double>(dense.bytesSmallest) / static_cast<double>(now.bytesSmallest) : 0.0;
    setCard(QStringLiteral("size"), formatBytes(static_cast<double>(now.bytesSmallest)),
            QStringLiteral("%1 (%2)").arg(comparedToFp32(sizeRatio, QStringLiteral("smaller"), QStringLiteral("larger")),
                                          QString::fromStdString(now.smallestFormat)));
    const double energyRatio = now.energyTotalPj > 0 ? dense.energyTotalPj / now.energyTotalPj : 0.0;
    setCard(QStringLiteral("energy"), formatEnergy(now.energyTotalPj),
            comparedToFp32(energyRatio, QStringLiteral("less"), QStringLiteral("more")));
    setCard(QStringLiteral("epoch"), QString::number(s.epoch),
            QStringLiteral("%1 steps%2").arg(formatCount(static_cast<double>(s.steps)),
                                             s.running && s.stepsPerSecond > 0
                                                 ? QStringLiteral(" \u00b7 %1/s").arg(formatCount(s.stepsPerSecond))
                                                 : QString()));
}

MessageBanner::MessageBanner(QWidget* parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("messageBanner"));
    setAttribute(Qt::WA_StyledBackground, true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->setSpacing(8);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setTextFormat(Qt::RichText);
    auto* close = new QToolButton(this);
    close->setAutoRaise(true);
    close->setText(QStringLiteral("\u2715"));
    close->setToolTip(QStringLiteral("Hide this message"));
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addWidget(close, 0, Qt::AlignTop);
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void MessageBanner::showMessage(Kind kind, const QString& title, const QString& text)
{
    m_kind = kind;
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    QString style = QStringLiteral("#messageBanner { background: #eaf2fb; border: 1px solid #b9d3ee; border-radius: 6px; }");
    if (kind == Kind::Warning) {
        icon = QStyle::SP_MessageBoxWarning;
        style = QStringLiteral("#messageBanner { background: #fff6e0; border: 1px solid #f0d48a; border-radius: 6px; }");
    } else if (kind == Kind::Error) {
        icon = QStyle::SP_MessageBoxCritical;
        style = QStringLiteral("#messageBanner { background: #fdecea; border: 1px solid #f1b5ae; border-radius: 6px; }");
    }
    setStyleSheet(style);
    m_icon->setPixmap(QApplication::style()->standardIcon(icon).pixmap(20, 20));
    QString body = text.toHtmlEscaped();
    body.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    m_text->setText(QStringLiteral("<b>%1</b><br>%2").arg(title.toHtmlEscaped(), body));
    show();
}

QString MessageBanner::text() const
{
    return m_text->text();
}

} // namespace ss
