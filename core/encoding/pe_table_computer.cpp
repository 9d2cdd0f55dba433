#include "encoding/pe_table_computer.h"
#include "encoding/compute_table.h"

#include <pthread.h>

#include <algorithm>

namespace posenc::core {

namespace {
// Finished tables kept for their memory: the one shown, the one being delivered, and one the views
// have just let go of, which the next table of the same size or smaller overwrites. Tables the
// window still holds are kept beyond this, so that the window never frees one.
constexpr int kSpares = 3;
// New buffers get this much room to grow (1/4), so a drag towards bigger tables reuses them too.
constexpr int kHeadroomDivisor = 4;

qsizetype cellCount(const EncodingConfig &encoding) {
    return qsizetype(encoding.maxLen) * encoding.dModel;
}

// The table for `encoding`, written into a spare nobody else holds when one is big enough.
PeTable computeRecycled(const EncodingConfig &encoding, quint64 seed, QVector<PeTable> *spares) {
    const qsizetype needed = cellCount(encoding);
    PeTable *reuse = nullptr;
    for (PeTable &spare : *spares) {
        if (spare.values.isDetached() && spare.values.capacity() >= needed &&
            (!reuse || spare.values.capacity() < reuse->values.capacity()))
            reuse = &spare;
    }
    PeTable fresh;
    if (!reuse && isSinusoidal(encoding.kind)) {
        fresh.values.reserve(needed + needed / kHeadroomDivisor);
        reuse = &fresh;
    }
    PeTable table = computePeTable(encoding, seed, reuse);
    spares->prepend(table);
    // Let go only of spares nobody else holds, so a big table's memory is unmapped here and never
    // on the GUI thread: the emptied one, those far too big for this size, the oldest past kSpares.
    int kept = 0;
    for (auto it = spares->begin(); it != spares->end();) {
        const bool free = it->values.isDetached();
        if (it->values.isEmpty() ||
            (free && (it->values.capacity() > 4 * needed + (1 << 20) || kept >= kSpares))) {
            it = spares->erase(it);
        } else {
            ++kept;
            ++it;
        }
    }
    return table;
}
} // namespace

PeTableComputer::PeTableComputer(QObject *parent) : QObject(parent) {
    m_delay.setSingleShot(true);
    connect(&m_delay, &QTimer::timeout, this, &PeTableComputer::dispatch);
    m_thread = std::thread([this] {
        pthread_setname_np(pthread_self(), "PE tables");
        run();
    });
}

PeTableComputer::~PeTableComputer() {
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_quit = true;
        m_next.reset();
    }
    m_wake.notify_one();
    m_thread.join();
}

void PeTableComputer::request(const EncodingConfig &encoding, quint64 seed, int delayMs) {
    m_latest = Job{encoding, seed, m_latest.id + 1};
    m_delay.start(std::max(0, delayMs));
}

void PeTableComputer::cancel() {
    m_delay.stop();
    m_cancelledUpTo = m_latest.id;
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_next.reset();
}

bool PeTableComputer::isBusy() const {
    return m_latest.id > std::max(m_deliveredId, m_cancelledUpTo);
}

void PeTableComputer::dispatch() {
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_next = m_latest; // replaces a job the thread has not taken yet
    }
    m_wake.notify_one();
}

void PeTableComputer::run() {
    QVector<PeTable> spares; // this thread's only
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_quit || m_next; });
            if (m_quit)
                return;
            job = *m_next;
            m_next.reset();
        }
        const PeTable table = computeRecycled(job.encoding, job.seed, &spares);
        ++m_computed;
        // Queued to the owner's thread; dropped with the owner if it is gone by then.
        QMetaObject::invokeMethod(
            this, [this, table, job] { deliver(table, job); }, Qt::QueuedConnection);
    }
}

void PeTableComputer::deliver(const PeTable &table, const Job &job) {
    if (job.id <= m_cancelledUpTo || job.id <= m_deliveredId)
        return;
    m_deliveredId = job.id;
    Q_EMIT ready(table, job.encoding, job.seed);
}

} // namespace posenc::core
