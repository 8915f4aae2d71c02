#pragma once
// A labelled slider with a typed entry beside it, on a linear or logarithmic scale
// (optionally with an exact 0 at the far left of a log scale, as lambda needs).
// The typed entry takes any value in range exactly; the slider shows the nearest position.

#include <QStringList>
#include <QWidget>

#include <functional>

class QFont;
class QLabel;
class QLineEdit;
class QSlider;

namespace ss {

// Widths of the control panel's row labels and value fields, from the font in use, so that
// the panel grows with a larger font (Presentation mode) instead of clipping its text.
int controlLabelWidth(const QFont& font);
int controlEditorWidth(const QFont& font);

class ValueSlider : public QWidget {
    Q_OBJECT
public:
    explicit ValueSlider(const QString& label, QWidget* parent = nullptr);

    void setLinearRange(double minimum, double maximum, int steps = 1000);
    // Log scale from minimum to maximum (both > 0); allowZero puts an exact 0 at position 0.
    void setLogRange(double minimum, double maximum, bool allowZero, int steps = 1000);
    void setFormatter(std::function<QString(double)> formatter);
    void setDescription(const QString& toolTip);

    double value() const { return m_value; }
    double minimum() const { return m_zeroAllowed ? 0.0 : m_minimum; }
    double maximum() const { return m_maximum; }
    // Programmatic change: updates the widgets without emitting valueChanged.
    void setValue(double value);

    // The value a slider position stands for (exposed for tests and the threshold drag).
    double valueAt(int position) const;
    int positionOf(double value) const;

    QSlider* slider() const { return m_slider; }
    QLineEdit* editor() const { return m_editor; }
    QLabel* label() const { return m_label; }

signals:
    // Only on the user's changes (slider moves, typed entries), never on setValue.
    void valueChanged(double value);

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyWidths();
    void onSliderMoved(int position);
    void onEditingFinished();
    void showValue();

    QLabel* m_label;
    QSlider* m_slider;
    QLineEdit* m_editor;
    bool m_log = false;
    bool m_zeroAllowed = false;
    double m_minimum = 0;
    double m_maximum = 1;
    int m_steps = 1000;
    double m_value = 0;
    std::function<QString(double)> m_format;
};

// A slider over named stops (the weight precisions), with the current name beside it.
class ChoiceSlider : public QWidget {
    Q_OBJECT
public:
    ChoiceSlider(const QString& label, const QStringList& choices, QWidget* parent = nullptr);

    int index() const;
    QString currentText() const;
    void setIndex(int index);       // no signal
    void setDescription(const QString& toolTip);
    QSlider* slider() const { return m_slider; }
    QLabel* label() const { return m_label; }

signals:
    void indexChanged(int index);   // user changes only

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyFonts();

    QLabel* m_label;
    QSlider* m_slider;
    QLabel* m_value;
    QStringList m_choices;
};

} // namespace ss
