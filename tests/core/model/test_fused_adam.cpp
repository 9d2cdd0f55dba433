// The flat Adam against torch::optim::Adam: 100 steps on the same gradients give the same parameters
// and moments to 1e-6 relative, with and without weight decay; its state is torch::optim::Adam's
// (AdamParamState per parameter), so saving and loading it through that interface resumes exactly.

#include "model/fused_adam.h"

#include <QTest>

#include <algorithm>
#include <sstream>

using namespace posenc::core;

namespace {
double relativeError(const torch::Tensor &a, const torch::Tensor &b) {
    const double scale = std::max(b.abs().max().item<double>(), 1e-30);
    return (a - b).abs().max().item<double>() / scale;
}

std::vector<torch::Tensor> makeParams() {
    torch::manual_seed(11);
    std::vector<torch::Tensor> params;
    for (const auto &shape : std::vector<std::vector<int64_t>>{{7, 5}, {13}, {4, 3, 2}, {1}})
        params.push_back(torch::randn(shape).requires_grad_(true));
    return params;
}

std::vector<torch::Tensor> copies(const std::vector<torch::Tensor> &params) {
    std::vector<torch::Tensor> out;
    for (const auto &p : params)
        out.push_back(p.detach().clone().requires_grad_(true));
    return out;
}

// Gives every parameter the gradient of a fixed random quadratic at step `step` (the third parameter
// skips every fifth step, as a parameter outside the loss would), through backward as in training.
void backward(const std::vector<torch::Tensor> &params, int step) {
    torch::manual_seed(1000 + step);
    torch::Tensor loss = torch::zeros({});
    for (size_t i = 0; i < params.size(); ++i) {
        if (i == 2 && step % 5 == 0)
            continue;
        const auto target = torch::randn(params[i].sizes());
        loss = loss + ((params[i] - target).pow(2) * (1.0 + double(i))).sum();
    }
    loss.backward();
}

// Steps [from, to); a FusedAdam zeroes its gradients with zeroGrad() (as the trainer does) unless
// `viaOptimizer`, which uses Optimizer::zero_grad().
void trainSteps(torch::optim::Adam &opt, const std::vector<torch::Tensor> &params, int from, int to,
                bool viaOptimizer = false) {
    for (int s = from; s < to; ++s) {
        if (auto *fused = dynamic_cast<FusedAdam *>(&opt); fused && !viaOptimizer)
            fused->zeroGrad();
        else
            opt.zero_grad();
        backward(params, s);
        opt.step();
    }
}
} // namespace

class TestFusedAdam : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesLibTorchAdam_data() {
        QTest::addColumn<double>("lr");
        QTest::addColumn<double>("weightDecay");
        QTest::newRow("the seed's lr") << 1e-3 << 0.0;
        QTest::newRow("large lr") << 5e-2 << 0.0;
        QTest::newRow("weight decay") << 1e-2 << 0.1;
    }
    void matchesLibTorchAdam() {
        QFETCH(double, lr);
        QFETCH(double, weightDecay);
        const auto initial = makeParams();
        const auto ref = copies(initial), fused = copies(initial);
        const auto options = torch::optim::AdamOptions(lr).weight_decay(weightDecay);
        torch::optim::Adam refOpt(ref, options);
        FusedAdam fusedOpt(fused, options);
        trainSteps(refOpt, ref, 0, 100);
        trainSteps(fusedOpt, fused, 0, 100);
        for (size_t i = 0; i < ref.size(); ++i) {
            QVERIFY(relativeError(ref[i], initial[i]) > 1e-3); // the run really moved it
            const double e = relativeError(fused[i], ref[i]);
            QVERIFY2(e <= 1e-6, qPrintable(QStringLiteral("parameter %1: relative error %2").arg(i).arg(e)));
            const auto &rs = static_cast<torch::optim::AdamParamState &>(
                *refOpt.state().at(c10::guts::to_string(ref[i].unsafeGetTensorImpl())));
            const auto &fs = static_cast<torch::optim::AdamParamState &>(
                *fusedOpt.state().at(c10::guts::to_string(fused[i].unsafeGetTensorImpl())));
            QCOMPARE(fs.step(), rs.step());
            QVERIFY(relativeError(fs.exp_avg(), rs.exp_avg()) <= 1e-6);
            QVERIFY(relativeError(fs.exp_avg_sq(), rs.exp_avg_sq()) <= 1e-6);
        }
    }

    void savedAndLoadedAsAdamItResumesExactly() {
        const auto straight = makeParams();
        FusedAdam straightOpt(straight, torch::optim::AdamOptions(1e-2));
        trainSteps(straightOpt, straight, 0, 30, true);

        const auto first = makeParams();
        FusedAdam firstOpt(first, torch::optim::AdamOptions(1e-2));
        trainSteps(firstOpt, first, 0, 21); // stop where every parameter has a gradient next step
        torch::serialize::OutputArchive archive;
        static_cast<torch::optim::Adam &>(firstOpt).save(archive);
        std::ostringstream bytes;
        archive.save_to(bytes);

        // A fresh run: parameters replaced by their saved values (as Module::load does, with set_),
        // the optimiser loaded through torch::optim::Adam's interface.
        const auto resumed = makeParams();
        FusedAdam resumedOpt(resumed, torch::optim::AdamOptions(1e-2));
        {
            torch::NoGradGuard noGrad;
            for (size_t i = 0; i < resumed.size(); ++i)
                resumed[i].set_(first[i].detach().clone());
        }
        torch::serialize::InputArchive in;
        const std::string data = bytes.str();
        in.load_from(data.data(), data.size());
        static_cast<torch::optim::Adam &>(resumedOpt).load(in);
        trainSteps(resumedOpt, resumed, 21, 30);
        for (size_t i = 0; i < straight.size(); ++i)
            QVERIFY(torch::equal(resumed[i], straight[i]));
    }
};

QTEST_GUILESS_MAIN(TestFusedAdam)
#include "test_fused_adam.moc"
