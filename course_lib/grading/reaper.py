"""Run one command so that nothing it starts outlives it: ``python -m course_lib.grading.reaper SECONDS -- CMD``.

The grader runs each submission's nbval run through this small process:

1. it makes itself a *child subreaper* (Linux ``prctl(PR_SET_CHILD_SUBREAPER)``): every process
   of the run that loses its parent (a double fork, a child in a new session, the kernel after
   pytest was killed) is re-parented to it instead of to ``init``, so none can hide;
2. it starts the command in a new session, with no file allowed beyond ``MAX_FILE_BYTES``
   (default :data:`MAX_FILE_BYTES`; a process writing more gets ``SIGXFSZ``), and waits at
   most ``SECONDS``;
3. it then freezes (``SIGSTOP``) every process still below it, until no new one appears (a
   frozen process cannot fork), kills them all (``SIGKILL``) and reaps them.

Its exit status is structured: the command's own exit code, ``128 + n`` when the command was
killed by signal ``n``, or :data:`DEADLINE` when the command ran out of time.
Elsewhere than Linux, only the command's process group is killed.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time

DEADLINE = 124  # the exit status when the command ran out of time (pytest itself uses 0-5)
MAX_FILE_BYTES = 100_000_000  # no file the run writes (its output log included) grows beyond this
PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Adopt every orphaned descendant (Linux); ``False`` where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _parents() -> dict:
    """``{pid: parent pid}`` of every process visible in /proc."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()  # the command name may hold spaces and ')'
            found[int(name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    return found


def descendants(root: int) -> set:
    """Every process below ``root``, from /proc."""
    children = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _signal_all(pids, signum) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
        except (ProcessLookupError, PermissionError):
            pass


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_everything_below(me: int, rounds: int = 200) -> None:
    """Freeze, then kill and reap, every descendant of ``me`` (repeating while new ones appear)."""
    for _ in range(rounds):
        frozen = set()
        while True:  # freeze until the tree stops changing: stopped processes cannot fork
            below = descendants(me)
            if below <= frozen:
                break
            _signal_all(below - frozen, signal.SIGSTOP)
            frozen |= below
        if not frozen:
            _reap()
            return
        _signal_all(frozen, signal.SIGKILL)
        time.sleep(0.02)
        _reap()


def limit_file_size(max_bytes: int) -> None:
    """Cap the size of every file this process and its children write (``RLIMIT_FSIZE``)."""
    try:
        import resource
    except ImportError:  # not on this system
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    cap = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
    resource.setrlimit(resource.RLIMIT_FSIZE, (cap, hard))


def run(seconds: float, command: list, max_file_bytes: int = MAX_FILE_BYTES) -> int:
    """Run ``command`` for at most ``seconds``, writing no file beyond ``max_file_bytes``; kill
    everything it left; return its structured status."""
    subreaper = become_subreaper()
    limit_file_size(max_file_bytes)
    child = subprocess.Popen(command, start_new_session=True)
    try:
        status = child.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        status = None
    try:
        os.killpg(child.pid, signal.SIGKILL)  # the command's own group, everywhere
    except (ProcessLookupError, PermissionError):
        pass
    if subreaper:
        kill_everything_below(os.getpid())
    child.wait()
    if status is None:
        return DEADLINE
    return 128 - status if status < 0 else status


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    separator = argv.index("--") if "--" in argv else -1
    if separator not in (1, 2) or len(argv) <= separator + 1:
        print("usage: python -m course_lib.grading.reaper SECONDS [MAX_FILE_BYTES] -- COMMAND [ARGS...]",
              file=sys.stderr)
        return 2
    max_bytes = int(argv[1]) if separator == 2 else MAX_FILE_BYTES
    return run(float(argv[0]), argv[separator + 1:], max_bytes)


if __name__ == "__main__":
    sys.exit(main())
