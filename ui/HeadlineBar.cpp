#include "HeadlineBar.h"

#include "PlotStyle.h"

#include <QApplication>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace ss {

HeadlineBar::HeadlineBar(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 2);
    layout->setSpacing(6);
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
}

void HeadlineBar::addCard(const QString& id, const QString& caption, const QString& toolTip)
{
    auto* frame = new QFrame(this);
    frame->setObjectName(QStringLiteral("headlineCard"));
    frame->setStyleSheet(QStringLiteral("#headlineCard { background: #f6f7f9; border: 1px solid #e1e4ea; border-radius: 6px; }"));
    frame->setToolTip(toolTip);
    auto* layout = new QVBoxLayout(frame);
    layout->setContentsMargins(10, 4, 10, 5);
    layout->setSpacing(0);
    auto* title = new QLabel(caption, frame);
    title->setStyleSheet(QStringLiteral("color: #5a6070; font-size: 8.5pt;"));
    auto* value = new QLabel(frame);
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 1.45);
    big.setBold(true);
    value->setFont(big);
    value->setStyleSheet(QStringLiteral("color: #1f2430;"));
    auto* detail = new QLabel(frame);
    detail->setStyleSheet(QStringLiteral("color: #6b7280; font-size: 8pt;"));
    layout->addWidget(title);
    layout->addWidget(value);
    layout->addWidget(detail);
    static_cast<QHBoxLayout*>(this->layout())->addWidget(frame, 1);
    m_cards.push_back({id, value, detail});
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

void HeadlineBar::showSnapshot(const Snapshot& s)
{
    const Evaluation& e = s.evaluation;
    const EfficiencyEstimate& now = e.efficiency;
    const EfficiencyEstimate& dense = e.denseFp32;
    setCard(QStringLiteral("accuracy"), QString::number(e.report.accuracy, 'f', 3),
            QStringLiteral("%1 of %2 right").arg(e.report.confusion.correct()).arg(e.report.confusion.total()));
    setCard(QStringLiteral("f1"), QString::number(e.report.macro.f1, 'f', 3),
            QStringLiteral("weighted %1").arg(e.report.weighted.f1, 0, 'f', 3));
    setCard(QStringLiteral("sparsity"), formatPercent(e.weights.sparsity),
            QStringLiteral("%1 of %2 weights zero").arg(formatCount(static_cast<double>(e.weights.zeroWeights)),
                                                        formatCount(static_cast<double>(e.weights.weights))));
    setCard(QStringLiteral("precision"), QString::fromStdString(s.compression.precision.label()),
            QStringLiteral("%1 bits per stored weight").arg(s.compression.precision.storageBits()));
    const double sizeRatio = now.bytesSmallest > 0 ? static_cast<double>(dense.bytesSmallest) / static_cast<double>(now.bytesSmallest) : 0.0;
    setCard(QStringLiteral("size"), formatBytes(static_cast<double>(now.bytesSmallest)),
            QStringLiteral("%1\u00d7 smaller than fp32 (%2)").arg(sizeRatio, 0, 'f', sizeRatio < 10 ? 2 : 1)
                .arg(QString::fromStdString(now.smallestFormat)));
    const double energyRatio = now.energyTotalPj > 0 ? dense.energyTotalPj / now.energyTotalPj : 0.0;
    setCard(QStringLiteral("energy"), formatEnergy(now.energyTotalPj),
            QStringLiteral("%1\u00d7 less than fp32").arg(energyRatio, 0, 'f', energyRatio < 10 ? 2 : 1));
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
