// The positive-class control: shown for two classes only, "Automatic (<rule>)" then each
// class; choosing the other class makes the headline quote that class's precision and
// recall, and names it.
#include "controls/ControlPanel.h"
#include "controls/HeadlineBar.h"

#include "TrainedSnapshot.h"
#include "session/LiveExperiment.h"
#include "automation/WindowAutomation.h"
#include "window/MainWindow.h"
#include "window/SessionController.h"

#include <QComboBox>
#include <QScrollArea>
#include <QSignalSpy>
#include <QtTest>

using namespace ss;

namespace {

SnapshotPtr trainedOn(const std::string& dataset)
{
    return testing::trainedSnapshot(dataset, {}, TrainingConfig{}, 2, false);
}

QString scores(const ClassScores& scores)
{
    return QStringLiteral("P %1 \u00b7 R %2").arg(scores.precision, 0, 'f', 3).arg(scores.recall, 0, 'f', 3);
}

} // namespace

class TestPositiveClass : public QObject {
    Q_OBJECT
private slots:
    void choosingTheOtherClassChangesTheHeadline()
    {
        const SnapshotPtr snapshot = trainedOn("breast-cancer"); // malignant, benign
        QVERIFY(snapshot);
        const ClassificationReport& report = snapshot->evaluation.report;
        QVERIFY(report.binary);
        const std::vector<std::string>& names = snapshot->data->split.test.classNames;
        QCOMPARE(names.size(), std::size_t{2});

        ControlPanel panel;
        panel.show();
        panel.showSnapshot(*snapshot);
        auto* combo = panel.findChild<QComboBox*>(QStringLiteral("positiveClass"));
        QVERIFY(combo);
        QVERIFY(combo->isVisible());
        QCOMPARE(combo->count(), 3);
        QVERIFY(combo->itemText(0).startsWith(QStringLiteral("Automatic (")));
        QVERIFY(combo->itemText(0).contains(QString::fromStdString(names[static_cast<std::size_t>(report.positiveClass)])));
        QCOMPARE(combo->itemText(1), QString::fromStdString(names[0]));
        QCOMPARE(combo->itemText(2), QString::fromStdString(names[1]));

        HeadlineBar headline;
        headline.showSnapshot(*withPositiveClass(snapshot, panel.state().positiveClass));
        const int automatic = report.positiveClass;
        const ClassScores& automaticScores = report.perClass[static_cast<std::size_t>(automatic)];
        QVERIFY(headline.detail(QStringLiteral("f1")).contains(QString::fromStdString(names[static_cast<std::size_t>(automatic)])));
        QVERIFY(headline.detail(QStringLiteral("f1")).contains(scores(automaticScores)));

        // The other class.
        const int other = 1 - automatic;
        QSignalSpy changed(&panel, &ControlPanel::positiveClassChanged);
        combo->setCurrentIndex(1 + other);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(panel.state().positiveClass, names[static_cast<std::size_t>(other)]);
        const SnapshotPtr chosen = withPositiveClass(snapshot, panel.state().positiveClass);
        QCOMPARE(chosen->evaluation.report.positiveClass, other);
        QVERIFY(chosen->evaluation.report.positiveRule == PositiveClassChoice::Rule::Chosen);
        headline.showSnapshot(*chosen);
        const ClassScores& otherScores = report.perClass[static_cast<std::size_t>(other)];
        QVERIFY(scores(otherScores) != scores(automaticScores));
        QVERIFY2(headline.detail(QStringLiteral("f1")).contains(scores(otherScores)), qPrintable(headline.detail(QStringLiteral("f1"))));
        QVERIFY(headline.detail(QStringLiteral("f1")).contains(QString::fromStdString(names[static_cast<std::size_t>(other)])));
        // The engine's snapshot is untouched.
        QCOMPARE(snapshot->evaluation.report.positiveClass, automatic);

        // Back to automatic.
        combo->setCurrentIndex(0);
        QVERIFY(panel.state().positiveClass.empty());
        QCOMPARE(withPositiveClass(snapshot, panel.state().positiveClass), snapshot);
    }

    void theWindowsHeadlineFollowsTheChoice()
    {
        MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
        window.show();
        QVERIFY(window.applyPreset(QStringLiteral("lasso"))); // breast cancer
        QVERIFY(trainAndWait(window, 3, 60000));
        const SnapshotPtr automatic = window.shownSnapshot();
        const int before = automatic->evaluation.report.positiveClass;
        const int other = 1 - before;
        const std::vector<std::string>& names = automatic->data->split.test.classNames;
        auto* combo = window.controls()->findChild<QComboBox*>(QStringLiteral("positiveClass"));
        QVERIFY(combo && combo->isVisible());
        combo->setCurrentIndex(1 + other);
        QVERIFY(waitUntilSettled(window, 20000));
        const SnapshotPtr chosen = window.shownSnapshot();
        QCOMPARE(chosen->evaluation.report.positiveClass, other);
        const QString detail = window.headline()->detail(QStringLiteral("f1"));
        QVERIFY2(detail.contains(QString::fromStdString(names[static_cast<std::size_t>(other)])), qPrintable(detail));
        QVERIFY2(detail.contains(scores(chosen->evaluation.report.perClass[static_cast<std::size_t>(other)])), qPrintable(detail));
    }

    void theChoiceDoesNotWidenThePanel()
    {
        // Its "Automatic (<class>: <rule>)" entry, sized to its text, pushed the panel's
        // fields past the scroll area's right edge (which has no horizontal scroll bar).
        MainWindow window(MainWindow::Options{.useSettings = false, .settingsFile = {}});
        window.resize(1500, 950);
        // Shown after its entries exist, as the screenshot command shows it: a combo box
        // sizes itself to its entries when first shown.
        QVERIFY(window.applyPreset(QStringLiteral("lasso"))); // breast cancer: two classes
        QVERIFY(trainAndWait(window, 1, 60000));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* combo = window.controls()->findChild<QComboBox*>(QStringLiteral("positiveClass"));
        QVERIFY(combo && combo->isVisible());
        QScrollArea* scroll = nullptr;
        for (QWidget* w = window.controls()->parentWidget(); w && !scroll; w = w->parentWidget())
            scroll = qobject_cast<QScrollArea*>(w);
        QVERIFY(scroll);
        QVERIFY2(window.controls()->minimumSizeHint().width() <= scroll->viewport()->width(),
                 qPrintable(QStringLiteral("panel needs %1 px, its viewport has %2")
                                .arg(window.controls()->minimumSizeHint().width())
                                .arg(scroll->viewport()->width())));
        const QRect comboArea(combo->mapTo(scroll->viewport(), QPoint(0, 0)), combo->size());
        QVERIFY2(comboArea.right() < scroll->viewport()->width(), "the combo runs past the viewport");
    }

    void restoredFromTheSession()
    {
        Session session;
        session.app = {{"positive_class", "benign"}};
        QCOMPARE(controlStateFromSession(session, DatasetRequest{}).positiveClass, std::string("benign"));
        // A session saved before the control existed opens with the automatic choice.
        session.app = {{"compare", "none"}};
        QVERIFY(controlStateFromSession(session, DatasetRequest{}).positiveClass.empty());
    }

    void hiddenForMoreThanTwoClasses()
    {
        const SnapshotPtr snapshot = trainedOn("iris");
        QVERIFY(snapshot);
        ControlPanel panel;
        panel.show();
        panel.showSnapshot(*snapshot);
        auto* combo = panel.findChild<QComboBox*>(QStringLiteral("positiveClass"));
        QVERIFY(combo);
        QVERIFY(!combo->isVisible());
    }
};

QTEST_MAIN(TestPositiveClass)
#include "tst_positiveclass.moc"
