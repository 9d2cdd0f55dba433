// The PE formula in LibTorch against core::peValue (itself pinned to hand-computed cells), the layouts
// of every kind, odd d_model, and the module's buffer/parameter registration.

#include "encoding/compute_table.h"
#include "encoding/pe_table.h"
#include "encoding/positional_encoding.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <cmath>

using namespace posenc::core;

namespace {
// core::peValue is the formula's oracle (seedLayoutAtKnownCells pins it to hand-computed cells).
double reference(PeKind kind, int pos, int dim, int dModel, double base) {
    EncodingConfig c;
    c.kind = kind;
    c.dModel = dModel;
    c.maxLen = pos + 1;
    c.base = base;
    return peValue(c, pos, dim);
}
} // namespace

class TestPositionalEncoding : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesFormula_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("maxLen");
        QTest::addColumn<int>("dModel");
        QTest::addColumn<double>("base");
        QTest::newRow("seed 5000x32") << int(PeKind::Sinusoidal) << 5000 << 32 << 10000.0;
        QTest::newRow("5000x1024") << int(PeKind::Sinusoidal) << 5000 << 1024 << 10000.0;
        QTest::newRow("odd d_model 7") << int(PeKind::Sinusoidal) << 300 << 7 << 10000.0;
        QTest::newRow("base 100") << int(PeKind::Sinusoidal) << 1000 << 64 << 100.0;
        QTest::newRow("concat 5000x1024") << int(PeKind::SinusoidalConcat) << 5000 << 1024 << 10000.0;
        QTest::newRow("concat odd 9") << int(PeKind::SinusoidalConcat) << 200 << 9 << 10000.0;
    }
    void matchesFormula() {
        QFETCH(int, kind);
        QFETCH(int, maxLen);
        QFETCH(int, dModel);
        QFETCH(double, base);
        const auto pe = positionalEncoding(PeKind(kind), maxLen, dModel, base);
        QCOMPARE(pe.dtype(), torch::kFloat32);
        QCOMPARE(pe.size(0), maxLen);
        QCOMPARE(pe.size(1), dModel);
        const auto acc = pe.accessor<float, 2>();
        double worst = 0;
        for (int p = 0; p < maxLen; ++p)
            for (int d = 0; d < dModel; ++d)
                worst = std::max(worst, std::abs(acc[p][d] - reference(PeKind(kind), p, d, dModel, base)));
        QVERIFY2(worst <= 1e-6, qPrintable(QStringLiteral("max abs error %1").arg(worst)));
    }

    // The table the views show (computePeTable, fillSinusoidal's recurrence) against peValue().
    void fastTableMatchesPeValue_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("maxLen");
        QTest::addColumn<int>("dModel");
        QTest::addColumn<double>("base");
        QTest::newRow("5000x512") << int(PeKind::Sinusoidal) << 5000 << 512 << 10000.0;
        QTest::newRow("5000x1024") << int(PeKind::Sinusoidal) << 5000 << 1024 << 10000.0;
        QTest::newRow("odd 1001x33") << int(PeKind::Sinusoidal) << 1001 << 33 << 10000.0;
        QTest::newRow("odd 129x3") << int(PeKind::Sinusoidal) << 129 << 3 << 10000.0;
        QTest::newRow("one row") << int(PeKind::Sinusoidal) << 1 << 8 << 10000.0;
        QTest::newRow("base 2") << int(PeKind::Sinusoidal) << 3000 << 64 << 2.0;
        QTest::newRow("concat 5000x512") << int(PeKind::SinusoidalConcat) << 5000 << 512 << 10000.0;
        QTest::newRow("concat odd 777x65") << int(PeKind::SinusoidalConcat) << 777 << 65 << 10000.0;
    }
    void fastTableMatchesPeValue() {
        QFETCH(int, kind);
        QFETCH(int, maxLen);
        QFETCH(int, dModel);
        QFETCH(double, base);
        EncodingConfig c;
        c.kind = PeKind(kind);
        c.maxLen = maxLen;
        c.dModel = dModel;
        c.base = base;
        const PeTable t = computePeTable(c);
        QCOMPARE(t.rows, maxLen);
        QCOMPARE(t.cols, dModel);
        double worst = 0;
        for (int p = 0; p < maxLen; ++p)
            for (int d = 0; d < dModel; ++d)
                worst = std::max(worst, std::abs(t.at(p, d) - peValue(c, p, d)));
        QVERIFY2(worst <= 1e-6, qPrintable(QStringLiteral("max abs error %1").arg(worst)));
        // The model's tensor is the same table.
        const auto pe = positionalEncoding(c.kind, maxLen, dModel, base);
        QVERIFY(std::equal(t.values.cbegin(), t.values.cend(), pe.data_ptr<float>()));
    }

    // Rows from the middle of the table (another anchor phase) equal the same rows of the whole.
    void fillFromAnyRowEqualsTheWhole() {
        EncodingConfig c;
        c.maxLen = 1000;
        c.dModel = 17;
        const PeTable whole = computePeTable(c);
        for (int first : {1, 127, 128, 500}) {
            QVector<float> part(300 * c.dModel);
            fillSinusoidal(c, first, 300, part.data());
            for (int r = 0; r < 300; ++r)
                for (int d = 0; d < c.dModel; ++d)
                    QVERIFY(std::abs(part[r * c.dModel + d] - whole.at(first + r, d)) <= 1e-6f);
        }
    }

    // A recycled buffer (bigger or smaller than needed) gives the same table as a fresh one, and
    // one still held elsewhere is left alone.
    void reusedBufferGivesTheSameTable() {
        EncodingConfig c;
        c.maxLen = 300;
        c.dModel = 40;
        const PeTable fresh = computePeTable(c);
        for (int oldLen : {1000, 10}) {
            EncodingConfig old = c;
            old.maxLen = oldLen;
            PeTable spare = computePeTable(old);
            const float *memory = spare.values.constData();
            const PeTable again = computePeTable(c, 0, &spare);
            QCOMPARE(again.values, fresh.values);
            if (oldLen > c.maxLen)
                QCOMPARE(again.values.constData(), memory); // no new allocation
        }
        PeTable shown = computePeTable(c);
        const PeTable heldByAView = shown;
        EncodingConfig other = c;
        other.dModel = 8;
        const PeTable next = computePeTable(other, 0, &shown);
        QCOMPARE(heldByAView.values, fresh.values);
        QCOMPARE(next.cols, 8);
    }

    void seedLayoutAtKnownCells() {
        const auto pe = positionalEncoding(PeKind::Sinusoidal, 100, 32, 10000.0);
        QCOMPARE(pe[0][0].item<float>(), 0.0f); // sin(0)
        QCOMPARE(pe[0][1].item<float>(), 1.0f); // cos(0)
        QCOMPARE(pe[1][0].item<float>(), float(std::sin(1.0)));
        QCOMPARE(pe[1][1].item<float>(), float(std::cos(1.0)));
        // Column 4 is the sine of pair i=2: pos / 10000^(4/32).
        QCOMPARE(pe[3][4].item<float>(), float(std::sin(3.0 / std::pow(10000.0, 4.0 / 32))));
        // The oracle of the other tests, at the same cells.
        QCOMPARE(reference(PeKind::Sinusoidal, 1, 0, 32, 10000.0), std::sin(1.0));
        QCOMPARE(reference(PeKind::Sinusoidal, 1, 1, 32, 10000.0), std::cos(1.0));
        QCOMPARE(reference(PeKind::Sinusoidal, 3, 4, 32, 10000.0),
                 std::sin(3.0 / std::pow(10000.0, 4.0 / 32)));
        QCOMPARE(reference(PeKind::SinusoidalConcat, 3, 18, 32, 10000.0),
                 std::cos(3.0 / std::pow(10000.0, 4.0 / 32)));
    }

    void oddDModelEndsOnSine() {
        const auto pe = positionalEncoding(PeKind::Sinusoidal, 50, 5, 10000.0);
        QCOMPARE(pe.size(1), 5);
        QCOMPARE(pe[10][4].item<float>(), float(std::sin(10.0 / std::pow(10000.0, 4.0 / 5))));
    }

    void noneIsZeroAndLearnedIsSmallNoise() {
        QCOMPARE(positionalEncoding(PeKind::None, 40, 8, 10000.0).abs().sum().item<double>(), 0.0);
        const auto learned = positionalEncoding(PeKind::Learned, 2000, 16, 10000.0,
                                                at::make_generator<at::CPUGeneratorImpl>(7));
        QVERIFY(std::abs(learned.std().item<double>() - 0.02) < 0.002);
        const auto again = positionalEncoding(PeKind::Learned, 2000, 16, 10000.0,
                                              at::make_generator<at::CPUGeneratorImpl>(7));
        QVERIFY(torch::equal(learned, again));
    }

    void moduleRegistersBufferOrParameter() {
        EncodingConfig fixed;
        fixed.maxLen = 100;
        PositionalEncoding pe(fixed);
        QCOMPARE(int(pe->parameters().size()), 0);
        QCOMPARE(int(pe->buffers().size()), 1);
        QCOMPARE(QString::fromStdString(pe->named_buffers().begin()->key()), QStringLiteral("pe"));

        EncodingConfig learned = fixed;
        learned.kind = PeKind::Learned;
        PositionalEncoding trainable(learned);
        QCOMPARE(int(trainable->parameters().size()), 1);
        QCOMPARE(trainable->parameters()[0].size(0), 100);
    }

    void forwardAddsTheFirstRows() {
        EncodingConfig c;
        c.maxLen = 100;
        c.dModel = 8;
        PositionalEncoding pe(c);
        const auto x = torch::ones({3, 20, 8});
        const auto y = pe->forward(x);
        QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{3, 20, 8}));
        QVERIFY(torch::allclose(y[2] - 1, pe->table().narrow(0, 0, 20), 1e-5, 1e-6));
    }

    void peTableAndColumnInfo() {
        EncodingConfig c;
        c.maxLen = 64;
        c.dModel = 10;
        const PeTable t = computePeTable(c);
        QCOMPARE(t.rows, 64);
        QCOMPARE(t.cols, 10);
        QCOMPARE(double(t.at(5, 3)), double(float(std::cos(5.0 / std::pow(10000.0, 2.0 / 10)))));
        const PeColumnInfo info = columnInfo(c, 3);
        QCOMPARE(info.isSin, false);
        QCOMPARE(info.freqIndex, 1);
        QVERIFY(std::abs(info.wavelength - 2 * M_PI * std::pow(10000.0, 0.2)) < 1e-9);
        c.kind = PeKind::SinusoidalConcat;
        QCOMPARE(columnInfo(c, 5).isSin, false); // d=10: columns 0..4 sin, 5..9 cos
        QCOMPARE(columnInfo(c, 5).freqIndex, 0);
        EncodingConfig invalid = c;
        invalid.dModel = 1;
        QVERIFY(computePeTable(invalid).isEmpty());
    }

    void peCsvHasHeaderRowsAndPrecision() {
        EncodingConfig c;
        c.maxLen = 12;
        c.dModel = 6;
        const PeTable t = computePeTable(c);
        const QString path = QDir::temp().filePath(QStringLiteral("posenc_test_pe.csv"));
        QCOMPARE(writePeCsv(t, path), QString());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 13);
        QCOMPARE(lines[0], QStringLiteral("position,dim_0,dim_1,dim_2,dim_3,dim_4,dim_5"));
        const QStringList row = lines[8].split(QLatin1Char(','));
        QCOMPARE(row[0], QStringLiteral("7"));
        QVERIFY(std::abs(row[3].toDouble() - reference(PeKind::Sinusoidal, 7, 2, 6, 10000.0)) < 1e-6);
        QVERIFY(!writePeCsv(t, QStringLiteral("/nonexistent-dir/pe.csv")).isEmpty());
        f.remove();
    }
};

QTEST_GUILESS_MAIN(TestPositionalEncoding)
#include "test_positional_encoding.moc"
