// The seed's dataset (shapes, normalisation, determinism) and model (seed parameter names,
// shapes, output).

#include "dataset.h"
#include "model.h"

#include <QTest>

using namespace posenc::core;

class TestDatasetModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void datasetShapesAndNormalisation() {
        torch::manual_seed(0);
        double mean = 0, stdev = 0;
        const auto data = makeSeedDataset(1000, 20, 10, c10::nullopt, &mean, &stdev);
        QCOMPARE(data.sequences.sizes().vec(), (std::vector<int64_t>{1000, 20, 10}));
        QCOMPARE(data.labels.sizes().vec(), (std::vector<int64_t>{1000}));
        QVERIFY(std::abs(data.labels.mean().item<double>()) < 1e-6);
        QVERIFY(std::abs(data.labels.std().item<double>() - 1.0) < 1e-5);
        // Inputs are randn * 0.5: their std is close to 0.5.
        QVERIFY(std::abs(data.sequences.std().item<double>() - 0.5) < 0.01);
        // The raw label is the weighted sum with weights linspace(0.1, 0.5, 20).
        const auto w = torch::linspace(0.1, 0.5, 20);
        const double raw0 = (data.sequences[0].sum(1) * w).sum().item<double>();
        QVERIFY(std::abs((raw0 - mean) / (stdev + 1e-8) - data.labels[0].item<double>()) < 1e-5);
    }

    void sameSeedSameData() {
        const auto a = makeSeedDataset(50, 5, 3, at::make_generator<at::CPUGeneratorImpl>(42));
        const auto b = makeSeedDataset(50, 5, 3, at::make_generator<at::CPUGeneratorImpl>(42));
        const auto c = makeSeedDataset(50, 5, 3, at::make_generator<at::CPUGeneratorImpl>(43));
        QVERIFY(torch::equal(a.sequences, b.sequences));
        QVERIFY(torch::equal(a.labels, b.labels));
        QVERIFY(!torch::equal(a.sequences, c.sequences));
    }

    void validationUsesTrainingStatistics() {
        double mean = 0, stdev = 0;
        makeSeedDataset(500, 20, 10, at::make_generator<at::CPUGeneratorImpl>(1), &mean, &stdev);
        const auto val = makeValidationSet(300, 20, 10, validationGenerator(1), mean, stdev);
        QCOMPARE(val.sequences.size(0), 300);
        const double raw = weightedSumLabels(val.sequences.narrow(0, 0, 1)).item<double>();
        QVERIFY(std::abs((raw - mean) / (stdev + 1e-8) - val.labels[0].item<double>()) < 1e-5);
    }

    void parameterNamesAreTheSeedsStateDictKeys() {
        EncodingConfig e;
        SequenceModel model(10, e, 1, 0);
        QStringList names;
        for (const auto &p : model->named_parameters())
            names << QString::fromStdString(p.key());
        QCOMPARE(names,
                 (QStringList{"embedding.weight", "embedding.bias", "lstm.weight_ih_l0", "lstm.weight_hh_l0",
                              "lstm.bias_ih_l0", "lstm.bias_hh_l0", "fc.weight", "fc.bias"}));
        QCOMPARE(model->named_parameters()["lstm.weight_ih_l0"].sizes().vec(),
                 (std::vector<int64_t>{128, 32}));
        QCOMPARE(model->named_buffers().size(), size_t(1));
        QVERIFY(model->named_buffers().contains("positional_encoding.pe"));
    }

    void twoLayersAndOutputShape() {
        EncodingConfig e;
        e.dModel = 16;
        e.maxLen = 50;
        SequenceModel model(4, e, 2, 0);
        QVERIFY(model->named_parameters().contains("lstm.weight_ih_l1"));
        const auto y = model->forward(torch::randn({7, 30, 4}));
        QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{7, 1}));
    }

    void learnedTableIsAParameterThatTrains() {
        EncodingConfig e;
        e.kind = PeKind::Learned;
        e.dModel = 8;
        e.maxLen = 10;
        SequenceModel model(3, e, 1, 5);
        QVERIFY(model->named_parameters().contains("positional_encoding.pe"));
        const auto before = model->positional_encoding->table().clone();
        torch::optim::SGD sgd(model->parameters(), 0.5);
        const auto loss = model->forward(torch::randn({4, 6, 3})).pow(2).sum();
        loss.backward();
        sgd.step();
        const auto moved = (model->positional_encoding->table() - before).abs().sum(1);
        QVERIFY(moved[0].item<double>() > 0);   // positions 0..5 were used
        QCOMPARE(moved[9].item<double>(), 0.0); // position 9 was not
    }
};

QTEST_GUILESS_MAIN(TestDatasetModel)
#include "test_dataset_model.moc"
