#pragma once
// Efficiency: non-zero parameters, bytes, multiply-accumulates and estimated energy per
// inference, the dense fp32 model beside the model as shown; the storage formats; the
// assumptions in words and the editable energy table (Horowitz, ISSCC 2014, 45 nm).

#include "views/View.h"

#include "compress/Efficiency.h"

class QCPAxisRect;
class QCPBars;
class QCPItemText;
class QCPLayoutGrid;
class QCPTextElement;
class QLabel;
class QPushButton;
class QTableWidget;
class QTextBrowser;

namespace ss {

class EfficiencyView : public View {
    Q_OBJECT
public:
    explicit EfficiencyView(QWidget* parent = nullptr);

    QString id() const override { return QStringLiteral("efficiency"); }
    QString title() const override { return QStringLiteral("Efficiency"); }
    QList<QCustomPlot*> plots() const override { return {m_plot}; }
    // The energy table, as session.app["energy"].
    void saveSessionState(Session& session, const Snapshot& shown) const override;
    void restoreSessionState(const Session& session) override;

    EnergyTable energyTable() const;
    void setEnergyTable(const EnergyTable& table); // no signal

signals:
    void energyTableChanged(const ss::EnergyTable& table);

protected:
    void render(const Snapshot& snapshot) override;
    // A narrow tile: the chart and its numbers, the energy table and assumptions hidden.
    void fitPanelsToWidth() override;

private:
    struct Panel {
        QCPAxisRect* rect = nullptr;
        QCPBars* bars = nullptr;
        QCPItemText* dense = nullptr;
        QCPItemText* current = nullptr;
        QCPTextElement* title = nullptr;
    };
    Panel makePanel(QCPLayoutGrid* grid, int column, const QString& title);
    // The four panels in `columns` columns (4: one row; 2: two rows).
    void arrangePanels(int columns);
    void setPanel(Panel& panel, double dense, double current, const QString& denseText, const QString& currentText);
    void onTableEdited();

    QCustomPlot* m_plot;
    QWidget* m_side = nullptr; // the energy table and the assumptions, right of the chart
    QTableWidget* m_numbers;
    QTableWidget* m_energy;
    QPushButton* m_resetEnergy;
    QTextBrowser* m_assumptions;
    QCPTextElement* m_title = nullptr;
    QCPLayoutGrid* m_panelGrid = nullptr;
    QList<Panel> m_panels;
    bool m_filling = false;
    EnergyTable m_table;
};

} // namespace ss
