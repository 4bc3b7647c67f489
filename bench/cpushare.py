"""Who used the machine's cores during a measurement, from /proc (Linux only).

A throughput figure on a 2-core machine means little without knowing what else ran: the
load generator, the database's backends, other jobs. CpuShare samples every process's
CPU time (utime + stime in /proc/PID/stat) at two moments inside a measured run and sums
the difference per group: the server's process tree, PostgreSQL (its shared processes and
the backends serving the benchmark's database; backends of other databases are other
jobs'), wrk, everything else, and the idle time in /proc/stat. Shares are in percent of
one core: 200% is all of two.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class _Process:
    parent: int
    command: str
    ticks: int


def _processes() -> dict[int, _Process]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:  # it ended between the listing and the read
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at
        # the last ")". utime and stime are fields 14 and 15 (1-based) of the whole line.
        command = raw[raw.index("(") + 1 : raw.rindex(")")]
        rest = raw[raw.rindex(")") + 2 :].split()
        found[int(entry.name)] = _Process(int(rest[1]), command, int(rest[11]) + int(rest[12]))
    return found


def _machine_ticks() -> tuple[int, int]:
    """(idle, total) ticks of all cores since boot: idle counts iowait, total counts steal."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return fields[3] + fields[4], sum(fields)


def _descendants(root: int, processes: dict[int, _Process]) -> set[int]:
    tree = {root}
    grew = True
    while grew:
        more = {pid for pid, p in processes.items() if p.parent in tree} - tree
        tree |= more
        grew = bool(more)
    return tree


@dataclass
class CpuShare:
    """Call `sample(seconds)` from a thread beside a run of `seconds`; then `shares`."""

    server_pid: int
    database: str | None = None  # the benchmark's PostgreSQL database, by name
    shares: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sample(self, seconds: int) -> None:
        # A window inside the run: wrk's connections are up, and wrk has not exited yet.
        margin = min(1.0, seconds / 4)
        time.sleep(margin)
        before, machine_before, began = _processes(), _machine_ticks(), time.monotonic()
        time.sleep(max(seconds - 2 * margin, 0.5))
        after, machine_after, wall = _processes(), _machine_ticks(), time.monotonic() - began
        server = _descendants(self.server_pid, after)
        used: dict[str, int] = defaultdict(int)
        for pid, process in after.items():
            earlier = before.get(pid)
            # A process started inside the window counts from zero.
            spent = process.ticks - (earlier.ticks if earlier else 0)
            if pid in server:
                used["rooms"] += spent
            elif process.command == "wrk":
                used["wrk"] += spent
            elif process.command == "postgres" and self._ours(pid):
                used["postgres"] += spent
        # "Other" is what the machine was busy with besides these: processes that started
        # and ended inside the window (other jobs' tests) show in /proc/stat, not in /proc.
        idle = machine_after[0] - machine_before[0]
        busy = machine_after[1] - machine_before[1] - idle
        used["other"] = max(busy - sum(used.values()), 0)
        used["idle"] = idle
        with self._lock:
            self.shares = {
                name: 100 * ticks / _TICKS / wall
                for name, ticks in sorted(used.items(), key=lambda kv: -kv[1])
            }

    def _ours(self, pid: int) -> bool:
        """A backend's title is "postgres: [CLUSTER:] USER DATABASE HOST(PORT) STATE"; the
        shared processes' ("postgres: 15/main: walwriter") name no client, and count as ours."""
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return False
        words = title.replace("\0", " ").split()
        client = [i for i, word in enumerate(words) if word.endswith(")") or word == "[local]"]
        return self.database is None or not client or words[client[0] - 1] == self.database

    def summary(self) -> str:
        with self._lock:
            return " ".join(f"{name} {share:.0f}%" for name, share in self.shares.items())


def connections_per_worker(server_pid: int, port: int) -> list[int]:
    """Established connections to `port` held by each process of the server, most first.

    uvicorn's workers accept from one shared socket, and a keep-alive connection stays with
    the worker that accepted it: how wrk's connections fell is part of any figure.
    """
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            # local_address is HEXIP:HEXPORT; state 01 is ESTABLISHED; field 9 the inode.
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes.add(f"socket:[{fields[9]}]")
    counts = []
    for pid in _descendants(server_pid, _processes()):
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue
        held = sum(1 for link in links if link in inodes)
        if held:
            counts.append(held)
    return sorted(counts, reverse=True)
