// The fused LSTM against torch::nn::LSTM on the same parameters: outputs, final states and every
// gradient (input, initial state, each weight and bias) agree to 1e-6 relative, for one and two
// layers, sizes that are not multiples of the 8-wide vectors, batch 1 and seq_len 1; buffers kept
// between steps never overwrite a result that is still held.

#include "model/fused_lstm.h"

#include <QTest>

#include <algorithm>

using namespace posenc::core;

namespace {
// max |a - b| / max |b|: the error relative to the reference's scale.
double relativeError(const torch::Tensor &a, const torch::Tensor &b) {
    const double scale = std::max(b.abs().max().item<double>(), 1e-30);
    return (a - b).abs().max().item<double>() / scale;
}

struct Result {
    torch::Tensor y, hN, cN, dx, dh0, dc0;
    std::vector<torch::Tensor> paramGrads;
};

// Runs `lstm` (fused or not) on x and a loss that reads every output with random weights, then backward.
Result run(torch::nn::LSTM &lstm, const torch::Tensor &x0, const torch::Tensor &h00, const torch::Tensor &c00,
           const std::vector<torch::Tensor> &readWeights, bool fused) {
    lstm->zero_grad();
    auto x = x0.clone().requires_grad_(true);
    torch::Tensor h0, c0;
    torch::optional<std::tuple<torch::Tensor, torch::Tensor>> state;
    if (h00.defined()) {
        h0 = h00.clone().requires_grad_(true);
        c0 = c00.clone().requires_grad_(true);
        state = std::make_tuple(h0, c0);
    }
    FusedLstmWorkspace workspace;
    const auto out = fused ? fusedLstm(*lstm, x, &workspace, state) : lstm->forward(x, state);
    Result r;
    r.y = std::get<0>(out);
    r.hN = std::get<0>(std::get<1>(out));
    r.cN = std::get<1>(std::get<1>(out));
    const auto loss =
        (r.y * readWeights[0]).sum() + (r.hN * readWeights[1]).sum() + (r.cN * readWeights[2]).sum();
    loss.backward();
    r.dx = x.grad();
    if (h0.defined()) {
        r.dh0 = h0.grad();
        r.dc0 = c0.grad();
    }
    for (const auto &p : lstm->parameters())
        r.paramGrads.push_back(p.grad().clone());
    return r;
}
} // namespace

class TestFusedLstm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        if (!fusedLstmAvailable())
            QSKIP("this CPU has no AVX2/FMA (or no BLAS sgemm is loaded): the app runs torch::nn::LSTM");
    }

    void matchesLibTorch_data() {
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("seqLen");
        QTest::addColumn<int>("input");
        QTest::addColumn<int>("hidden");
        QTest::addColumn<bool>("initialState");
        QTest::newRow("seed sizes, 1 layer") << 1 << 32 << 20 << 32 << 32 << false;
        QTest::newRow("2 layers, seed sizes") << 2 << 32 << 20 << 32 << 32 << false;
        QTest::newRow("odd sizes, 1 layer") << 1 << 7 << 9 << 5 << 13 << false;
        QTest::newRow("odd sizes, 2 layers") << 2 << 5 << 11 << 3 << 19 << false;
        QTest::newRow("hidden below 8") << 2 << 3 << 6 << 4 << 3 << false;
        QTest::newRow("batch 1") << 2 << 1 << 15 << 10 << 17 << false;
        QTest::newRow("seq_len 1") << 2 << 6 << 1 << 10 << 17 << false;
        QTest::newRow("batch 1, seq_len 1") << 1 << 1 << 1 << 2 << 9 << false;
        QTest::newRow("initial state, 2 layers") << 2 << 4 << 7 << 6 << 11 << true;
        QTest::newRow("initial state, seq_len 1") << 1 << 3 << 1 << 6 << 11 << true;
    }
    void matchesLibTorch() {
        QFETCH(int, layers);
        QFETCH(int, batch);
        QFETCH(int, seqLen);
        QFETCH(int, input);
        QFETCH(int, hidden);
        QFETCH(bool, initialState);
        torch::manual_seed(7);
        torch::nn::LSTM lstm(torch::nn::LSTMOptions(input, hidden).num_layers(layers).batch_first(true));
        QVERIFY(fusedLstmSupports(*lstm, torch::zeros({batch, seqLen, input})));
        const auto x = torch::randn({batch, seqLen, input});
        torch::Tensor h0, c0;
        if (initialState) {
            h0 = torch::randn({layers, batch, hidden}) * 0.5;
            c0 = torch::randn({layers, batch, hidden}) * 0.5;
        }
        const std::vector<torch::Tensor> read{torch::randn({batch, seqLen, hidden}),
                                              torch::randn({layers, batch, hidden}),
                                              torch::randn({layers, batch, hidden})};
        const Result ref = run(lstm, x, h0, c0, read, false);
        const Result fused = run(lstm, x, h0, c0, read, true);
        const auto check = [](const char *what, const torch::Tensor &a, const torch::Tensor &b) {
            QVERIFY2(a.defined() && b.defined() && a.sizes() == b.sizes(), what);
            const double e = relativeError(a, b);
            QVERIFY2(e <= 1e-6, qPrintable(QStringLiteral("%1: relative error %2").arg(what).arg(e)));
        };
        check("output", fused.y, ref.y);
        check("h_n", fused.hN, ref.hN);
        check("c_n", fused.cN, ref.cN);
        check("input gradient", fused.dx, ref.dx);
        if (initialState) {
            check("h0 gradient", fused.dh0, ref.dh0);
            check("c0 gradient", fused.dc0, ref.dc0);
        }
        const auto names = lstm->named_parameters().keys();
        QCOMPARE(fused.paramGrads.size(), size_t(4 * layers));
        for (size_t i = 0; i < names.size(); ++i)
            check(names[i].c_str(), fused.paramGrads[i], ref.paramGrads[i]);
    }

    void keptBuffersNeverOverwriteAHeldResult() {
        torch::manual_seed(3);
        torch::nn::LSTM lstm(torch::nn::LSTMOptions(6, 10).num_layers(2).batch_first(true));
        FusedLstmWorkspace workspace;
        const auto x1 = torch::randn({4, 5, 6}), x2 = torch::randn({4, 5, 6});
        const auto first = std::get<0>(fusedLstm(*lstm, x1, &workspace));
        const auto second = std::get<0>(fusedLstm(*lstm, x2, &workspace)); // `first` is still held
        QVERIFY(relativeError(first, std::get<0>(lstm->forward(x1))) <= 1e-6);
        QVERIFY(relativeError(second, std::get<0>(lstm->forward(x2))) <= 1e-6);
        QVERIFY(relativeError(first, second) > 1e-2);
    }

    void evaluationWithoutGradientMatches() {
        torch::manual_seed(5);
        torch::nn::LSTM lstm(torch::nn::LSTMOptions(8, 12).batch_first(true));
        const auto x = torch::randn({9, 4, 8});
        torch::NoGradGuard noGrad;
        FusedLstmWorkspace workspace;
        const auto y = std::get<0>(fusedLstm(*lstm, x, &workspace));
        QVERIFY(!y.requires_grad());
        QVERIFY(relativeError(y, std::get<0>(lstm->forward(x))) <= 1e-6);
    }

    void unsupportedOptionsFallBackToLibTorch() {
        torch::manual_seed(5);
        torch::nn::LSTM lstm(torch::nn::LSTMOptions(8, 12).batch_first(true).bidirectional(true));
        const auto x = torch::randn({3, 4, 8});
        QVERIFY(!fusedLstmSupports(*lstm, x));
        const auto y = std::get<0>(fusedLstm(*lstm, x));
        QCOMPARE(y.size(2), int64_t(24));
        QCOMPARE(relativeError(y, std::get<0>(lstm->forward(x))), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestFusedLstm)
#include "test_fused_lstm.moc"
