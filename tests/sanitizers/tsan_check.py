#!/usr/bin/env python3
"""Reads the ThreadSanitizer logs of a scripts/sanitize run and fails on the project's own races.

Usage: tsan_check.py <source root> <log folder>

Debian's Qt, LibTorch, OpenBLAS and libgomp are not built with TSan: their mutexes, futexes and
atomics are invisible to it, so data handed across threads through them (a queued signal's
arguments, a QtConcurrent result) can look unsynchronised. A report fails the run only when both of
its accesses are made by project code, that is when the first frame of each access stack outside
system headers and the sanitizer runtime is a file under the source root. Any other report
(a lock-order inversion, a race with one side in a library) fails when its summary line points
into project code. Everything else is listed by library and does not fail.
"""

import collections
import os
import re
import sys

ACCESS = re.compile(r"^  (Previous )?(atomic )?(write|read)\b.* by ", re.IGNORECASE)
FRAME = re.compile(r"^\s+#\d+ (.*) \((\S+?)\+0x[0-9a-f]+\)$")
SYSTEM = ("/usr/include/", "/usr/lib/gcc/", "../../../../src/libsanitizer/")


def frame(match):
    """(source file or None, module) of a stack frame line."""
    location = match.group(1).rsplit(" ", 1)[-1]
    path = re.sub(r"(:\d+)+$", "", location) if "/" in location else None
    return path, match.group(2)


def author(frames, root):
    """The file (or library) that made an access: its first frame that is not inline library code."""
    for path, module in frames:
        if path and (path.startswith(SYSTEM) or "libsanitizer" in path):
            continue
        if path and path.startswith(root + "/"):
            return path
        return module
    return frames[0][1] if frames else "?"


def parse(text):
    """Yields (kind, summary, [access stacks]) for each report in a log."""
    for block in text.split("==================\n"):
        head = re.search(r"WARNING: ThreadSanitizer: (.+?) \(pid=", block)
        if not head:
            continue
        summary = re.search(r"SUMMARY: ThreadSanitizer: (.*)", block)
        stacks, current = [], None
        for line in block.splitlines():
            if ACCESS.match(line):
                current = []
                stacks.append(current)
            elif current is not None and FRAME.match(line):
                current.append(frame(FRAME.match(line)))
            elif not line.strip():
                current = None
        yield head.group(1), summary.group(1) if summary else "", stacks


def main(root, logs):
    root = os.path.realpath(root)
    failing, others = [], collections.Counter()
    for name in sorted(os.listdir(logs)):
        with open(os.path.join(logs, name), errors="replace") as f:
            text = f.read()
        for kind, summary, stacks in parse(text):
            authors = [author(s, root) for s in stacks]
            if kind == "data race" and len(authors) >= 2:
                own = all(a.startswith(root + "/") for a in authors[:2])
            else:
                own = (root + "/") in summary
            if own:
                failing.append((name, kind, summary, authors))
            else:
                others[(kind, " / ".join(os.path.basename(a) for a in authors) or summary)] += 1
    for (kind, where), count in others.most_common():
        print(f"tsan: {count} x {kind} in uninstrumented code ({where}): not the project's")
    for name, kind, summary, authors in failing:
        print(f"tsan: PROJECT {kind}: {summary}\n      accesses by {authors} (log {logs}/{name})")
    print(f"tsan: {len(failing)} project report(s), {sum(others.values())} library report(s)")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
