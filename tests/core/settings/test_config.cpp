// Defaults equal the seed, validate() names every rule in plain words, the text round trip,
// and the command-line options with their one-line errors.

#include "settings/cli_options.h"
#include "settings/config.h"

#include <QTest>

using namespace posenc::core;

class TestConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaultsAreTheSeed() {
        const TrainConfig c;
        QCOMPARE(c.encoding.kind, PeKind::Sinusoidal);
        QCOMPARE(c.encoding.dModel, 32);
        QCOMPARE(c.encoding.maxLen, 5000);
        QCOMPARE(c.encoding.base, 10000.0);
        QCOMPARE(c.seqLen, 20);
        QCOMPARE(c.featureDim, 10);
        QCOMPARE(c.numSamples, 1000);
        QCOMPARE(c.batchSize, 32);
        QCOMPARE(c.lr, 1e-3);
        QCOMPARE(c.epochs, 10);
        QCOMPARE(c.layers, 1);
        QVERIFY(validate(c).isEmpty());
    }

    void rules_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("message");
        QTest::newRow("d_model 0") << "dModel" << 0.0 << "d-model"
                                   << "d_model must be between 2 and 4096 (got 0)";
        QTest::newRow("d_model 5000") << "dModel" << 5000.0 << "d-model"
                                      << "d_model must be between 2 and 4096 (got 5000)";
        QTest::newRow("max_len 0") << "maxLen" << 0.0 << "max-len"
                                   << "max_len must be between 1 and 100000 (got 0)";
        QTest::newRow("seq_len > max_len")
            << "seqLen" << 30.0 << "seq-len"
            << "sequence length 30 exceeds max_len 20 of the positional encoding";
        QTest::newRow("batch 0") << "batch" << 0.0 << "batch-size"
                                 << "batch size must be at least 1 (got 0)";
        QTest::newRow("lr negative") << "lr" << -0.1 << "lr"
                                     << "learning rate must be a finite number above 0 (got -0.1)";
        QTest::newRow("lr inf") << "lr" << qInf() << "lr"
                                << "learning rate must be a finite number above 0 (got inf)";
        QTest::newRow("epochs 0") << "epochs" << 0.0 << "epochs"
                                  << "epochs must be between 1 and 100000 (got 0)";
        QTest::newRow("samples 0") << "samples" << 0.0 << "samples"
                                   << "samples must be between 2 and 10000000 (got 0)";
        // One sample has no spread: its normalised label would be divided by 1e-8.
        QTest::newRow("samples 1") << "samples" << 1.0 << "samples"
                                   << "samples must be between 2 and 10000000 (got 1)";
        QTest::newRow("base 1") << "base" << 1.0 << "base"
                                << "base must be a number above 1 and at most 1e12 (got 1)";
        QTest::newRow("layers 0") << "layers" << 0.0 << "layers"
                                  << "LSTM layers must be between 1 and 16 (got 0)";
    }
    void rules() {
        QFETCH(QString, field);
        QFETCH(double, value);
        QFETCH(QString, option);
        QFETCH(QString, message);
        TrainConfig c;
        if (field == "dModel")
            c.encoding.dModel = int(value);
        if (field == "maxLen")
            c.encoding.maxLen = int(value);
        if (field == "seqLen") {
            c.seqLen = int(value);
            c.encoding.maxLen = 20;
        }
        if (field == "batch")
            c.batchSize = int(value);
        if (field == "lr")
            c.lr = value;
        if (field == "epochs")
            c.epochs = int(value);
        if (field == "samples")
            c.numSamples = int(value);
        if (field == "base")
            c.encoding.base = value;
        if (field == "layers")
            c.layers = int(value);
        const auto issues = check(c);
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues[0].option, option);
        QCOMPARE(issues[0].message, message);
    }

    void labRules_data() {
        QTest::addColumn<QString>("text"); // settings over the defaults, in the checkpoint text format
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("message");
        QTest::newRow("rope with lstm")
            << "pe=rope"
            << "pe"
            << "--pe rope needs an attention backbone (--backbone transformer or causal-transformer)";
        QTest::newRow("alibi with lstm")
            << "pe=alibi"
            << "pe"
            << "--pe alibi needs an attention backbone (--backbone transformer or causal-transformer)";
        QTest::newRow("heads do not divide") << "backbone=transformer;heads=3"
                                             << "heads"
                                             << "d_model 32 must divide by the 3 attention heads";
        QTest::newRow("rope odd head size") << "backbone=causal-transformer;pe=rope;d_model=36;heads=4"
                                            << "heads"
                                            << "rope rotates pairs, so d_model / heads must be even (got 9)";
        QTest::newRow("no heads") << "backbone=transformer;heads=0"
                                  << "heads"
                                  << "attention heads must be between 1 and 64 (got 0)";
        QTest::newRow("blocks 0") << "backbone=transformer;layers=0"
                                  << "layers"
                                  << "attention blocks must be between 1 and 16 (got 0)";
    }
    void labRules() {
        QFETCH(QString, text);
        QFETCH(QString, option);
        QFETCH(QString, message);
        TrainConfig c;
        QVERIFY(fromText(text, &c));
        const auto issues = check(c);
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues[0].option, option);
        QCOMPARE(issues[0].message, message);
        // The same settings are fine for the LSTM, which ignores heads, when the encoding allows it.
        c.backbone = Backbone::Lstm;
        c.encoding.kind = PeKind::Sinusoidal;
        c.layers = 1;
        QVERIFY(check(c).isEmpty());
    }

    void probeLengths_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QVector<int>>("lengths");
        QTest::newRow("list") << "20, 40,80,160" << true << QVector<int>{20, 40, 80, 160};
        QTest::newRow("one") << "7" << true << QVector<int>{7};
        QTest::newRow("zero") << "20,0" << false << QVector<int>{};
        QTest::newRow("negative") << "-5" << false << QVector<int>{};
        QTest::newRow("word") << "abc" << false << QVector<int>{};
        QTest::newRow("empty item") << "20,,40" << false << QVector<int>{};
        QTest::newRow("too long") << "4097" << false << QVector<int>{};
    }
    void probeLengths() {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QVector<int>, lengths);
        QVector<int> parsed{99};
        QString rule;
        QCOMPARE(parseLengths(text, &parsed, &rule), ok);
        QCOMPARE(parsed, ok ? lengths : QVector<int>{99}); // untouched on failure
        QCOMPARE(rule.isEmpty(), ok);
    }

    void preLabTextKeepsDefaults() {
        // A checkpoint from before the lab has no backbone, heads, task, probe or lstm keys.
        const QString old =
            QStringLiteral("pe=learned;d_model=16;max_len=64;base=10000;seq_len=20;features=10;"
                           "samples=128;val_samples=32;layers=2;batch=32;lr=0.001;epochs=3;seed=4");
        TrainConfig c;
        QVERIFY(fromText(old, &c));
        QCOMPARE(c.backbone, Backbone::Lstm);
        QCOMPARE(c.task, Task::Seed);
        QCOMPARE(c.heads, 4);
        QCOMPARE(c.probeLengths, QVector<int>{});
        QCOMPARE(c.encoding.kind, PeKind::Learned);
        QCOMPARE(c.layers, 2);
        QVERIFY(check(c).isEmpty());
    }

    void everyProblemIsListed() {
        TrainConfig c;
        c.encoding.dModel = 1;
        c.batchSize = 0;
        c.lr = 0;
        QCOMPARE(validate(c).size(), 3);
    }

    void hugeTablesAreRefused() {
        EncodingConfig e;
        e.maxLen = 100000;
        e.dModel = 4096;
        const auto issues = checkEncoding(e);
        QCOMPARE(issues.size(), 1);
        QVERIFY(issues[0].message.contains(QStringLiteral("409,600,000")));
    }

    void textRoundTrip() {
        TrainConfig c;
        c.encoding.kind = PeKind::SinusoidalConcat;
        c.encoding.dModel = 48;
        c.encoding.base = 500.5;
        c.lr = 3.3e-4;
        c.seed = 123456789012ull;
        c.layers = 3;
        c.backbone = Backbone::CausalTransformer;
        c.heads = 8;
        c.task = Task::Recency;
        c.probeLengths = {20, 333};
        c.lstm = LstmImpl::Reference;
        TrainConfig back;
        QVERIFY(fromText(toText(c), &back));
        QVERIFY(back == c);
        QString error;
        QVERIFY(!fromText(QStringLiteral("d_model=abc"), &back, &error));
        QCOMPARE(error, QStringLiteral("bad value \"abc\" for d_model"));
        QVERIFY(back == c); // untouched on failure
    }

    void cliOptions_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("error");
        QTest::newRow("defaults") << QStringList{} << true << "";
        QTest::newRow("d-model 0") << QStringList{"--d-model", "0"} << false
                                   << "--d-model 0: d_model must be between 2 and 4096 (got 0)";
        QTest::newRow("seq over max")
            << QStringList{"--seq-len", "30", "--max-len", "20"} << false
            << "--seq-len 30: sequence length 30 exceeds max_len 20 of the positional encoding";
        QTest::newRow("negative lr") << QStringList{"--lr", "-1"} << false
                                     << "--lr -1: learning rate must be a finite number above 0 (got -1)";
        QTest::newRow("unknown pe")
            << QStringList{"--pe", "rotary"} << false
            << "--pe rotary: expected one of sinusoidal, sinusoidal-concat, learned, none, rope, alibi";
        QTest::newRow("not a number")
            << QStringList{"--epochs", "ten"} << false << "--epochs ten: expected a whole number";
        QTest::newRow("seed too big")
            << QStringList{"--seed", "4294967296"} << false
            << "--seed 4294967296: seed must be between 0 and 2147483647 (got 4294967296)";
        QTest::newRow("full set") << QStringList{"--d-model", "64",      "--max-len", "200",
                                                 "--pe",      "learned", "--lr",      "1e-2"}
                                  << true << "";
    }
    void cliOptions() {
        QFETCH(QStringList, args);
        QFETCH(bool, ok);
        QFETCH(QString, error);
        QCommandLineParser parser;
        addCliOptions(parser);
        QVERIFY(parser.parse(QStringList{"posenc-studio"} + args));
        CliOptions options;
        QString message;
        QCOMPARE(readCliOptions(parser, &options, &message), ok);
        QCOMPARE(message, error);
        if (ok && !args.isEmpty()) {
            QCOMPARE(options.config.encoding.dModel, 64);
            QCOMPARE(options.config.encoding.maxLen, 200);
            QCOMPARE(options.config.encoding.kind, PeKind::Learned);
            QCOMPARE(options.config.lr, 0.01);
            QCOMPARE(options.given, (QSet<QString>{"d-model", "max-len", "pe", "lr"}));
        }
    }

    void givenOptionsOverrideOnlyThemselves() {
        QCommandLineParser parser;
        addCliOptions(parser);
        QVERIFY(parser.parse({"posenc-studio", "--d-model", "64", "--pe", "none", "--seed", "5"}));
        CliOptions options;
        QString error;
        QVERIFY(readCliOptions(parser, &options, &error));
        TrainConfig remembered;
        remembered.encoding.maxLen = 300;
        remembered.epochs = 3;
        remembered.lr = 0.01;
        const TrainConfig merged = withGivenOptions(remembered, options);
        QCOMPARE(merged.encoding.dModel, 64);
        QCOMPARE(merged.encoding.kind, PeKind::None);
        QCOMPARE(merged.seed, quint64(5));
        QCOMPARE(merged.encoding.maxLen, 300); // not given: the remembered value stays
        QCOMPARE(merged.epochs, 3);
        QCOMPARE(merged.lr, 0.01);
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "test_config.moc"
