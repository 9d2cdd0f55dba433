#pragma once
// Computes PE tables on a thread of its own so that the window never waits for one: the latest
// request wins, and a buffer the views no longer hold is written again instead of mapping new
// memory. Qt Core only (no LibTorch in this header).

#include "encoding/pe_table.h"
#include "settings/config.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace posenc::core {

class PeTableComputer : public QObject {
    Q_OBJECT
public:
    explicit PeTableComputer(QObject *parent = nullptr);
    // Lets a table being computed finish, drops it, and joins the thread.
    ~PeTableComputer() override;

    // Asks for the table of `encoding` (a learned one seeded with `seed`) once `delayMs` pass
    // without another request: a newer request replaces one that has not started, so typing
    // 5, 51, 512 computes 512 only. A table already being computed is still delivered (a slider
    // drag keeps showing values), then the latest request is computed. Call it (and cancel())
    // from the thread that owns the computer.
    void request(const EncodingConfig &encoding, quint64 seed = 0, int delayMs = 0);
    // Forgets every request so far: nothing asked for before is delivered.
    void cancel();
    // True from a request until its table is delivered (or cancelled).
    bool isBusy() const;
    // Tables computed since construction (delivered or not).
    int computedCount() const { return m_computed.load(); }

Q_SIGNALS:
    // A requested table, in the thread that made the request.
    void ready(const core::PeTable &table, const core::EncodingConfig &encoding, quint64 seed);

private:
    struct Job {
        EncodingConfig encoding;
        quint64 seed = 0;
        quint64 id = 0;
    };
    // Hands the latest request to the thread (the delay timer's timeout).
    void dispatch();
    // The thread's loop: waits for a job, computes it, posts the result back.
    void run();
    void deliver(const PeTable &table, const Job &job);

    QTimer m_delay;
    Job m_latest;                // owner thread: the newest request
    quint64 m_cancelledUpTo = 0; // owner thread: results of jobs up to this id are dropped
    quint64 m_deliveredId = 0;   // owner thread
    // A plain std::thread (run() needs no event loop): its join is one ThreadSanitizer sees, so
    // freeing this object after it is ordered after the thread's last access (QThread::wait is not).
    std::thread m_thread;
    // std:: rather than QMutex/QWaitCondition: pthread-based, so ThreadSanitizer sees the hand-off
    // (Debian's Qt is not built with TSan; its wait releases and retakes a QMutex out of its sight).
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::optional<Job> m_next; // guarded by m_mutex: the job the thread takes next
    bool m_quit = false;       // guarded by m_mutex
    std::atomic<int> m_computed{0};
};

} // namespace posenc::core
