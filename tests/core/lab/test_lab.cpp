// The PE lab's core: tasks defined at any length, the attention backbone with RoPE and ALiBi, the
// length-extrapolation probe, and the forward pass matching pe_lab.py (the lab's reference) given
// the same weights. The last tests train real runs and check what the lab is for: an attention model
// without position cannot learn an order task, ALiBi holds past the trained length, sinusoidal does not.

#include "model/attention.h"
#include "model/model.h"
#include "python_reference.h"
#include "train/dataset.h"
#include "train/trainer.h"
#include "util/file_util.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace posenc::core;

namespace {
TrainConfig labConfig(Backbone backbone, PeKind kind, Task task = Task::Seed) {
    TrainConfig c;
    c.backbone = backbone;
    c.encoding.kind = kind;
    c.task = task;
    return c;
}

double maxAbs(const torch::Tensor &t) {
    return t.abs().max().item<double>();
}

// Trains a run to the end and returns it, or fails the test.
std::unique_ptr<Trainer> trained(const TrainConfig &config) {
    QString error;
    auto t = Trainer::create(config, &error);
    if (!t)
        qWarning("%s", qPrintable(error));
    else if (t->run({}).outcome != Outcome::Completed)
        t.reset();
    return t;
}

double probeLoss(const ProbeResult &probe, int length) {
    for (const ProbePoint &p : probe.points)
        if (p.length == length)
            return p.loss;
    return std::nan("");
}

// Writes the model's state_dict, an input and the C++ prediction for lab_reference.py.
QString writeCase(SequenceModelImpl &model, const TrainConfig &c, const torch::Tensor &x,
                  const QString &path) {
    torch::NoGradGuard noGrad;
    model.eval();
    c10::Dict<std::string, at::Tensor> weights;
    for (const auto &p : model.named_parameters())
        weights.insert(p.key(), p.value().detach().clone());
    c10::Dict<std::string, std::string> settings;
    settings.insert("backbone", backboneName(c.backbone).toStdString());
    settings.insert("pe", peKindName(c.encoding.kind).toStdString());
    for (const auto &[key, value] : {std::pair<const char *, double>{"d_model", c.encoding.dModel},
                                     {"heads", c.heads},
                                     {"layers", c.layers},
                                     {"features", c.featureDim},
                                     {"max_len", c.encoding.maxLen},
                                     {"base", c.encoding.base}})
        settings.insert(key, QString::number(value, 'g', 17).toStdString());
    c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
    dict.insert("state_dict", weights);
    dict.insert("settings", settings);
    dict.insert("x", x);
    dict.insert("y", model.forward(x));
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    return writeFileAtomically(path, QByteArray(bytes.data(), qsizetype(bytes.size())));
}
} // namespace

class TestLab : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void taskWeightsAtAnyLength_data();
    void taskWeightsAtAnyLength();
    void alibiSlopesAreThePapers_data();
    void alibiSlopesAreThePapers();
    void ropeScoreDependsOnOffsetOnly();
    void causalAttentionIgnoresTheFuture();
    void positionBlindTransformerIgnoresOrder();
    void stateDictKeysArePeLabs();
    void forwardMatchesPeLab_data();
    void forwardMatchesPeLab();
    void probeSkipsLengthsBeyondTheTable();
    void probeSetsAreSharedAcrossRuns();
    void transformerNeedsPosition();
    void alibiExtrapolatesSinusoidalDoesNot();
};

void TestLab::taskWeightsAtAnyLength_data() {
    QTest::addColumn<int>("task");
    QTest::addColumn<int>("length");
    QTest::addColumn<double>("first");
    QTest::addColumn<double>("last");
    QTest::addColumn<double>("secondLast");
    QTest::newRow("seed 20") << int(Task::Seed) << 20 << 0.1 << 0.5 << 0.1 + 0.4 * 18 / 19;
    QTest::newRow("seed 160") << int(Task::Seed) << 160 << 0.1 << 0.5 << 0.1 + 0.4 * 158 / 159;
    QTest::newRow("recency 20") << int(Task::Recency) << 20 << 0.5 * std::pow(0.8, 19) << 0.5 << 0.4;
    QTest::newRow("recency 160") << int(Task::Recency) << 160 << 0.5 * std::pow(0.8, 159) << 0.5 << 0.4;
    QTest::newRow("sum 7") << int(Task::Sum) << 7 << 0.3 << 0.3 << 0.3;
}

void TestLab::taskWeightsAtAnyLength() {
    QFETCH(int, task);
    QFETCH(int, length);
    QFETCH(double, first);
    QFETCH(double, last);
    QFETCH(double, secondLast);
    const auto w = taskWeights(Task(task), length);
    QCOMPARE(w.size(0), int64_t(length));
    QVERIFY(std::abs(w[0].item<double>() - first) <= 1e-6 * std::max(1.0, first));
    QVERIFY(std::abs(w[length - 1].item<double>() - last) < 1e-6);
    QVERIFY(std::abs(w[length - 2].item<double>() - secondLast) < 1e-6);
}

void TestLab::alibiSlopesAreThePapers_data() {
    QTest::addColumn<int>("heads");
    QTest::addColumn<QVector<double>>("slopes");
    QTest::newRow("4 heads") << 4 << QVector<double>{0.25, 0.0625, 0.015625, 0.00390625};
    QTest::newRow("8 heads") << 8 << QVector<double>{0.5,     0.25,     0.125,     0.0625,
                                                     0.03125, 0.015625, 0.0078125, 0.00390625};
    // Not a power of two: the 4-head series, then every other slope of the 8-head one.
    QTest::newRow("6 heads") << 6 << QVector<double>{0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125};
}

void TestLab::alibiSlopesAreThePapers() {
    QFETCH(int, heads);
    QFETCH(QVector<double>, slopes);
    const auto s = alibiSlopes(heads);
    QCOMPARE(s.size(0), int64_t(heads));
    for (int h = 0; h < heads; ++h)
        QCOMPARE(s[h].item<double>(), slopes[h]);
}

void TestLab::ropeScoreDependsOnOffsetOnly() {
    // Unit q and k rotated to positions p and p + k: their dot product is sum_i cos(k theta_i), for any p.
    const int headDim = 8, length = 64;
    const auto angles = ropeAngles(length, headDim, 10000.0);
    QCOMPARE(angles.sizes(), (c10::IntArrayRef{length, headDim / 2}));
    QCOMPARE(angles[10][1].item<double>(), 10 * std::pow(10000.0, -2.0 / headDim));
    const auto cos = angles.to(torch::kFloat32).cos(), sin = angles.to(torch::kFloat32).sin();
    const auto ones = torch::ones({length, headDim}) / std::sqrt(2.0); // every pair a unit vector
    const auto rotated = applyRope(ones.unsqueeze(0), cos, sin).squeeze(0);
    for (int offset : {0, 3, 17}) {
        double expected = 0;
        for (int i = 0; i < headDim / 2; ++i)
            expected += std::cos(offset * std::pow(10000.0, -2.0 * i / headDim));
        for (int p : {0, 5, 40}) {
            const double score = (rotated[p] * rotated[p + offset]).sum().item<double>();
            QVERIFY2(std::abs(score - expected) < 1e-5,
                     qPrintable(
                         QStringLiteral("p %1 k %2: %3 vs %4").arg(p).arg(offset).arg(score).arg(expected)));
        }
    }
}

void TestLab::causalAttentionIgnoresTheFuture() {
    for (PeKind kind : {PeKind::None, PeKind::Rope, PeKind::Alibi}) {
        torch::manual_seed(1);
        Attention attention(16, 4, kind, true, 10000.0);
        const auto x = torch::randn({2, 10, 16});
        auto changed = x.clone();
        changed.narrow(1, 6, 4).normal_();
        const auto a = attention->forward(x), b = attention->forward(changed);
        QVERIFY(maxAbs(a.narrow(1, 0, 6) - b.narrow(1, 0, 6)) < 1e-6); // steps before 6 see no change
        QVERIFY(maxAbs(a.narrow(1, 6, 4) - b.narrow(1, 6, 4)) > 1e-3);
    }
}

void TestLab::positionBlindTransformerIgnoresOrder() {
    // With no encoding, bidirectional attention plus the mean over steps cannot see order at all.
    SequenceModel blind(labConfig(Backbone::Transformer, PeKind::None));
    SequenceModel sighted(labConfig(Backbone::Transformer, PeKind::Sinusoidal));
    const auto x = torch::randn({4, 20, 10});
    const auto reversed = x.flip(1);
    QVERIFY(maxAbs(blind->forward(x) - blind->forward(reversed)) < 1e-5);
    QVERIFY(maxAbs(sighted->forward(x) - sighted->forward(reversed)) > 1e-3);
}

void TestLab::stateDictKeysArePeLabs() {
    TrainConfig c = labConfig(Backbone::CausalTransformer, PeKind::Learned);
    c.layers = 2;
    SequenceModel model(c);
    QStringList keys;
    for (const auto &p : model->named_parameters())
        keys << QString::fromStdString(p.key());
    QCOMPARE(keys.size(), 2 + 1 + 2 * 12 + 2 + 2);
    for (const char *key : {"embedding.weight", "positional_encoding.pe", "blocks.0.norm1.weight",
                            "blocks.0.attn.qkv.weight", "blocks.0.attn.out.bias", "blocks.1.norm2.bias",
                            "blocks.1.mlp.0.weight", "blocks.1.mlp.2.bias", "norm.weight", "fc.bias"})
        QVERIFY2(keys.contains(QLatin1String(key)), key);
    QCOMPARE(model->named_parameters()["blocks.0.mlp.0.weight"].sizes(), (c10::IntArrayRef{64, 32}));
}

void TestLab::forwardMatchesPeLab_data() {
    QTest::addColumn<int>("backbone");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("layers");
    QTest::addColumn<int>("heads");
    QTest::newRow("transformer none") << int(Backbone::Transformer) << int(PeKind::None) << 1 << 4;
    QTest::newRow("transformer sinusoidal")
        << int(Backbone::Transformer) << int(PeKind::Sinusoidal) << 2 << 4;
    QTest::newRow("causal rope") << int(Backbone::CausalTransformer) << int(PeKind::Rope) << 2 << 4;
    QTest::newRow("causal alibi, 6 heads")
        << int(Backbone::CausalTransformer) << int(PeKind::Alibi) << 1 << 6;
    QTest::newRow("transformer alibi") << int(Backbone::Transformer) << int(PeKind::Alibi) << 1 << 8;
    QTest::newRow("causal learned") << int(Backbone::CausalTransformer) << int(PeKind::Learned) << 1 << 2;
    QTest::newRow("causal concat") << int(Backbone::CausalTransformer) << int(PeKind::SinusoidalConcat) << 1
                                   << 4;
    QTest::newRow("lstm sinusoidal") << int(Backbone::Lstm) << int(PeKind::Sinusoidal) << 2 << 4;
}

void TestLab::forwardMatchesPeLab() {
    POSENC_SKIP_WITHOUT_PYTHON_TORCH();
    QFETCH(int, backbone);
    QFETCH(int, kind);
    QFETCH(int, layers);
    QFETCH(int, heads);
    TrainConfig c = labConfig(Backbone(backbone), PeKind(kind));
    c.encoding.dModel = 48;
    c.encoding.maxLen = 300;
    c.layers = layers;
    c.heads = heads;
    QVERIFY2(validate(c).isEmpty(), qPrintable(validate(c).join(QLatin1Char(' '))));
    torch::manual_seed(7);
    SequenceModel model(c);
    // Perturb every parameter so LayerNorm weights and biases are not just ones and zeros.
    {
        torch::NoGradGuard noGrad;
        for (auto &p : model->parameters())
            p.add_(torch::randn_like(p) * 0.1);
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("case.pt"));
    // Length 45: longer than the heads' sizes, not a power of two.
    QCOMPARE(writeCase(*model, c, torch::randn({5, 45, 10}), path), QString());
    QProcess python;
    python.start(QStringLiteral(POSENC_PYTHON), {QStringLiteral(POSENC_TEST_DIR "/lab_reference.py"),
                                                 QStringLiteral(POSENC_PEER_DIR), path});
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const double diff = python.readAllStandardOutput().trimmed().toDouble();
    QVERIFY2(diff <= 1e-5, qPrintable(QStringLiteral("max |C++ - pe_lab.py| = %1").arg(diff)));
}

void TestLab::probeSkipsLengthsBeyondTheTable() {
    for (PeKind kind : {PeKind::Sinusoidal, PeKind::Alibi}) {
        TrainConfig c = labConfig(Backbone::CausalTransformer, kind);
        c.encoding.maxLen = 50;
        c.numSamples = 64;
        c.epochs = 1;
        c.probeLengths = {20, 40, 80};
        auto t = trained(c);
        QVERIFY(t);
        const ProbeResult probe = t->probe();
        QCOMPARE(probe.points.size(), kind == PeKind::Sinusoidal ? 2 : 3);
        QCOMPARE(probe.skipped.size(), kind == PeKind::Sinusoidal ? 1 : 0);
        if (kind == PeKind::Sinusoidal)
            QCOMPARE(probe.skipped.first(),
                     QStringLiteral("length 80 skipped: beyond max_len 50 of the sinusoidal table"));
        for (const ProbePoint &p : probe.points)
            QVERIFY(std::isfinite(p.loss) && p.loss > 0);
    }
}

void TestLab::probeSetsAreSharedAcrossRuns() {
    // The probe set at a length is the same whatever the run's seed: two runs are compared on it.
    const auto a = makeValidationSet(8, 40, 10, probeGenerator(Task::Recency, 40), 0.0, 1.0, Task::Recency);
    const auto b = makeValidationSet(8, 40, 10, probeGenerator(Task::Recency, 40), 0.0, 1.0, Task::Recency);
    const auto other =
        makeValidationSet(8, 40, 10, probeGenerator(Task::Recency, 41), 0.0, 1.0, Task::Recency);
    QCOMPARE(maxAbs(a.sequences - b.sequences), 0.0);
    QVERIFY(maxAbs(a.sequences - other.sequences.narrow(1, 0, 40)) > 0.1);
    // The default probe lengths are seq_len x 1, 2, 4, 8.
    QCOMPARE(probeLengths(TrainConfig{}), (QVector<int>{20, 40, 80, 160}));
}

void TestLab::transformerNeedsPosition() {
    // On the seed task (later steps weigh more), the bidirectional transformer without position is stuck
    // near the position-blind floor; with sinusoidal PE it goes well under it; the LSTM needs none.
    const auto none = trained(labConfig(Backbone::Transformer, PeKind::None));
    const auto sinusoidal = trained(labConfig(Backbone::Transformer, PeKind::Sinusoidal));
    const auto lstm = trained(labConfig(Backbone::Lstm, PeKind::None));
    QVERIFY(none && sinusoidal && lstm);
    qInfo("val loss: transformer none %.4f, transformer sinusoidal %.4f, lstm none %.4f", none->lastValLoss(),
          sinusoidal->lastValLoss(), lstm->lastValLoss());
    QVERIFY(none->lastValLoss() > 0.1);
    QVERIFY(sinusoidal->lastValLoss() < none->lastValLoss() / 2);
    QVERIFY(lstm->lastValLoss() < 0.05);
}

void TestLab::alibiExtrapolatesSinusoidalDoesNot() {
    const auto alibi = trained(labConfig(Backbone::CausalTransformer, PeKind::Alibi, Task::Recency));
    const auto sinusoidal =
        trained(labConfig(Backbone::CausalTransformer, PeKind::Sinusoidal, Task::Recency));
    QVERIFY(alibi && sinusoidal);
    const ProbeResult a = alibi->probe(), s = sinusoidal->probe();
    qInfo("probe at 20/160: alibi %.4f / %.4f, sinusoidal %.4f / %.4f", probeLoss(a, 20), probeLoss(a, 160),
          probeLoss(s, 20), probeLoss(s, 160));
    QVERIFY(probeLoss(a, 160) < 0.1);
    QVERIFY(probeLoss(a, 160) < 3 * probeLoss(a, 20) + 0.02);
    QVERIFY(probeLoss(s, 160) > 10 * probeLoss(s, 20));
    QVERIFY(probeLoss(s, 160) > 0.3);
}

QTEST_GUILESS_MAIN(TestLab)
#include "test_lab.moc"
