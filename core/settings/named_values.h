#pragma once
// Tables that name the values of an enum ("lstm", "done", ...) and the lookups over them, shared by
// the settings (config.cpp) and the run statuses (run_record.cpp). Qt Core only.

#include <QString>
#include <QStringList>

#include <cstddef>

namespace posenc::core {

template <typename E> struct Named {
    E value;
    const char *name;
};

// The name of `value` in `table` (the first entry's name for a value the table lacks).
template <typename E, size_t N> QString nameOf(const Named<E> (&table)[N], E value) {
    for (const auto &n : table)
        if (n.value == value)
            return QString::fromLatin1(n.name);
    return QString::fromLatin1(table[0].name);
}

// The value named `name`, ignoring case and surrounding spaces (what a user types); false when none is.
template <typename E, size_t N> bool parseName(const Named<E> (&table)[N], const QString &name, E *value) {
    for (const auto &n : table) {
        if (name.trimmed().compare(QLatin1String(n.name), Qt::CaseInsensitive) == 0) {
            *value = n.value;
            return true;
        }
    }
    return false;
}

// The value named exactly `name` (what a file this program wrote holds); false when none is.
template <typename E, size_t N>
bool parseExactName(const Named<E> (&table)[N], const QString &name, E *value) {
    for (const auto &n : table) {
        if (name == QLatin1String(n.name)) {
            *value = n.value;
            return true;
        }
    }
    return false;
}

// Every name in `table`, in its order.
template <typename E, size_t N> QStringList namesOf(const Named<E> (&table)[N]) {
    QStringList names;
    for (const auto &n : table)
        names << QString::fromLatin1(n.name);
    return names;
}

} // namespace posenc::core
