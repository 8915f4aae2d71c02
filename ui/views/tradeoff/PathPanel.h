#pragma once
// For linear models, the regularisation path: every weight against lambda, with the number
// of non-zero weights on the top axis (as glmnet draws it). Computed in the background, by
// itself for small data and on the "λ path" button otherwise.

#include "views/tradeoff/TradeoffPanel.h"

#include "async/BackgroundJob.h"
#include "eval/RegularizationPath.h"

#include <memory>

class QPushButton;

namespace ss {

class PathPanel : public TradeoffPanel {
    Q_OBJECT
public:
    explicit PathPanel(QWidget* parent = nullptr);

    QList<QWidget*> barWidgets() const override;
    bool hasContent() const override;
    QString runningJob() const override;
    int jobProgress() const override { return m_job.progress(); }
    void cancelJob() override { m_job.cancel(); }

    // Computes the path of the model of `on` (a linear one; nothing otherwise).
    void start(const SnapshotPtr& on);
    const RegularizationPath* result() const { return m_path.get(); }

protected:
    void render(const Snapshot& snapshot) override;

private:
    void showPath();

    QPushButton* m_button;
    QCPTextElement* m_title = nullptr;
    QCPItemText* m_notice = nullptr;
    BackgroundJob<RegularizationPath> m_job;
    std::unique_ptr<RegularizationPath> m_path;
    QString m_key;   // what the shown (or running) path was made from
    QString m_shown; // what the plot shows now
};

} // namespace ss
