"""Run untrusted answers in a bubblewrap sandbox (Debian's ``bubblewrap``, the sandbox behind Flatpak).

The sandbox sees a read-only ``/usr``, the Python installation (its ``site-packages`` hidden), numpy, the
runner script and a small private ``/tmp``: nothing of the course checkout, ``solutions/``, templates,
reports or other submissions. It has no network, its own PID, IPC and UTS namespaces, an unprivileged uid
and no capabilities, and hard resource limits (memory, CPU, processes, file size, open files). The
request arrives on stdin from a file and the results go to a file (never a pipe); the trusted side reads
at most :data:`MAX_OUTPUT` bytes of them. A wall-clock deadline kills bubblewrap, and with it the
sandbox's PID namespace: no process of the answers survives (``--die-with-parent``, ``--unshare-pid``).

As root, bubblewrap runs without a user namespace and the runner drops to a dedicated uid
(``setpriv``), so that ``RLIMIT_NPROC`` applies; as an ordinary user, it uses an unprivileged user
namespace. Where neither works, :func:`check_available` raises :class:`SandboxUnavailable`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

RUNNER = Path(__file__).with_name("sandbox_runner.py")
MAX_OUTPUT = 32 * 2**20  # bytes of results read back (and the sandbox's file-size limit)
LIMITS = {"memory": 1536 * 2**20, "processes": 32, "file_size": MAX_OUTPUT, "open_files": 64}
SCRATCH_BYTES = 16 * 2**20  # size of the private /tmp
FIRST_UID = 61000  # one uid per concurrent sandbox (as root): 61000, 61001, ...


class SandboxUnavailable(ValueError):
    """Marks that count need the sandbox; the message says what is missing and how to install it."""


@dataclass
class Outcome:
    events: list  # decoded JSON lines, in order
    returncode: int | None  # None when the deadline killed it
    timed_out: bool
    seconds: float


class _UidPool:
    """Distinct uids for concurrent sandboxes, so that one sandbox's processes never count against another's."""

    def __init__(self):
        self._lock, self._free = threading.Lock(), list(range(FIRST_UID + 63, FIRST_UID - 1, -1))

    def take(self) -> int:
        with self._lock:
            return self._free.pop()

    def give(self, uid: int) -> None:
        with self._lock:
            self._free.append(uid)


_UIDS = _UidPool()


def _python_binds() -> tuple[list, str, dict]:
    """bwrap arguments that make this interpreter and numpy visible (read-only), its path inside, and env."""
    import numpy

    executable = Path(sys.executable).resolve()
    prefix = Path(sys.base_prefix).resolve()
    args, env = [], {}
    if executable.is_relative_to("/usr"):
        inside = str(executable)
    elif executable.is_relative_to(prefix):
        args += ["--ro-bind", str(prefix), "/opt/python"]
        inside = str(Path("/opt/python") / executable.relative_to(prefix))
        env["LD_LIBRARY_PATH"] = "/opt/python/lib"
        purelib = Path(sysconfig.get_paths(vars={"base": str(prefix)})["purelib"])
        if purelib.is_dir() and purelib.is_relative_to(prefix):
            args += ["--tmpfs", str(Path("/opt/python") / purelib.relative_to(prefix))]
    else:
        raise SandboxUnavailable(f"cannot place the interpreter {executable} in the sandbox (not under {prefix})")
    package = Path(numpy.__file__).resolve().parent
    for folder in (package, package.with_name("numpy.libs")):
        if folder.is_dir():
            args += ["--ro-bind", str(folder), f"/opt/packages/{folder.name}"]
    return args, inside, env


def command(uid: int | None) -> list:
    """The bwrap command line (``uid``: the uid to drop to, as root; None for a user namespace)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("marks mode needs bubblewrap, and `bwrap` is not on PATH: install it with "
                                 "`apt-get install bubblewrap` (Debian/Ubuntu), then grade again")
    python_args, python, env = _python_binds()
    args = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
    args += [] if uid is not None else ["--unshare-user", "--uid", "65534", "--gid", "65534"]
    args += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        if Path("/", name).is_symlink():
            args += ["--symlink", os.readlink(Path("/", name)), f"/{name}"]
        elif Path("/", name).is_dir():
            args += ["--ro-bind", f"/{name}", f"/{name}"]
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", "/tmp",
             "--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", "/opt/packages"]
    args += python_args + ["--ro-bind", str(RUNNER), "/opt/runner.py", "--chdir", "/tmp", "--clearenv"]
    env |= {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHONPATH": "/opt/packages", "PYTHONHASHSEED": "0",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "LANG": "C.UTF-8"}
    for key, value in env.items():
        args += ["--setenv", key, value]
    if uid is not None:  # root: keep only what setpriv needs, then drop to an ordinary uid with no capabilities
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", "/usr/bin/setpriv",
                 f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                 "--no-new-privs"]
    else:
        args += ["--"]
    # -S: no site-packages; PYTHONPATH (numpy only) is read because -E is not given, -s skips the user site
    return args + [python, "-s", "-S", "-B", "/opt/runner.py"]


def run(request: dict, deadline: float) -> Outcome:
    """Run the runner on ``request`` in a fresh sandbox, for at most ``deadline`` seconds of wall clock."""
    as_root = os.geteuid() == 0
    uid = _UIDS.take() if as_root else None
    start = time.perf_counter()
    try:
        request = {**request, "limits": {**LIMITS, "cpu": int(deadline) + 1}}
        with tempfile.TemporaryDirectory(prefix="marks-") as tmp:  # mode 0700: the sandbox never sees it
            request_path, output_path = Path(tmp) / "request.json", Path(tmp) / "output.jsonl"
            request_path.write_text(json.dumps(request))
            with open(request_path, "rb") as stdin, open(output_path, "wb") as stdout:
                process = subprocess.Popen(command(uid), stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL,
                                           close_fds=True, start_new_session=True)
                try:
                    returncode, timed_out = process.wait(timeout=deadline), False
                except subprocess.TimeoutExpired:
                    returncode, timed_out = None, True
                finally:
                    _kill(process)
            with open(output_path, "rb") as results:
                data = results.read(MAX_OUTPUT)
        return Outcome(_events(data), returncode, timed_out, time.perf_counter() - start)
    finally:
        if uid is not None:
            _reap(uid)
            _UIDS.give(uid)


def _processes_of(uid: int) -> list:
    """Pids of live processes (not zombies) whose real uid is ``uid``."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status") as status:
                text = status.read()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
        if fields.get("Uid", "").split()[:1] == [str(uid)] and not fields.get("State", "").startswith("Z"):
            pids.append(int(entry.name))
    return pids


def _reap(uid: int, patience: float = 5.0) -> None:
    """Wait until no process of the sandbox's uid is left (the PID namespace is being torn down; anything
    still there after that is killed), so that the uid goes back to the pool clean."""
    start = time.monotonic()
    while (pids := _processes_of(uid)) and time.monotonic() < start + 2 * patience:
        if time.monotonic() > start + patience:
            for pid in pids:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
        time.sleep(0.005)


def _kill(process: subprocess.Popen) -> None:
    """Kill bubblewrap's process group; its PID namespace (every process of the answers) dies with it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, 9)
        except ProcessLookupError:
            pass
    process.wait()


def _events(data: bytes) -> list:
    """The well-formed JSON objects among the output's lines (a truncated or forged line is dropped)."""
    events = []
    for line in data.split(b"\n"):
        try:
            event = json.loads(line)
        except (ValueError, RecursionError, MemoryError):
            continue
        if isinstance(event, dict):
            events.append(event)
    return events


_available: str | None = None


def check_available() -> None:
    """Raise :class:`SandboxUnavailable` (with what to do) unless a trivial sandbox run works here."""
    global _available
    if _available == "yes":
        return
    if sys.platform != "linux":
        raise SandboxUnavailable("marks mode needs Linux with bubblewrap; this is " + sys.platform)
    try:
        outcome = run({"cells": ["def answer(x):\n    return 6 * x"],
                       "calls": [{"id": 0, "function": "answer", "args": [7], "kwargs": {}}]}, deadline=30)
    except (OSError, subprocess.SubprocessError) as error:
        raise SandboxUnavailable(f"bubblewrap does not start here ({error})") from None
    if {"call": 0, "value": 42} not in outcome.events:
        raise SandboxUnavailable("bubblewrap is installed but a test sandbox failed (exit status "
                                 f"{outcome.returncode}); user namespaces may be disabled here. Marks mode "
                                 "refuses to grade without a sandbox; feedback mode still works")
    _available = "yes"
