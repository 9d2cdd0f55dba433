#include "train/checkpoint_io.h"

#include "util/file_util.h"

#include <QCryptographicHash>
#include <QFile>
#include <QtEndian>

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/csrc/jit/serialization/import_read.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace posenc::core {

namespace {
// The zip comment that seals a checkpoint: this prefix, then 64 hex digits of SHA-256.
constexpr char kSealPrefix[] = "posenc-sha256:";
constexpr int kSealPrefixSize = int(sizeof(kSealPrefix)) - 1;
constexpr int kSealSize = kSealPrefixSize + 64;
constexpr int kEndRecordSize = 22; // zip end-of-central-directory record without its comment
// Deeper nesting than any type or code the app writes; LibTorch's recursive parsers overflow
// the stack at some tens of thousands.
constexpr int kMaxNesting = 64;
constexpr qint64 kMaxTypeText = 4096;
constexpr qint64 kMaxCodeRecord = qint64(1) << 20;

using GenericDict = c10::impl::GenericDict;

QString number(qint64 n) {
    return QString::number(n);
}

QString shapeText(c10::IntArrayRef shape) {
    QStringList dims;
    for (const int64_t d : shape)
        dims << QString::number(d);
    return QLatin1Char('[') + dims.join(QStringLiteral(", ")) + QLatin1Char(']');
}

// Reads from the checkpoint's bytes, never past their end (LibTorch's MemoryReadAdapter does not check).
class BoundedReader final : public caffe2::serialize::ReadAdapterInterface {
public:
    explicit BoundedReader(const QByteArray &bytes) : m_bytes(bytes) {}
    size_t size() const override { return size_t(m_bytes.size()); }
    size_t read(uint64_t pos, void *buf, size_t n, const char *) const override {
        if (pos >= uint64_t(m_bytes.size()))
            return 0;
        n = std::min<uint64_t>(n, uint64_t(m_bytes.size()) - pos);
        std::memcpy(buf, m_bytes.constData() + pos, n);
        return n;
    }

private:
    const QByteArray &m_bytes;
};

int nestingDepth(const char *text, qint64 size) {
    int depth = 0, deepest = 0;
    for (qint64 i = 0; i < size; ++i) {
        const char c = text[i];
        if (c == '(' || c == '[' || c == '{')
            deepest = std::max(deepest, ++depth);
        else if ((c == ')' || c == ']' || c == '}') && depth > 0)
            --depth;
    }
    return deepest;
}

// The unpickler hands type annotations to TorchScript's recursive parser: bound them first.
c10::TypePtr guardedTypeParser(const std::string &text) {
    if (qint64(text.size()) > kMaxTypeText || nestingDepth(text.data(), qint64(text.size())) > kMaxNesting)
        throw std::runtime_error("a type annotation in the file is too long or too deeply nested");
    return torch::jit::Unpickler::defaultTypeParser(text);
}

// The opcodes in `set` (a string of opcode bytes); opcode 0 is in no set.
bool inSet(uchar op, const char *set) {
    return op != 0 && std::strchr(set, char(op)) != nullptr;
}

// Bytes of argument after a pickle opcode: >= 0 fixed, -1 none known (refused), -2 one line,
// -3 two lines, -(10 + k) a k-byte little-endian length followed by that many bytes.
int pickleArgument(uchar op) {
    static const struct {
        const char *ops;
        int argument;
    } kArguments[] = {
        {"(.012NQRabd}el]st)u"
         "\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x93\x94",
         0},
        {"Khq\x80", 1},
        {"M", 2},
        {"Jjr", 4},
        {"G\x95", 8},
        {"FILPSVgp", -2},
        {"c", -3},
        {"UC\x8c\x8a", -11},
        {"TXB\x8b", -14},
        {"\x8d\x8e", -18},
    };
    for (const auto &kind : kArguments)
        if (inSet(op, kind.ops))
            return kind.argument;
    return -1;
}

// How an opcode changes the unpickler's stack: items it needs, and the net change; a MARK-based
// opcode (needs the last mark) is marked with `toMark`.
struct StackEffect {
    int needs = 0;
    int change = 0;
    bool toMark = false;
};

StackEffect stackEffect(uchar op) {
    static const struct {
        const char *ops;
        StackEffect effect;
    } kEffects[] = {
        {"hjgcNKMJGFILPSVUCTXB}])"
         "\x8c\x8a\x8b\x8d\x8e\x88\x89\x8f",
         {0, 1, false}},
        {"qrpQ\x94\x85", {1, 0, false}},
        {"Rba\x81\x86\x93", {2, -1, false}},
        {"s\x87", {3, -2, false}},
        {".0", {1, -1, false}},
        {"2", {1, 1, false}},
        {"tld\x91", {0, 1, true}}, // pops to the mark, pushes the container
        {"eu1\x90", {0, 0, true}}, // pops to the mark (into the item below it)
    };
    for (const auto &kind : kEffects)
        if (inSet(op, kind.ops))
            return kind.effect;
    return {}; // MARK, handled by the caller
}

// Where the argument of the opcode at `at - 1` ends (`at` is just past the opcode); -1 for an
// unknown opcode, -2 when the argument runs past the record's end.
qint64 argumentEnd(const uchar *data, qint64 size, qint64 at) {
    const int arg = pickleArgument(data[at - 1]);
    if (arg == -1)
        return -1;
    if (arg >= 0)
        return at + arg <= size ? at + arg : -2;
    if (arg <= -10) {
        const int bytes = -arg - 10;
        if (at + bytes > size)
            return -2;
        quint64 length = 0;
        for (int i = bytes - 1; i >= 0; --i)
            length = (length << 8) | data[at + i];
        return length <= quint64(size - at - bytes) ? at + bytes + qint64(length) : -2;
    }
    for (int lines = arg == -3 ? 2 : 1; lines > 0; --lines) {
        const void *nl = std::memchr(data + at, '\n', size_t(size - at));
        if (!nl)
            return -2;
        at = static_cast<const uchar *>(nl) - data + 1;
    }
    return at;
}

// Walks a pickle's opcodes without running them: every argument lies inside the record, no
// opcode pops what is not there, and it ends in STOP. LibTorch's unpickler trusts the lengths
// (a damaged one allocates gigabytes) and the stack (an empty one is undefined behaviour).
QString checkPickle(const uchar *data, qint64 size) {
    const QString malformed = QStringLiteral("a pickle record is malformed");
    qint64 depth = 0;
    std::vector<qint64> marks;
    for (qint64 at = 0; at < size;) {
        const uchar op = data[at++];
        const qint64 argument = at;
        at = argumentEnd(data, size, at);
        if (at < 0)
            return at == -1 ? QStringLiteral("it holds an unknown pickle opcode")
                            : QStringLiteral("a length in a pickle record runs past its end");
        // LONG_BINPUT/LONG_BINGET: memo ids count up from 0, one per PUT of at least 2 bytes, so an
        // id past the record's size is damage. LibTorch would grow its memo table to that id first
        // (a flipped byte asked for 37 GB).
        if ((op == 'r' || op == 'j') && qFromLittleEndian<quint32>(data + argument) >= quint64(size))
            return malformed;
        if (op == '(') {
            marks.push_back(depth);
            continue;
        }
        const StackEffect effect = stackEffect(op);
        if (effect.toMark) {
            if (marks.empty() || (effect.change == 0 && op != '1' && marks.back() < 1))
                return malformed;
            depth = marks.back() + effect.change;
            marks.pop_back();
        } else {
            if (depth < effect.needs)
                return malformed;
            depth += effect.change;
            if (!marks.empty() && depth < marks.back())
                return malformed;
        }
        if (op == '.')
            return depth == 0 ? QString() : malformed;
    }
    return QStringLiteral("a pickle record is cut short");
}

QByteArray sealDigest(const QByteArray &bytes, qint64 sealedSize) {
    return QCryptographicHash::hash(QByteArrayView(bytes.constData(), sealedSize), QCryptographicHash::Sha256)
        .toHex();
}
} // namespace

qint64 maxCheckpointBytes() {
    using namespace limits;
    const qint64 d = kMaxDModel;
    const qint64 lstm = kMaxLayers * (8 * d * d + 8 * d);
    const qint64 params = d * kMaxFeatures + d + kMaxTableValues + lstm + d + 1;
    // Parameters and two Adam moments as float, the epoch order as int64; twice that for slack;
    // then the loss history of up to 2^26 steps (16 bytes each).
    return 2 * (3 * 4 * params + 8 * qint64(kMaxSamples)) + (qint64(1) << 20) + 16 * (qint64(1) << 26);
}

QString readRegularFile(const QString &path, qint64 maxBytes, QByteArray *bytes) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return errno == ENOENT ? QStringLiteral("the file does not exist") : osErrorText(errno);
    const std::unique_ptr<int, void (*)(int *)> closer(new int(fd), [](int *f) {
        ::close(*f);
        delete f;
    });
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return osErrorText(errno);
    if (S_ISDIR(st.st_mode))
        return QStringLiteral("it is a folder, not a file");
    if (!S_ISREG(st.st_mode))
        return QStringLiteral("it is not a regular file (a device, pipe or socket)");
    if (st.st_size == 0)
        return QStringLiteral("the file is empty");
    if (st.st_size > maxBytes)
        return QStringLiteral("the file is too large for a checkpoint (%1 bytes, at most %2)")
            .arg(number(st.st_size), number(maxBytes));
    try {
        bytes->resize(qsizetype(st.st_size));
    } catch (const std::bad_alloc &) {
        return QStringLiteral("there is not enough memory to read its %1 bytes").arg(number(st.st_size));
    }
    qint64 done = 0;
    while (done < st.st_size) {
        const ssize_t n = ::read(fd, bytes->data() + done, size_t(st.st_size - done));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return osErrorText(errno);
        if (n == 0)
            return QStringLiteral("the file shrank while it was read");
        done += n;
    }
    return {};
}

namespace {
c10::IValue tensorValue(const torch::Tensor &t) {
    return t.defined() ? c10::IValue(t.detach().contiguous()) : c10::IValue();
}

// The history as float64 tensors: [n, 2] of (step, loss) and [m, 5] of (epoch, step, train loss,
// validation loss, samples per second); doubles hold every step count a run can reach exactly.
torch::Tensor batchTensor(const QVector<BatchLoss> &batches) {
    auto t = torch::empty({int64_t(batches.size()), 2}, torch::kFloat64);
    auto a = t.accessor<double, 2>();
    for (qsizetype i = 0; i < batches.size(); ++i) {
        a[i][0] = double(batches[i].step);
        a[i][1] = batches[i].loss;
    }
    return t;
}

torch::Tensor epochTensor(const QVector<EpochStats> &epochs) {
    auto t = torch::empty({int64_t(epochs.size()), 5}, torch::kFloat64);
    auto a = t.accessor<double, 2>();
    for (qsizetype i = 0; i < epochs.size(); ++i) {
        const EpochStats &e = epochs[i];
        a[i][0] = e.epoch;
        a[i][1] = double(e.step);
        a[i][2] = e.trainLoss;
        a[i][3] = e.valLoss;
        a[i][4] = e.samplesPerSec;
    }
    return t;
}

// torch.optim.Adam's state_dict layout: {"state": {i: {...}}, "param_groups": [{..., "params": [i]}]}.
c10::IValue adamValue(const CheckpointState &s) {
    GenericDict state(c10::IntType::get(), c10::AnyType::get());
    for (size_t i = 0; i < s.adam.size(); ++i) {
        if (!s.adam[i].expAvg.defined())
            continue; // a parameter Adam has not updated has no entry, as in PyTorch
        GenericDict slot(c10::StringType::get(), c10::AnyType::get());
        slot.insert("step", int64_t(s.adam[i].step));
        slot.insert("exp_avg", tensorValue(s.adam[i].expAvg));
        slot.insert("exp_avg_sq", tensorValue(s.adam[i].expAvgSq));
        state.insert(int64_t(i), slot);
    }
    c10::List<int64_t> params;
    for (qint64 i = 0; i < s.parameterCount; ++i)
        params.push_back(int64_t(i));
    GenericDict group(c10::StringType::get(), c10::AnyType::get());
    group.insert("lr", s.lr);
    group.insert("betas", c10::ivalue::Tuple::create(s.beta1, s.beta2));
    group.insert("eps", s.eps);
    group.insert("weight_decay", s.weightDecay);
    group.insert("amsgrad", false);
    group.insert("maximize", false);
    group.insert("foreach", c10::IValue());
    group.insert("capturable", false);
    group.insert("differentiable", false);
    group.insert("fused", false);
    group.insert("params", params);
    GenericDict out(c10::StringType::get(), c10::AnyType::get());
    out.insert("state", state);
    c10::impl::GenericList groups(c10::AnyType::get());
    groups.push_back(group);
    out.insert("param_groups", groups);
    return out;
}
} // namespace

QByteArray encodeCheckpoint(const CheckpointState &s) {
    GenericDict model(c10::StringType::get(), c10::TensorType::get());
    for (const auto &entry : s.model)
        model.insert(entry.first, entry.second.detach().contiguous());
    GenericDict dict(c10::StringType::get(), c10::AnyType::get());
    dict.insert("format", std::string(kCheckpointFormat));
    dict.insert("config", toText(s.config).toStdString());
    dict.insert("epochs_done", int64_t(s.epochsDone));
    dict.insert("steps", int64_t(s.steps));
    dict.insert("next_batch", int64_t(s.nextBatch));
    dict.insert("last_train_loss", s.lastTrainLoss);
    dict.insert("last_val_loss", s.lastValLoss);
    dict.insert("epoch_loss_sum", s.epochLossSum);
    dict.insert("start_loss", s.startLoss);
    dict.insert("shuffle_rng", tensorValue(s.shuffleRng));
    dict.insert("epoch_order", tensorValue(s.order));
    dict.insert("model", model);
    dict.insert("optimizer", adamValue(s));
    dict.insert("batch_losses", batchTensor(s.history.batches));
    dict.insert("epoch_stats", epochTensor(s.history.epochs));
    const std::vector<char> zip = torch::pickle_save(dict);
    QByteArray bytes(zip.data(), qsizetype(zip.size()));
    const qsizetype end = bytes.size() - kEndRecordSize;
    if (end < 0 || !bytes.mid(end).startsWith("PK\x05\x06") || bytes.right(2) != QByteArray(2, '\0'))
        throw std::runtime_error("unexpected zip layout from torch::pickle_save");
    bytes[bytes.size() - 2] = char(kSealSize & 0xff); // the comment length, little-endian
    bytes[bytes.size() - 1] = char(kSealSize >> 8);
    const QByteArray digest = sealDigest(bytes, bytes.size());
    return bytes + kSealPrefix + digest;
}

bool hasCheckpointChecksum(const QByteArray &bytes) {
    // Any one of: the seal's prefix where it belongs, or an end record announcing a seal-sized
    // comment within the last bytes (also when the seal is cut short), marks the new format, so
    // one damaged byte or a truncated end cannot pass it off as another format.
    const qsizetype sealed = bytes.size() - kSealSize;
    if (sealed >= kEndRecordSize && bytes.mid(sealed).startsWith(kSealPrefix))
        return true;
    const QByteArray tail = bytes.right(kEndRecordSize + kSealSize);
    for (qsizetype at = tail.lastIndexOf("PK\x05\x06"); at >= 0;
         at = tail.lastIndexOf("PK\x05\x06", at - 1)) {
        if (at + kEndRecordSize <= tail.size() && uchar(tail[at + kEndRecordSize - 2]) == kSealSize &&
            tail[at + kEndRecordSize - 1] == 0)
            return true;
        if (at == 0)
            break;
    }
    return false;
}

namespace {
QString verifySeal(const QByteArray &bytes) {
    const QString damaged = QStringLiteral("the file is damaged (checksum mismatch)");
    const qsizetype sealed = bytes.size() - kSealSize;
    if (sealed < kEndRecordSize || !bytes.mid(sealed).startsWith(kSealPrefix) ||
        bytes.mid(sealed - kEndRecordSize, 4) != "PK\x05\x06" || uchar(bytes[sealed - 2]) != kSealSize ||
        bytes[sealed - 1] != 0)
        return damaged;
    if (bytes.mid(sealed + kSealPrefixSize) != sealDigest(bytes, sealed))
        return damaged;
    return {};
}

// Every pickle record of a zip archive passes checkPickle(); empty string or the reason.
QString checkPickleRecords(caffe2::serialize::PyTorchStreamReader &reader) {
    for (const std::string &name : reader.getAllRecords()) {
        if (name.size() < 3 || name.compare(name.size() - 3, 3, "pkl") != 0)
            continue;
        const auto record = reader.getRecord(name);
        const QString why =
            checkPickle(static_cast<const uchar *>(std::get<0>(record).get()), qint64(std::get<1>(record)));
        if (!why.isEmpty())
            return why;
    }
    return {};
}

c10::IValue unpickle(const QByteArray &bytes) {
    caffe2::serialize::PyTorchStreamReader reader(std::make_shared<BoundedReader>(bytes));
    const QString why = checkPickleRecords(reader);
    if (!why.isEmpty())
        throw std::runtime_error(why.toStdString());
    // What torch::pickle_load does, with the type annotations bounded.
    return torch::jit::readArchiveAndTensors("data", "", "", c10::nullopt, c10::nullopt, c10::nullopt, reader,
                                             guardedTypeParser);
}

// Reads the fields of an untrusted dict, each with its type; the first problem is kept.
class Fields {
public:
    Fields(const c10::IValue &value, const QString &where) : m_where(where) {
        if (value.isGenericDict())
            m_dict = value.toGenericDict();
        else
            fail(QStringLiteral("%1 is not a dictionary").arg(where));
    }
    const QString &error() const { return m_error; }
    bool has(const char *key) const {
        return m_dict && m_dict->find(c10::IValue(std::string(key))) != m_dict->end();
    }
    void fail(const QString &why) {
        if (m_error.isEmpty())
            m_error = why;
    }
    c10::IValue value(const char *key) {
        if (m_dict) {
            const auto it = m_dict->find(c10::IValue(std::string(key)));
            if (it != m_dict->end())
                return it->value();
        }
        fail(QStringLiteral("%1 has no \"%2\"").arg(m_where, QLatin1String(key)));
        return {};
    }
    qint64 integer(const char *key) {
        const c10::IValue v = value(key);
        if (v.isInt())
            return v.toInt();
        wrongType(key, "an integer");
        return 0;
    }
    double real(const char *key) {
        const c10::IValue v = value(key);
        if (v.isDouble())
            return v.toDouble();
        wrongType(key, "a number");
        return 0;
    }
    std::string text(const char *key) {
        const c10::IValue v = value(key);
        if (v.isString())
            return v.toStringRef();
        wrongType(key, "text");
        return {};
    }
    // An undefined tensor for None when `optional`.
    torch::Tensor tensor(const char *key, bool optional = false) {
        const c10::IValue v = value(key);
        if (v.isTensor())
            return v.toTensor();
        if (!(optional && v.isNone()))
            wrongType(key, "a tensor");
        return {};
    }

private:
    void wrongType(const char *key, const char *what) {
        if (m_error.isEmpty())
            fail(QStringLiteral("\"%1\" in %2 is not %3")
                     .arg(QLatin1String(key), m_where, QLatin1String(what)));
    }
    c10::optional<GenericDict> m_dict;
    QString m_where;
    QString m_error;
};

} // namespace

QString readCheckpointSettings(const std::string &text, TrainConfig *config) {
    QString why;
    if (!fromText(QString::fromStdString(text), config, &why))
        return QStringLiteral("its settings are unreadable (%1)").arg(why);
    const QStringList problems = validate(*config);
    if (!problems.isEmpty())
        return QStringLiteral("its settings are invalid: %1").arg(problems.join(QStringLiteral("; ")));
    return {};
}

namespace {
QString readModel(const c10::IValue &value, CheckpointState *s) {
    if (!value.isGenericDict())
        return QStringLiteral("\"model\" is not a dictionary");
    for (const auto &entry : value.toGenericDict()) {
        if (!entry.key().isString() || !entry.value().isTensor())
            return QStringLiteral("\"model\" holds an entry that is not a named tensor");
        s->model.emplace_back(entry.key().toStringRef(), entry.value().toTensor());
    }
    return {};
}

QString readParamGroup(const c10::IValue &groups, CheckpointState *s) {
    if (!groups.isList() || groups.toListRef().size() != 1)
        return QStringLiteral("the optimiser does not have exactly one parameter group");
    Fields g(groups.toListRef()[0], QStringLiteral("the optimiser's parameter group"));
    s->lr = g.real("lr");
    s->eps = g.real("eps");
    s->weightDecay = g.real("weight_decay");
    const c10::IValue betas = g.value("betas");
    const c10::IValue params = g.value("params");
    if (!g.error().isEmpty())
        return g.error();
    if (!betas.isTuple() || betas.toTupleRef().elements().size() != 2 ||
        !betas.toTupleRef().elements()[0].isDouble() || !betas.toTupleRef().elements()[1].isDouble())
        return QStringLiteral("the optimiser's betas are not two numbers");
    s->beta1 = betas.toTupleRef().elements()[0].toDouble();
    s->beta2 = betas.toTupleRef().elements()[1].toDouble();
    if (!params.isIntList())
        return QStringLiteral("the optimiser's parameter list is not a list of integers");
    const auto list = params.toIntList();
    for (size_t i = 0; i < list.size(); ++i)
        if (list.get(i) != int64_t(i))
            return QStringLiteral("the optimiser's parameter list is not 0, 1, 2, ...");
    s->parameterCount = qint64(list.size());
    return {};
}

QString readAdam(const c10::IValue &value, CheckpointState *s) {
    Fields o(value, QStringLiteral("the optimiser state"));
    const c10::IValue state = o.value("state");
    const c10::IValue groups = o.value("param_groups");
    if (!o.error().isEmpty())
        return o.error();
    const QString why = readParamGroup(groups, s);
    if (!why.isEmpty())
        return why;
    if (!state.isGenericDict())
        return QStringLiteral("the optimiser's \"state\" is not a dictionary");
    const auto slots = state.toGenericDict();
    if (slots.size() > 0)
        s->adam.resize(size_t(s->parameterCount));
    for (const auto &entry : slots) {
        if (!entry.key().isInt() || entry.key().toInt() < 0 || entry.key().toInt() >= s->parameterCount)
            return QStringLiteral("the optimiser holds state for a parameter that does not exist");
        const QString where = QStringLiteral("the optimiser state of parameter %1").arg(entry.key().toInt());
        Fields f(entry.value(), where);
        AdamSlot &slot = s->adam[size_t(entry.key().toInt())];
        slot.step = f.integer("step");
        slot.expAvg = f.tensor("exp_avg");
        slot.expAvgSq = f.tensor("exp_avg_sq");
        if (!f.error().isEmpty())
            return f.error();
    }
    return {};
}
} // namespace

namespace {
// A whole number in 0..max (a step or epoch count stored as a double).
bool isCount(double v, double max) {
    return v >= 0 && v <= max && v == std::floor(v);
}

// The history tensors as values; their order and counts are checked by checkCheckpoint().
QString readHistory(const torch::Tensor &batches, const torch::Tensor &epochs, RunHistory *h) {
    const QString bad = QStringLiteral("its loss history is not valid (%1)");
    for (const auto &[t, columns] : {std::pair(batches, 2), std::pair(epochs, 5)})
        if (!t.defined() || t.scalar_type() != torch::kFloat64 || t.dim() != 2 || t.size(1) != columns)
            return bad.arg(QStringLiteral("not a float64 table of %1 columns").arg(columns));
    constexpr double kMaxCount = 9007199254740992.0; // 2^53
    const torch::Tensor batchRows = batches.contiguous(), epochRows = epochs.contiguous();
    const auto b = batchRows.accessor<double, 2>();
    for (int64_t i = 0; i < batches.size(0); ++i) {
        if (!isCount(b[i][0], kMaxCount))
            return bad.arg(QStringLiteral("a step is not a whole number"));
        h->batches.push_back({qint64(b[i][0]), b[i][1]});
    }
    const auto e = epochRows.accessor<double, 2>();
    for (int64_t i = 0; i < epochs.size(0); ++i) {
        if (!isCount(e[i][0], limits::kMaxEpochs) || !isCount(e[i][1], kMaxCount))
            return bad.arg(QStringLiteral("an epoch or step is not a whole number"));
        h->epochs.push_back({int(e[i][0]), qint64(e[i][1]), e[i][2], e[i][3], e[i][4]});
    }
    return {};
}
} // namespace

QString decodeCheckpoint(const QByteArray &bytes, CheckpointState *s) {
    QString why = verifySeal(bytes);
    if (!why.isEmpty())
        return why;
    Fields f(unpickle(bytes), QStringLiteral("the file"));
    if (f.text("format") != kCheckpointFormat || !f.error().isEmpty())
        return QStringLiteral("it is not a PosEnc Studio checkpoint");
    why = readCheckpointSettings(f.text("config"), &s->config);
    if (!why.isEmpty())
        return why;
    s->epochsDone = f.integer("epochs_done");
    s->steps = f.integer("steps");
    s->nextBatch = f.integer("next_batch");
    s->lastTrainLoss = f.real("last_train_loss");
    s->lastValLoss = f.real("last_val_loss");
    s->epochLossSum = f.real("epoch_loss_sum");
    s->startLoss = f.real("start_loss");
    s->shuffleRng = f.tensor("shuffle_rng");
    s->order = f.tensor("epoch_order", true);
    const c10::IValue model = f.value("model");
    const c10::IValue adam = f.value("optimizer");
    // Files written before the history was kept have neither key: an empty history.
    const bool hasHistory = f.has("batch_losses") || f.has("epoch_stats");
    const torch::Tensor batches = hasHistory ? f.tensor("batch_losses") : torch::Tensor();
    const torch::Tensor epochs = hasHistory ? f.tensor("epoch_stats") : torch::Tensor();
    if (!f.error().isEmpty())
        return f.error();
    why = hasHistory ? readHistory(batches, epochs, &s->history) : QString();
    if (why.isEmpty())
        why = readModel(model, s);
    return why.isEmpty() ? readAdam(adam, s) : why;
}

QString checkLegacyCode(const QByteArray &bytes) {
    caffe2::serialize::PyTorchStreamReader reader(std::make_shared<BoundedReader>(bytes));
    const QString why = checkPickleRecords(reader);
    if (!why.isEmpty())
        return why;
    for (const std::string &name : reader.getAllRecords()) {
        if (name.find("code/") == std::string::npos)
            continue;
        const auto record = reader.getRecord(name);
        const qint64 size = qint64(std::get<1>(record));
        if (size > kMaxCodeRecord ||
            nestingDepth(static_cast<const char *>(std::get<0>(record).get()), size) > kMaxNesting)
            return QStringLiteral("its embedded code is too large or too deeply nested to be a checkpoint");
    }
    return {};
}

namespace {
bool allFinite(const torch::Tensor &t) {
    return t.numel() == 0 || torch::isfinite(t).all().item<bool>();
}

// A float tensor of exactly `shape` with finite values; empty string or the reason.
QString checkFloatTensor(const torch::Tensor &t, c10::IntArrayRef shape, const QString &what) {
    if (!t.defined() || t.scalar_type() != torch::kFloat32)
        return QStringLiteral("%1 is not a float tensor").arg(what);
    if (t.sizes() != shape)
        return QStringLiteral("%1 has shape %2, but its settings need %3")
            .arg(what, shapeText(t.sizes()), shapeText(shape));
    if (!allFinite(t))
        return QStringLiteral("%1 holds values that are not finite").arg(what);
    return {};
}

QString checkModel(const CheckpointState &s, const std::vector<TensorSpec> &layout,
                   const torch::Tensor &fixedTable) {
    if (s.model.size() != layout.size())
        return QStringLiteral("its model has %1 tensors, but its settings need %2")
            .arg(s.model.size())
            .arg(layout.size());
    qint64 parameters = 0;
    for (size_t i = 0; i < layout.size(); ++i) {
        const TensorSpec &spec = layout[i];
        const auto &entry = s.model[i];
        if (entry.first != spec.name)
            return QStringLiteral("its model tensor %1 is \"%2\", but its settings need \"%3\"")
                .arg(i)
                .arg(printableReason(QString::fromStdString(entry.first)), QString::fromStdString(spec.name));
        const QString why =
            checkFloatTensor(entry.second, spec.shape,
                             QStringLiteral("the tensor \"%1\"").arg(QString::fromStdString(spec.name)));
        if (!why.isEmpty())
            return why;
        parameters += spec.isParameter ? 1 : 0;
        // A fixed table is recomputed from the settings; a saved one that differs contradicts them.
        if (!spec.isParameter && fixedTable.defined() && spec.name == "positional_encoding.pe" &&
            (entry.second - fixedTable).abs().max().item<double>() > 1e-5)
            return QStringLiteral("its positional-encoding table does not match its settings");
    }
    if (s.parameterCount != parameters)
        return QStringLiteral("its optimiser lists %1 parameters, but the model has %2")
            .arg(s.parameterCount)
            .arg(parameters);
    return {};
}

QString checkAdam(const CheckpointState &s, const std::vector<TensorSpec> &layout) {
    if (s.lr != s.config.lr || s.beta1 != 0.9 || s.beta2 != 0.999 || s.eps != 1e-8 || s.weightDecay != 0)
        return QStringLiteral("its optimiser settings contradict its settings");
    if (s.adam.empty() != (s.steps == 0))
        return QStringLiteral("its optimiser state does not match its %1 steps").arg(s.steps);
    for (size_t i = 0; i < s.adam.size(); ++i) {
        const AdamSlot &slot = s.adam[i];
        const QString what =
            QStringLiteral("the optimiser state of \"%1\"").arg(QString::fromStdString(layout[i].name));
        if (!slot.expAvg.defined())
            return QStringLiteral("%1 is missing").arg(what);
        if (slot.step != s.steps)
            return QStringLiteral("%1 counts %2 steps, but the run has done %3")
                .arg(what)
                .arg(slot.step)
                .arg(s.steps);
        QString why = checkFloatTensor(slot.expAvg, layout[i].shape, what);
        if (why.isEmpty())
            why = checkFloatTensor(slot.expAvgSq, layout[i].shape, what);
        if (why.isEmpty() && (slot.expAvgSq < 0).any().item<bool>())
            why = QStringLiteral("%1 has a negative second moment").arg(what);
        if (!why.isEmpty())
            return why;
    }
    return {};
}

QString checkCounters(const CheckpointState &s) {
    const TrainConfig &c = s.config;
    const qint64 batches = (qint64(c.numSamples) + c.batchSize - 1) / c.batchSize;
    if (s.epochsDone < 0 || s.epochsDone > c.epochs || s.nextBatch < 0 || s.nextBatch >= batches ||
        (s.nextBatch > 0 && s.epochsDone == c.epochs))
        return QStringLiteral("its epoch position is out of range (epoch %1 of %2, batch %3 of %4)")
            .arg(s.epochsDone)
            .arg(c.epochs)
            .arg(s.nextBatch)
            .arg(batches);
    if (s.steps != s.epochsDone * batches + s.nextBatch)
        return QStringLiteral("its step count %1 does not match %2 epochs and %3 batches")
            .arg(s.steps)
            .arg(s.epochsDone)
            .arg(s.nextBatch);
    const bool trained = s.epochsDone > 0;
    if (trained != std::isfinite(s.lastTrainLoss) || (trained && s.lastTrainLoss < 0) ||
        (!trained && !std::isnan(s.lastValLoss)) || s.lastValLoss < 0)
        return QStringLiteral("its last losses are not valid");
    if (!std::isfinite(s.epochLossSum) || s.epochLossSum < 0 || (s.nextBatch == 0 && s.epochLossSum != 0))
        return QStringLiteral("its loss sum for the current epoch is not valid");
    if (!std::isnan(s.startLoss) && (!std::isfinite(s.startLoss) || s.startLoss < 0 || s.steps == 0))
        return QStringLiteral("its first loss is not valid");
    return {};
}

// The history is the run's last batches and epochs without a gap, ending where the run is (a run
// continued from a file without history has only the part since then).
QString checkHistory(const CheckpointState &s) {
    const QVector<BatchLoss> &batches = s.history.batches;
    const QVector<EpochStats> &epochs = s.history.epochs;
    const qint64 perEpoch = (qint64(s.config.numSamples) + s.config.batchSize - 1) / s.config.batchSize;
    if (batches.size() > s.steps || epochs.size() > s.epochsDone)
        return QStringLiteral("its loss history has %1 batches and %2 epochs, but the run has done %3 and %4")
            .arg(batches.size())
            .arg(epochs.size())
            .arg(s.steps)
            .arg(s.epochsDone);
    for (qsizetype i = 0; i < batches.size(); ++i) {
        if (batches[i].step != s.steps - batches.size() + 1 + i)
            return QStringLiteral("its loss history's steps are not consecutive up to step %1").arg(s.steps);
        if (!std::isfinite(batches[i].loss) || batches[i].loss < 0)
            return QStringLiteral("its loss history holds an invalid loss at step %1").arg(batches[i].step);
    }
    for (qsizetype i = 0; i < epochs.size(); ++i) {
        const EpochStats &e = epochs[i];
        if (e.epoch != s.epochsDone - epochs.size() + 1 + i || e.step != e.epoch * perEpoch)
            return QStringLiteral("its loss history's epochs are not consecutive up to epoch %1")
                .arg(s.epochsDone);
        if (!std::isfinite(e.trainLoss) || e.trainLoss < 0 || e.valLoss < 0 ||
            !std::isfinite(e.samplesPerSec) || e.samplesPerSec < 0)
            return QStringLiteral("its loss history holds invalid statistics for epoch %1").arg(e.epoch);
    }
    if (!epochs.isEmpty() && epochs.last().trainLoss != s.lastTrainLoss)
        return QStringLiteral("its loss history's last epoch contradicts its last losses");
    return {};
}

QString checkOrder(const CheckpointState &s, int64_t rngStateSize) {
    const auto &rng = s.shuffleRng;
    if (!rng.defined() || rng.scalar_type() != torch::kByte || rng.dim() != 1 || rng.numel() != rngStateSize)
        return QStringLiteral("its shuffle generator state is not valid");
    if (!s.order.defined())
        return s.nextBatch > 0 ? QStringLiteral("it stopped mid-epoch but has no sample order") : QString();
    const int64_t n = s.config.numSamples;
    if (s.order.scalar_type() != torch::kLong || s.order.dim() != 1 || s.order.numel() != n ||
        !std::get<0>(s.order.sort()).equal(torch::arange(n, torch::kLong)))
        return QStringLiteral("its sample order is not a permutation of the %1 samples").arg(n);
    return {};
}
} // namespace

QString checkCheckpoint(const CheckpointState &s, const std::vector<TensorSpec> &layout,
                        const torch::Tensor &fixedTable, int64_t rngStateSize) {
    QString why = checkCounters(s);
    if (why.isEmpty())
        why = checkHistory(s);
    if (why.isEmpty())
        why = checkOrder(s, rngStateSize);
    if (why.isEmpty())
        why = checkModel(s, layout, fixedTable);
    if (why.isEmpty())
        why = checkAdam(s, layout);
    return why;
}

QString printableReason(const QString &text) {
    constexpr int kMaxChars = 300;
    if (text.contains(QLatin1String("INTERNAL ASSERT FAILED")))
        return QStringLiteral("LibTorch could not read its contents");
    QString out;
    for (const QChar c : text) {
        if (out.size() >= kMaxChars) {
            out += QStringLiteral("...");
            break;
        }
        if (c.isPrint() || c == QLatin1Char(' '))
            out += c;
        else
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
    }
    return out;
}

} // namespace posenc::core
