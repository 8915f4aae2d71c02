#include "views/EfficiencyView.h"

#include "plot/PlotStyle.h"
#include "session/Session.h"

#include <qcustomplot.h>

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ss {

namespace {

struct EnergyField {
    const char* name;
    double EnergyTable::*field;
    const char* tip;
};
const EnergyField kEnergyFields[] = {
    {"add int8", &EnergyTable::addInt8, "8-bit integer addition"},
    {"add int32", &EnergyTable::addInt32, "32-bit integer addition"},
    {"add fp16", &EnergyTable::addFp16, "16-bit float addition"},
    {"add fp32", &EnergyTable::addFp32, "32-bit float addition"},
    {"mult int8", &EnergyTable::multInt8, "8-bit integer multiplication (scaled by bits\u00b2 below 8 bits)"},
    {"mult int32", &EnergyTable::multInt32, "32-bit integer multiplication"},
    {"mult fp16", &EnergyTable::multFp16, "16-bit float multiplication"},
    {"mult fp32", &EnergyTable::multFp32, "32-bit float multiplication"},
    {"SRAM read 32 bit", &EnergyTable::sramRead32, "reading 32 bits from on-chip SRAM (8 KB)"},
    {"DRAM read 32 bit", &EnergyTable::dramRead32, "reading 32 bits from off-chip DRAM"},
};

QTableWidgetItem* cell(const QString& text, bool editable = false)
{
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (editable)
        flags |= Qt::ItemIsEditable;
    item->setFlags(flags);
    return item;
}

QString ratio(double dense, double current)
{
    if (current <= 0)
        return QStringLiteral("\u2014");
    const double r = dense / current;
    if (std::abs(r - 1.0) < 0.005) // "1.00x less" says nothing
        return QStringLiteral("same");
    return r >= 1.0 ? QStringLiteral("%1\u00d7 less").arg(r, 0, 'f', r < 10 ? 2 : 1)
                    : QStringLiteral("%1\u00d7 more").arg(1.0 / r, 0, 'f', 2);
}

// A panel's two bars with their labels need about this many text lines of width.
constexpr int kPanelMinWidthLines = 10;

} // namespace

EfficiencyView::EfficiencyView(QWidget* parent)
    : View(parent)
    , m_plot(new QCustomPlot(this))
    , m_numbers(new QTableWidget(this))
    , m_energy(new QTableWidget(this))
    , m_resetEnergy(new QPushButton(QStringLiteral("Reset to Horowitz (45 nm)"), this))
    , m_assumptions(new QTextBrowser(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    auto* left = new QSplitter(Qt::Vertical);
    left->setChildrenCollapsible(false);
    left->addWidget(m_plot);
    left->addWidget(m_numbers);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);
    splitter->addWidget(left);
    auto* side = new QWidget;
    m_side = side;
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(4, 4, 8, 8);
    auto* energyTitle = new QLabel(QStringLiteral("<b>Energy per operation (pJ)</b> \u2014 edit to model your hardware"));
    energyTitle->setWordWrap(true);
    sideLayout->addWidget(energyTitle);
    sideLayout->addWidget(m_energy, 3);
    sideLayout->addWidget(m_resetEnergy);
    auto* assumptionsTitle = new QLabel(QStringLiteral("<b>Assumptions</b>"));
    sideLayout->addWidget(assumptionsTitle);
    sideLayout->addWidget(m_assumptions, 2);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter);

    stylePlot(m_plot);
    m_plot->plotLayout()->clear();
    m_title = new WrappingTitle(m_plot, QStringLiteral("The dense fp32 baseline vs the model as shown (one inference)"), plotFont(1, true));
    m_title->setTextColor(plotcolors::text());
    m_plot->plotLayout()->addElement(0, 0, m_title);
    m_panelGrid = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(1, 0, m_panelGrid);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.01);
    m_panelGrid->setColumnSpacing(14);
    const QStringList titles = {QStringLiteral("non-zero params"), QStringLiteral("storage"), QStringLiteral("MACs"),
                                QStringLiteral("energy")};
    for (int i = 0; i < titles.size(); ++i)
        m_panels.push_back(makePanel(m_panelGrid, i, titles[i]));
    m_panelGrid->setRowStretchFactor(0, 0.01);
    // Where the chart is laid out: four panels in a row, or two rows of two where a row of four
    // would put the "dense fp32" and "as shown" labels of a panel on top of each other (a tile).
    connect(m_plot, &QCustomPlot::afterLayout, this, [this] {
        const int columns = m_plot->viewport().width() >= 4 * kPanelMinWidthLines * fontMetrics().height() ? 4 : 2;
        if (m_panelGrid->columnCount() != columns) {
            arrangePanels(columns);
            // Two rows of panels need the height that a row of four left to the numbers.
            auto* chartAndNumbers = static_cast<QSplitter*>(m_plot->parentWidget());
            const int total = chartAndNumbers->height();
            chartAndNumbers->setSizes(columns == 4 ? QList<int>{total * 3 / 5, total * 2 / 5} : QList<int>{total * 2 / 3, total / 3});
            m_plot->replot(QCustomPlot::rpQueuedReplot);
        }
    });

    // The baseline every ratio is taken against is the dense fp32 model of this architecture
    // (every weight stored and multiplied); the trained model's own zeros (from L1 or
    // pruning applied during training) are a column of their own so the two are not confused.
    m_numbers->setColumnCount(5);
    m_numbers->setHorizontalHeaderLabels({QStringLiteral(""), QStringLiteral("dense fp32 baseline"),
                                          QStringLiteral("trained, fp32 (own zeros)"), QStringLiteral("as shown"),
                                          QStringLiteral("as shown vs baseline")});
    m_numbers->horizontalHeaderItem(1)->setToolTip(
        QStringLiteral("The same architecture with every weight stored and multiplied at fp32: what the ratios compare with."));
    m_numbers->horizontalHeaderItem(2)->setToolTip(
        QStringLiteral("The trained weights at fp32 before the pruning and precision sliders, counting the zeros they already have."));
    m_numbers->verticalHeader()->setVisible(false);
    m_numbers->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_numbers->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_numbers->setAlternatingRowColors(true);
    m_numbers->verticalHeader()->setDefaultSectionSize(22);

    m_energy->setColumnCount(2);
    m_energy->setHorizontalHeaderLabels({QStringLiteral("operation"), QStringLiteral("pJ")});
    m_energy->verticalHeader()->setVisible(false);
    m_energy->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_energy->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_energy->verticalHeader()->setDefaultSectionSize(22);
    m_energy->setRowCount(static_cast<int>(std::size(kEnergyFields)) + 1);
    m_energy->setToolTip(QStringLiteral("Energy per operation in picojoules. Defaults: Horowitz, \u201cComputing's energy problem\u201d, "
                                        "ISSCC 2014, 45 nm \u2014 the figures Han et al. (2016) use. Double-click a value to edit it."));
    setEnergyTable(EnergyTable{});
    connect(m_energy, &QTableWidget::itemChanged, this, &EfficiencyView::onTableEdited);
    connect(m_resetEnergy, &QPushButton::clicked, this, [this] {
        setEnergyTable(EnergyTable{});
        emit energyTableChanged(EnergyTable{});
    });
    m_assumptions->setOpenExternalLinks(false);
    m_assumptions->setFrameShape(QFrame::NoFrame);
}

EfficiencyView::Panel EfficiencyView::makePanel(QCPLayoutGrid* grid, int column, const QString& title)
{
    Panel panel;
    panel.rect = new QCPAxisRect(m_plot);
    styleAxisRect(panel.rect);
    panel.title = new WrappingTitle(m_plot, title, plotFont(0, true));
    panel.title->setTextColor(plotcolors::text());
    // In the layout before any item is made: items look for an axis rect of the plot.
    grid->addElement(0, column, panel.title);
    grid->addElement(1, column, panel.rect);
    QCPAxis* x = panel.rect->axis(QCPAxis::atBottom);
    QCPAxis* y = panel.rect->axis(QCPAxis::atLeft);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTick(0, QStringLiteral("dense\nfp32"));
    ticker->addTick(1, QStringLiteral("as\nshown"));
    x->setTicker(ticker);
    x->setRange(-0.6, 1.6);
    x->grid()->setVisible(false);
    x->setTickLength(0, 0);
    y->setTickLabels(false);
    y->setTicks(false);
    y->grid()->setVisible(false);
    y->setBasePen(Qt::NoPen);
    panel.bars = new QCPBars(x, y);
    panel.bars->setWidth(0.62);
    panel.bars->setPen(Qt::NoPen);
    panel.bars->setBrush(column % 2 == 0 ? plotcolors::accuracy() : plotcolors::sparsity());
    for (QCPItemText** text : {&panel.dense, &panel.current}) {
        *text = new QCPItemText(m_plot);
        (*text)->setClipAxisRect(panel.rect);
        (*text)->setClipToAxisRect(false);
        (*text)->position->setAxes(x, y);
        (*text)->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        (*text)->setFont(plotFont(-1, true));
        (*text)->setColor(plotcolors::text());
        (*text)->setPadding(QMargins(0, 0, 0, 3));
    }
    return panel;
}

void EfficiencyView::arrangePanels(int columns)
{
    for (const Panel& panel : m_panels) {
        m_panelGrid->take(panel.title);
        m_panelGrid->take(panel.rect);
    }
    m_panelGrid->simplify();
    for (int i = 0; i < m_panels.size(); ++i) {
        const int row = 2 * (i / columns);
        m_panelGrid->addElement(row, i % columns, m_panels[i].title);
        m_panelGrid->addElement(row + 1, i % columns, m_panels[i].rect);
    }
    for (int row = 0; row < m_panelGrid->rowCount(); ++row)
        m_panelGrid->setRowStretchFactor(row, row % 2 == 0 ? 0.01 : 1.0);
    m_panelGrid->setRowSpacing(columns == 4 ? 0 : 6);
}

void EfficiencyView::setPanel(Panel& panel, double dense, double current, const QString& denseText, const QString& currentText)
{
    panel.bars->setData(QVector<double>{0, 1}, QVector<double>{dense, current}, true);
    const double top = std::max({dense, current, 1e-12}) * 1.22;
    panel.rect->axis(QCPAxis::atLeft)->setRange(0, top);
    panel.dense->position->setCoords(0, dense);
    panel.dense->setText(denseText);
    panel.current->position->setCoords(1, current);
    panel.current->setText(currentText + QStringLiteral("\n") + ratio(dense, current));
}

void EfficiencyView::fitPanelsToWidth()
{
    // Beside the energy table the four bar panels would be slivers.
    const bool shown = !inTile() || width() >= 45 * fontMetrics().height();
    if (m_side->isVisibleTo(this) == shown)
        return;
    m_side->setVisible(shown);
    static_cast<QSplitter*>(m_side->parentWidget())->setSizes(shown ? QList<int>{1200, 400} : QList<int>{1, 0});
}

void EfficiencyView::render(const Snapshot& s)
{
    const EfficiencyEstimate& dense = s.evaluation.denseFp32;
    const EfficiencyEstimate& trained = s.evaluation.trainedFp32;
    const EfficiencyEstimate& now = s.evaluation.efficiency;
    setPanel(m_panels[0], static_cast<double>(dense.nonZeroParameters), static_cast<double>(now.nonZeroParameters),
             formatCount(static_cast<double>(dense.nonZeroParameters)), formatCount(static_cast<double>(now.nonZeroParameters)));
    setPanel(m_panels[1], static_cast<double>(dense.bytesSmallest), static_cast<double>(now.bytesSmallest),
             formatBytes(static_cast<double>(dense.bytesSmallest)),
             formatBytes(static_cast<double>(now.bytesSmallest)) + QStringLiteral(" ") + QString::fromStdString(now.smallestFormat));
    setPanel(m_panels[2], static_cast<double>(dense.macsSparse), static_cast<double>(now.macsSparse),
             formatCount(static_cast<double>(dense.macsSparse)), formatCount(static_cast<double>(now.macsSparse)));
    setPanel(m_panels[3], dense.energyTotalPj, now.energyTotalPj, formatEnergy(dense.energyTotalPj), formatEnergy(now.energyTotalPj));
    m_title->setText(QStringLiteral("The dense fp32 baseline vs the model as shown (%1, %2 of weights zero) \u2014 one inference")
                         .arg(QString::fromStdString(s.compression.precision.label()), formatPercent(s.evaluation.weights.sparsity)));

    struct Row {
        QString name;
        QString dense;
        QString trained;
        QString now;
        double denseValue;
        double nowValue;
    };
    const auto count = [](long value) { return formatCount(static_cast<double>(value)); };
    const auto bytes = [](long value) { return formatBytes(static_cast<double>(value)); };
    const auto smallest = [](const EfficiencyEstimate& e) {
        return formatBytes(static_cast<double>(e.bytesSmallest)) + QStringLiteral(" ") + QString::fromStdString(e.smallestFormat);
    };
    // "SRAM words + DRAM words": the stored model is read once per inference, as many 32-bit
    // words as the on-chip capacity holds from SRAM and the rest from DRAM.
    const auto reads = [](const EfficiencyEstimate& e) {
        return QStringLiteral("%1 + %2").arg(formatCount(static_cast<double>(e.sramReads)),
                                             formatCount(static_cast<double>(e.dramReads)));
    };
    const auto number = [](long value) { return static_cast<double>(value); };
    const QList<Row> rows = {
        {QStringLiteral("parameters (weights + biases)"), count(dense.parameters), count(trained.parameters),
         count(now.parameters), number(dense.parameters), number(now.parameters)},
        {QStringLiteral("non-zero parameters"), count(dense.nonZeroParameters), count(trained.nonZeroParameters),
         count(now.nonZeroParameters), number(dense.nonZeroParameters), number(now.nonZeroParameters)},
        {QStringLiteral("multiply-accumulates, dense kernel"), count(dense.macsDense), count(trained.macsDense),
         count(now.macsDense), number(dense.macsDense), number(now.macsDense)},
        {QStringLiteral("multiply-accumulates, zeros skipped"), count(dense.macsSparse), count(trained.macsSparse),
         count(now.macsSparse), number(dense.macsSparse), number(now.macsSparse)},
        {QStringLiteral("bytes, dense layout"), bytes(dense.bytesDense), bytes(trained.bytesDense), bytes(now.bytesDense),
         number(dense.bytesDense), number(now.bytesDense)},
        {QStringLiteral("bytes, CSR (values + indices)"), bytes(dense.bytesCsr), bytes(trained.bytesCsr), bytes(now.bytesCsr),
         number(dense.bytesCsr), number(now.bytesCsr)},
        {QStringLiteral("bytes, bitmask + values"), bytes(dense.bytesBitmask), bytes(trained.bytesBitmask),
         bytes(now.bytesBitmask), number(dense.bytesBitmask), number(now.bytesBitmask)},
        {QStringLiteral("smallest storage"), smallest(dense), smallest(trained), smallest(now), number(dense.bytesSmallest),
         number(now.bytesSmallest)},
        {QStringLiteral("memory reads (SRAM + DRAM)"), reads(dense), reads(trained), reads(now), 0, 0},
        {QStringLiteral("energy: arithmetic"), formatEnergy(dense.energyComputePj), formatEnergy(trained.energyComputePj),
         formatEnergy(now.energyComputePj), dense.energyComputePj, now.energyComputePj},
        {QStringLiteral("energy: memory reads"), formatEnergy(dense.energyMemoryPj), formatEnergy(trained.energyMemoryPj),
         formatEnergy(now.energyMemoryPj), dense.energyMemoryPj, now.energyMemoryPj},
        {QStringLiteral("energy per inference"), formatEnergy(dense.energyTotalPj), formatEnergy(trained.energyTotalPj),
         formatEnergy(now.energyTotalPj), dense.energyTotalPj, now.energyTotalPj},
    };
    if (m_numbers->rowCount() != rows.size()) {
        m_numbers->setRowCount(static_cast<int>(rows.size()));
        // Measured once: the labels do not change, and measuring at every update is costly.
        for (int r = 0; r < rows.size(); ++r)
            setTableText(m_numbers, r, 0, rows[r].name, Qt::AlignLeft | Qt::AlignVCenter);
        m_numbers->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Interactive);
        m_numbers->resizeColumnToContents(0);
    }
    for (int r = 0; r < rows.size(); ++r) {
        setTableText(m_numbers, r, 0, rows[r].name, Qt::AlignLeft | Qt::AlignVCenter);
        setTableText(m_numbers, r, 1, rows[r].dense);
        setTableText(m_numbers, r, 2, rows[r].trained);
        setTableText(m_numbers, r, 3, rows[r].now);
        setTableText(m_numbers, r, 4, rows[r].denseValue > 0 ? ratio(rows[r].denseValue, rows[r].nowValue) : QString());
    }

    const QString assumptions = QString::fromStdString(now.assumptions).toHtmlEscaped();
    const QString text = QStringLiteral(
        "<p>%1</p><p style='color:#5a6070'>Estimates, not measurements: one inference is one forward pass of one sample. "
        "Multiply-accumulates = non-zero weights (a sparse kernel skips zeros). The smallest storage format is read once; "
        "the on-chip SRAM (its capacity is in the table) holds as many of its 32-bit words as fit, the rest are read "
        "from DRAM; multiplications below 8 bits are scaled by bits\u00b2 from the int8 figure. Ratios are against the "
        "dense fp32 baseline.</p>")
                             .arg(assumptions);
    if (m_assumptions->toHtml() != text)
        m_assumptions->setHtml(text);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

EnergyTable EfficiencyView::energyTable() const
{
    // Cells that do not hold a number >= 0 keep the value last in use.
    EnergyTable table = m_table;
    for (int i = 0; i < static_cast<int>(std::size(kEnergyFields)); ++i) {
        bool ok = false;
        const double value = QLocale::c().toDouble(m_energy->item(i, 1)->text(), &ok);
        if (ok && value >= 0)
            table.*(kEnergyFields[i].field) = value;
    }
    const int last = static_cast<int>(std::size(kEnergyFields));
    bool ok = false;
    const double kib = QLocale::c().toDouble(m_energy->item(last, 1)->text(), &ok);
    if (ok && kib >= 0 && kib <= 1e12) // 0: no on-chip memory, every read from DRAM
        table.sramCapacityBytes = std::lround(kib * 1024.0);
    return table;
}

void EfficiencyView::setEnergyTable(const EnergyTable& table)
{
    m_table = table;
    m_filling = true;
    for (int i = 0; i < static_cast<int>(std::size(kEnergyFields)); ++i) {
        auto* name = new QTableWidgetItem(QString::fromLatin1(kEnergyFields[i].name));
        name->setFlags(Qt::ItemIsEnabled);
        name->setToolTip(QString::fromUtf8(kEnergyFields[i].tip));
        m_energy->setItem(i, 0, name);
        m_energy->setItem(i, 1, cell(QString::number(table.*(kEnergyFields[i].field), 'g', 4), true));
    }
    const int last = static_cast<int>(std::size(kEnergyFields));
    auto* name = new QTableWidgetItem(QStringLiteral("on-chip SRAM (KiB)"));
    name->setFlags(Qt::ItemIsEnabled);
    name->setToolTip(QStringLiteral("An assumption: the on-chip memory that holds the stored model. As many 32-bit words as fit "
                                    "are read at the SRAM cost, the rest at the DRAM cost, so energy grows smoothly with size."));
    m_energy->setItem(last, 0, name);
    m_energy->setItem(last, 1, cell(QString::number(static_cast<double>(table.sramCapacityBytes) / 1024.0, 'g', 6), true));
    m_filling = false;
}

void EfficiencyView::onTableEdited()
{
    if (m_filling)
        return;
    // Reject what is not a number >= 0 by showing the value actually used.
    const EnergyTable table = energyTable();
    setEnergyTable(table);
    emit energyTableChanged(table);
}

void EfficiencyView::saveSessionState(Session& session, const Snapshot&) const
{
    session.app["energy"] = toJson(energyTable());
}

void EfficiencyView::restoreSessionState(const Session& session)
{
    // SessionController::open refused the file if this table was not a valid one, so
    // reading it again cannot fail (the reader's file name only appears in errors).
    if (const auto energy = session.app.find("energy"); energy != session.app.end())
        setEnergyTable(energyTableFromJson(*energy, JsonReader(std::string()), "app.energy"));
}

} // namespace ss
