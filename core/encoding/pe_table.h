#pragma once
// A positional-encoding table as plain values (no LibTorch types), for the views and for CSV export,
// plus what one cell of the sinusoidal formula means (sin or cos, frequency index, wavelength).

#include "settings/config.h"

#include <QMetaType>
#include <QString>
#include <QVector>

namespace posenc::core {

// Row-major [rows = positions, cols = dimensions] table of PE values.
struct PeTable {
    int rows = 0;
    int cols = 0;
    QVector<float> values;

    float at(int position, int dim) const { return values[position * cols + dim]; }
    bool isEmpty() const { return rows == 0 || cols == 0; }
};

// Writes rows [firstRow, firstRow + rowCount) of the sinusoidal table (interleaved or concatenated
// by `config.kind`) into `out`, row-major with config.dModel floats per row, within 1e-6 of
// peValue(): sin/cos by angle addition in double, re-anchored on exact sin/cos every 128 rows.
void fillSinusoidal(const EncodingConfig &config, int firstRow, int rowCount, float *out);

// What a column of the sinusoidal formula is.
struct PeColumnInfo {
    bool isSin = true;     // sine or cosine
    int freqIndex = 0;     // i in pos / base^(2i/d_model)
    double wavelength = 0; // 2*pi*base^(2i/d_model), in positions
};

// The meaning of column `dim` for the sinusoidal kinds (interleaved or concatenated).
PeColumnInfo columnInfo(const EncodingConfig &config, int dim);

// The exact formula value at (position, dim), in double precision.
double peValue(const EncodingConfig &config, int position, int dim);

// Write the table as CSV: header "position,dim_0,...", one row per position, 9 significant digits.
// Returns an empty string on success, else a message naming the file and the reason.
QString writePeCsv(const PeTable &table, const QString &path);

} // namespace posenc::core

Q_DECLARE_METATYPE(posenc::core::PeTable)
