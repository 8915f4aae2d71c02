#include "controls/ValueSlider.h"

#include "plot/PlotStyle.h"

#include <QEvent>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSignalBlocker>
#include <QSlider>

#include <algorithm>
#include <cmath>

namespace ss {

int controlLabelWidth(const QFont& font)
{
    // The longest row label of the control panel, plus a gap.
    return QFontMetrics(font).horizontalAdvance(QStringLiteral("Hidden layers")) + 12;
}

int controlEditorWidth(const QFont& font)
{
    return QFontMetrics(font).horizontalAdvance(QStringLiteral("0.000001")) + 14;
}

ValueSlider::ValueSlider(const QString& label, QWidget* parent)
    : QWidget(parent)
    , m_label(new QLabel(label, this))
    , m_slider(new QSlider(Qt::Horizontal, this))
    , m_editor(new QLineEdit(this))
    , m_format(formatScientific)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    applyWidths();
    m_editor->setAlignment(Qt::AlignRight);
    m_slider->setRange(0, m_steps);
    m_slider->setPageStep(m_steps / 20);
    layout->addWidget(m_label);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_editor);

    connect(m_slider, &QSlider::valueChanged, this, &ValueSlider::onSliderMoved);
    connect(m_editor, &QLineEdit::editingFinished, this, &ValueSlider::onEditingFinished);
    showValue();
}

void ValueSlider::applyWidths()
{
    m_label->setFixedWidth(controlLabelWidth(font()));
    m_editor->setFixedWidth(controlEditorWidth(font()));
}

void ValueSlider::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        applyWidths(); // Presentation mode enlarges the font
}

void ValueSlider::setLinearRange(double minimum, double maximum, int steps)
{
    m_log = false;
    m_zeroAllowed = false;
    m_minimum = minimum;
    m_maximum = std::max(maximum, minimum + 1e-12);
    m_steps = std::max(2, steps);
    {
        const QSignalBlocker block(m_slider);
        m_slider->setRange(0, m_steps);
        m_slider->setPageStep(std::max(1, m_steps / 20));
    }
    showValue();
}

void ValueSlider::setLogRange(double minimum, double maximum, bool allowZero, int steps)
{
    m_log = true;
    m_zeroAllowed = allowZero;
    m_minimum = minimum;
    m_maximum = std::max(maximum, minimum * 1.0001);
    m_steps = std::max(2, steps);
    {
        const QSignalBlocker block(m_slider);
        m_slider->setRange(0, m_steps);
        m_slider->setPageStep(std::max(1, m_steps / 20));
    }
    showValue();
}

void ValueSlider::setFormatter(std::function<QString(double)> formatter)
{
    m_format = std::move(formatter);
    showValue();
}

void ValueSlider::setDescription(const QString& toolTip)
{
    m_label->setToolTip(toolTip);
    m_slider->setToolTip(toolTip);
    m_editor->setToolTip(toolTip + QStringLiteral("<br><i>Type a value and press Enter for an exact setting.</i>"));
}

double ValueSlider::valueAt(int position) const
{
    position = std::clamp(position, 0, m_steps);
    if (!m_log)
        return m_minimum + (m_maximum - m_minimum) * position / m_steps;
    if (m_zeroAllowed) {
        if (position == 0)
            return 0.0;
        const double t = static_cast<double>(position - 1) / (m_steps - 1);
        return m_minimum * std::pow(m_maximum / m_minimum, t);
    }
    const double t = static_cast<double>(position) / m_steps;
    return m_minimum * std::pow(m_maximum / m_minimum, t);
}

int ValueSlider::positionOf(double value) const
{
    if (!m_log) {
        const double t = (value - m_minimum) / (m_maximum - m_minimum);
        return std::clamp(static_cast<int>(std::lround(t * m_steps)), 0, m_steps);
    }
    if (m_zeroAllowed) {
        if (value <= 0)
            return 0;
        const double t = std::log(std::max(value, m_minimum) / m_minimum) / std::log(m_maximum / m_minimum);
        return std::clamp(1 + static_cast<int>(std::lround(t * (m_steps - 1))), 1, m_steps);
    }
    const double t = std::log(std::max(value, m_minimum) / m_minimum) / std::log(m_maximum / m_minimum);
    return std::clamp(static_cast<int>(std::lround(t * m_steps)), 0, m_steps);
}

void ValueSlider::setValue(double value)
{
    m_value = value;
    showValue();
}

void ValueSlider::showValue()
{
    {
        const QSignalBlocker block(m_slider);
        m_slider->setValue(positionOf(m_value));
    }
    m_editor->setText(m_format ? m_format(m_value) : QString::number(m_value));
    m_editor->setStyleSheet(QString());
}

void ValueSlider::onSliderMoved(int position)
{
    const double value = valueAt(position);
    if (value == m_value)
        return;
    m_value = value;
    m_editor->setText(m_format ? m_format(m_value) : QString::number(m_value));
    m_editor->setStyleSheet(QString());
    emit valueChanged(m_value);
}

void ValueSlider::onEditingFinished()
{
    QString text = m_editor->text().trimmed();
    text.remove(QLatin1Char('%'));
    text.replace(QLatin1Char(','), QLatin1Char('.'));
    bool ok = false;
    double value = QLocale::c().toDouble(text.trimmed(), &ok);
    const double low = minimum();
    const double high = m_maximum;
    if (!ok || !std::isfinite(value) || value < low || value > high
        || (m_log && !m_zeroAllowed && value <= 0)) {
        m_editor->setStyleSheet(QStringLiteral("QLineEdit { background: #fde8e6; }"));
        m_editor->setToolTip(QStringLiteral("'%1' is not a number in [%2, %3]; the value stays %4.")
                                 .arg(m_editor->text(), formatScientific(low), formatScientific(high),
                                      m_format ? m_format(m_value) : QString::number(m_value)));
        return;
    }
    // Values between 0 and the log scale's minimum round to the nearer end.
    if (m_log && m_zeroAllowed && value > 0 && value < m_minimum)
        value = value < m_minimum / 2 ? 0.0 : m_minimum;
    const bool changed = value != m_value;
    m_value = value;
    showValue();
    if (changed)
        emit valueChanged(m_value);
}

ChoiceSlider::ChoiceSlider(const QString& label, const QStringList& choices, QWidget* parent)
    : QWidget(parent)
    , m_label(new QLabel(label, this))
    , m_slider(new QSlider(Qt::Horizontal, this))
    , m_value(new QLabel(this))
    , m_choices(choices)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    applyFonts();
    m_value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_slider->setRange(0, static_cast<int>(choices.size()) - 1);
    m_slider->setPageStep(1);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(1);
    layout->addWidget(m_label);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_value);
    m_value->setText(currentText());
    connect(m_slider, &QSlider::valueChanged, this, [this](int index) {
        m_value->setText(currentText());
        emit indexChanged(index);
    });
}

void ChoiceSlider::applyFonts()
{
    m_label->setFixedWidth(controlLabelWidth(font()));
    m_value->setFixedWidth(controlEditorWidth(font()));
    QFont bold = font();
    bold.setBold(true);
    m_value->setFont(bold);
}

void ChoiceSlider::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        applyFonts();
}

int ChoiceSlider::index() const
{
    return m_slider->value();
}

QString ChoiceSlider::currentText() const
{
    const int i = m_slider->value();
    return i >= 0 && i < m_choices.size() ? m_choices[i] : QString();
}

void ChoiceSlider::setIndex(int index)
{
    const QSignalBlocker block(m_slider);
    m_slider->setValue(index);
    m_value->setText(currentText());
}

void ChoiceSlider::setDescription(const QString& toolTip)
{
    m_label->setToolTip(toolTip);
    m_slider->setToolTip(toolTip);
    m_value->setToolTip(toolTip);
}

} // namespace ss
