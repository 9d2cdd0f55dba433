// The settings dock as a user types into it: decimal commas, out-of-range values that get a message
// instead of a silent revert, invalid fields marked without losing their arrows, Return to start,
// the lab's fields (rope and alibi only with attention), and sliders that land on round values.

#include "test_support.h"
#include "window/settings_panel.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QtTest>

using namespace posenc;
using posenc::testing::child;
using posenc::testing::settingsMessage;
using posenc::ui::SettingsPanel;

class TestSettingsPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cleanup() { QLocale::setDefault(QLocale::c()); }

    void decimals_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("locale");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<double>("value");
        QTest::newRow("de comma") << "0,001"
                                  << "de_DE" << true << 0.001;
        QTest::newRow("de point") << "0.001"
                                  << "de_DE" << true << 0.001;
        QTest::newRow("de exponent") << "2,5e-3"
                                     << "de_DE" << true << 0.0025;
        QTest::newRow("de 1.000 is ambiguous") << "1.000"
                                               << "de_DE" << false << 0.0;
        QTest::newRow("en comma is ambiguous") << "0,001"
                                               << "en_US" << false << 0.0;
        QTest::newRow("C comma is ambiguous") << "0,001"
                                              << "C" << false << 0.0;
        QTest::newRow("en point") << "0.001"
                                  << "en_US" << true << 0.001;
        QTest::newRow("exponent") << "1e-3"
                                  << "en_US" << true << 0.001;
        QTest::newRow("word") << "abc"
                              << "en_US" << false << 0.0;
        QTest::newRow("two points") << "0.0.1"
                                    << "en_US" << false << 0.0;
        QTest::newRow("empty") << ""
                               << "en_US" << false << 0.0;
    }
    void decimals() {
        QFETCH(QString, text);
        QFETCH(QString, locale);
        QFETCH(bool, ok);
        QFETCH(double, value);
        double parsed = -1;
        QString why;
        QCOMPARE(ui::parseDecimal(text, QLocale(locale), &parsed, &why), ok);
        if (ok)
            QCOMPARE(parsed, value);
        else
            QVERIFY2(why.contains(QLatin1String("ambiguous")) || why.contains(QLatin1String("not a number")),
                     qPrintable(why));
    }

    // An encoding change carries every setting (the seed of a learned table, the shape the views
    // mark), so the window's views need not read the panel back; other changes carry only configChanged.
    void encodingChangeCarriesEverySetting() {
        SettingsPanel panel;
        core::TrainConfig c = posenc::testing::smallConfig(3);
        c.seed = 11;
        c.seqLen = 30;
        panel.setConfig(c);
        QSignalSpy encoding(&panel, &SettingsPanel::encodingChanged);
        QSignalSpy config(&panel, &SettingsPanel::configChanged);
        child<QSpinBox>(&panel, QStringLiteral("d-model"))->setValue(48);
        QCOMPARE(encoding.count(), 1);
        const auto told = encoding.at(0).at(0).value<core::TrainConfig>();
        QCOMPARE(told.encoding.dModel, 48);
        QCOMPARE(told.seed, quint64(11));
        QCOMPARE(told.seqLen, 30);
        QCOMPARE(told.epochs, 3);
        QCOMPARE(told, panel.config());
        QCOMPARE(config.count(), 1);
        QCOMPARE(config.at(0).at(0).value<core::TrainConfig>(), told);
        child<QSpinBox>(&panel, QStringLiteral("seq-len"))->setValue(20);
        QCOMPARE(encoding.count(), 1);
        QCOMPARE(config.count(), 2);
        QCOMPARE(config.at(1).at(0).value<core::TrainConfig>().seqLen, 20);
    }

    void commaLearningRateInTheUsersLocale() {
        QLocale::setDefault(QLocale(QStringLiteral("de_DE")));
        SettingsPanel panel;
        child<QLineEdit>(&panel, QStringLiteral("lr"))->selectAll();
        QTest::keyClicks(child<QLineEdit>(&panel, QStringLiteral("lr")), QStringLiteral("0,002"));
        QCOMPARE(panel.config().lr, 0.002);
        QCOMPARE(settingsMessage(&panel), QString());

        QLocale::setDefault(QLocale::c());
        SettingsPanel english;
        child<QLineEdit>(&english, QStringLiteral("lr"))->selectAll();
        QTest::keyClicks(child<QLineEdit>(&english, QStringLiteral("lr")), QStringLiteral("0,001"));
        QVERIFY(std::isnan(english.config().lr)); // never read as 1
        QVERIFY2(settingsMessage(&english).contains(QStringLiteral("\"0,001\" is ambiguous")),
                 qPrintable(settingsMessage(&english)));
        QVERIFY(!english.isValid());
    }

    void outOfRangeGetsAMessageNotARevert_data() {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("message");
        QTest::newRow("d_model 0") << "d-model"
                                   << "0"
                                   << "d_model must be between 2 and 4096 (got 0)";
        QTest::newRow("d_model 5000") << "d-model"
                                      << "5000"
                                      << "d_model must be between 2 and 4096 (got 5000)";
        QTest::newRow("epochs 0") << "epochs"
                                  << "0"
                                  << "epochs must be between 1 and 100000 (got 0)";
        QTest::newRow("batch 0") << "batch-size"
                                 << "0"
                                 << "batch size must be at least 1 (got 0)";
    }
    void outOfRangeGetsAMessageNotARevert() {
        QFETCH(QString, option);
        QFETCH(QString, typed);
        QFETCH(QString, message);
        SettingsPanel panel;
        panel.show();
        auto *box = qobject_cast<QSpinBox *>(child<QWidget>(&panel, option));
        QVERIFY(box);
        const QColor normalBase = box->palette().color(QPalette::Base);
        box->setFocus();
        box->selectAll();
        QTest::keyClicks(box, typed);
        QTest::keyClick(box, Qt::Key_Tab); // focus-out: the value stays as typed
        QCOMPARE(box->value(), typed.toInt());
        QCOMPARE(settingsMessage(&panel), message);
        QVERIFY(!panel.isValid());
        // Marked by its palette, not a style sheet that would replace the arrows with flat bars.
        QCOMPARE(box->property("invalid").toBool(), true);
        QCOMPARE(box->styleSheet(), QString());
        QVERIFY(box->palette().color(QPalette::Base) != normalBase);
        panel.setConfig(core::TrainConfig{});
        QCOMPARE(box->property("invalid").toBool(), false);
        QCOMPARE(box->palette().color(QPalette::Base), normalBase);
    }

    void returnInAFieldAsksToStart() {
        SettingsPanel panel;
        QSignalSpy spy(&panel, &SettingsPanel::returnPressed);
        QTest::keyClick(child<QLineEdit>(&panel, QStringLiteral("lr")), Qt::Key_Return);
        QTest::keyClick(child<QSpinBox>(&panel, QStringLiteral("d-model")), Qt::Key_Enter);
        QCOMPARE(spy.count(), 2);
    }

    void ropeAndAlibiNeedAttention() {
        SettingsPanel panel;
        auto *kinds =
            qobject_cast<QStandardItemModel *>(child<QComboBox>(&panel, QStringLiteral("pe"))->model());
        const int rope = core::peKindNames().indexOf(QStringLiteral("rope"));
        const int alibi = core::peKindNames().indexOf(QStringLiteral("alibi"));
        QVERIFY(!kinds->item(rope)->isEnabled());
        QVERIFY(!kinds->item(alibi)->isEnabled());
        QVERIFY(kinds->item(rope)->toolTip().contains(QStringLiteral("choose the transformer")));
        QVERIFY(!child<QWidget>(&panel, QStringLiteral("heads"))->isEnabled());

        qobject_cast<QComboBox *>(child<QWidget>(&panel, QStringLiteral("backbone")))
            ->setCurrentText(QStringLiteral("causal-transformer"));
        QVERIFY(kinds->item(rope)->isEnabled());
        QVERIFY(child<QWidget>(&panel, QStringLiteral("heads"))->isEnabled());
        child<QComboBox>(&panel, QStringLiteral("pe"))->setCurrentText(QStringLiteral("alibi"));
        qobject_cast<QComboBox *>(child<QWidget>(&panel, QStringLiteral("task")))
            ->setCurrentText(QStringLiteral("recency"));
        const core::TrainConfig c = panel.config();
        QCOMPARE(c.backbone, core::Backbone::CausalTransformer);
        QCOMPARE(c.encoding.kind, core::PeKind::Alibi);
        QCOMPARE(c.task, core::Task::Recency);
        QCOMPARE(settingsMessage(&panel), QString());

        // Back to the LSTM with alibi still chosen: the rule is named, and Start stays disabled.
        qobject_cast<QComboBox *>(child<QWidget>(&panel, QStringLiteral("backbone")))
            ->setCurrentText(QStringLiteral("lstm"));
        QCOMPARE(
            settingsMessage(&panel),
            QStringLiteral(
                "--pe alibi needs an attention backbone (--backbone transformer or causal-transformer)"));
        QVERIFY(child<QComboBox>(&panel, QStringLiteral("pe"))->property("invalid").toBool());
    }

    void headsAndProbeFields() {
        SettingsPanel panel;
        core::TrainConfig c;
        c.backbone = core::Backbone::Transformer;
        c.heads = 8;
        c.probeLengths = {20, 200};
        c.lstm = core::LstmImpl::Reference; // not shown: kept from setConfig
        panel.setConfig(c);
        QCOMPARE(qobject_cast<QLineEdit *>(child<QWidget>(&panel, QStringLiteral("probe")))->text(),
                 QStringLiteral("20,200"));
        QVERIFY(panel.config() == c);
        qobject_cast<QSpinBox *>(child<QWidget>(&panel, QStringLiteral("heads")))->setValue(3);
        QCOMPARE(settingsMessage(&panel), QStringLiteral("d_model 32 must divide by the 3 attention heads"));
        qobject_cast<QSpinBox *>(child<QWidget>(&panel, QStringLiteral("heads")))->setValue(4);
        auto *probe = qobject_cast<QLineEdit *>(child<QWidget>(&panel, QStringLiteral("probe")));
        probe->setText(QStringLiteral("20,abc"));
        QVERIFY2(settingsMessage(&panel).startsWith(QStringLiteral("probe lengths must be whole numbers")),
                 qPrintable(settingsMessage(&panel)));
        QVERIFY(probe->property("invalid").toBool());
        probe->clear();
        QCOMPARE(panel.config().probeLengths, QVector<int>{}); // empty: seq_len x 1, 2, 4, 8
        QCOMPARE(settingsMessage(&panel), QString());
    }

    void slidersLandOnRoundValues_data() {
        QTest::addColumn<QString>("backbone");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("dragged");
        QTest::addColumn<int>("dModel");
        QTest::newRow("lstm: even") << "lstm" << 4 << 601 << 602;
        QTest::newRow("transformer, 4 heads") << "transformer" << 4 << 601 << 600;
        QTest::newRow("transformer, 6 heads") << "transformer" << 6 << 601 << 600;
        QTest::newRow("transformer, 6 heads, 605") << "transformer" << 6 << 605 << 606;
    }
    void slidersLandOnRoundValues() {
        QFETCH(QString, backbone);
        QFETCH(int, heads);
        QFETCH(int, dragged);
        QFETCH(int, dModel);
        SettingsPanel panel;
        qobject_cast<QComboBox *>(child<QWidget>(&panel, QStringLiteral("backbone")))
            ->setCurrentText(backbone);
        qobject_cast<QSpinBox *>(child<QWidget>(&panel, QStringLiteral("heads")))->setValue(heads);
        child<QSlider>(&panel, QStringLiteral("d-model-slider"))->setValue(dragged);
        QCOMPARE(child<QSpinBox>(&panel, QStringLiteral("d-model"))->value(), dModel);
        QCOMPARE(child<QSpinBox>(&panel, QStringLiteral("d-model"))->value() % heads,
                 backbone == QLatin1String("lstm") ? dModel % heads : 0);
        auto *maxLenSlider = panel.findChildren<QSlider *>().last();
        maxLenSlider->setValue(4085);
        QCOMPARE(child<QSpinBox>(&panel, QStringLiteral("max-len"))->value(), 4100);
        maxLenSlider->setValue(601);
        QCOMPARE(child<QSpinBox>(&panel, QStringLiteral("max-len"))->value(), 600);
        maxLenSlider->setValue(57);
        QCOMPARE(child<QSpinBox>(&panel, QStringLiteral("max-len"))->value(), 57);
    }

    void notebookDefaults() {
        SettingsPanel panel;
        auto *button = panel.findChild<QPushButton *>();
        QVERIFY(button);
        QCOMPARE(button->text(), QStringLiteral("Notebook defaults"));
        child<QSpinBox>(&panel, QStringLiteral("d-model"))->setValue(64);
        button->click();
        QVERIFY(panel.config() == core::TrainConfig{});
    }
};

QTEST_MAIN(TestSettingsPanel)
#include "test_settings_panel.moc"
