"""Cluster benchmark: refreshing 1,000 feeds in one process on SQLite, and by workers on PostgreSQL.

Workers share their work through PostgreSQL and never run two tasks for one host at once; the
question is what that costs and what a second worker buys, against the embedded single-process
mode measured in the same run. Every mode refreshes the same feeds from `bench/feedsite.py` (real
corpus, fixed latency), spread over `--hosts` ports, since aggregator tells hosts apart by
`hostname:port`:

1. embedded: `python -m aggregator fetch --all --no-extract` on a fresh SQLite file;
2. one `python -m aggregator worker --queue periodic --queue feeds` on an emptied PostgreSQL
   database, timed from its start until every feed has been checked, then stopped with SIGTERM;
3. the same with two workers started together.

The schema is created before the clock starts in every mode, so migrations are not timed; the
processes' start-up (imports, syncing the feeds from the config) is. Extraction runs in no mode.

A few corpus feeds have relative item links, which resolve to the feed's own host: their
extraction tasks, left waiting in the `articles` queue these workers do not take, share the host
lock with that host's refreshes. Refreshes outrank them, so none waits behind them.

    .venv/bin/python bench/cluster.py [--database-url URL] [--feeds 1000] [--hosts 50]
        [--latency 0.05] [--gap 0] [--concurrency 16] [--repeat 1] [--json figures.json]
        [--poll-seconds 0.5] [--workers 1,2] [--logs DIR] [--timeout 600] [--stall 60]
        [--lanes N] [--feeds-per-task N] [--quick]

`--quick` is 300 feeds on 30 hosts and one worker. CPU per refresh counts the aggregator
processes (and their parser processes) and the PostgreSQL backends of the benchmark's database.

The PostgreSQL URL defaults to $AGGREGATOR_TEST_DATABASE_URL; its database is emptied (schema
`public` dropped) before each worker mode.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa

from aggregator.storage.engine import create_engine
from aggregator.storage.store import Store
from aggregator.storage.tables import feeds, items

REPO = Path(__file__).resolve().parents[1]
DATABASE_ENV = "AGGREGATOR_TEST_DATABASE_URL"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
POLL_SECONDS = 0.2
STOP_SECONDS = 60.0  # a worker gets this long to drain and exit after SIGTERM
LOG_OPTIONS = ["--log-json", "--log-level", "info"]
EMBEDDED = "embedded SQLite"


class BenchError(Exception):
    """A process failed or the run did not finish: the benchmark stops with this message."""


# --- the feed site, in its own process --------------------------------------------------


class Site:
    """bench/feedsite.py on `hosts` ports; its CPU is not counted against aggregator."""

    def __init__(self, feeds: int, hosts: int, latency: float) -> None:
        command = [sys.executable, str(Path(__file__).with_name("feedsite.py")), "--port", "0"]
        command += ["--feeds", str(feeds), "--hosts", str(hosts), "--latency", str(latency)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.base_urls = [self.process.stdout.readline().strip() for _ in range(hosts)]
        if not all(url.startswith("http://127.0.0.1:") for url in self.base_urls):
            self.process.kill()
            self.process.wait()
            sys.exit(f"feedsite did not start (exit code {self.process.returncode})")

    def stats(self) -> Counter[str]:
        with urllib.request.urlopen(f"{self.base_urls[0]}/_stats", timeout=10) as response:
            return Counter(json.load(response))

    def close(self) -> None:
        self.process.terminate()
        self.process.wait()


def served(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    return {key: after[key] - before[key] for key in ("ok", "not_modified", "not_found", "other")}


# --- CPU of process trees, from /proc ---------------------------------------------------


class ProcStat(NamedTuple):
    ppid: int
    name: str
    own_ticks: int
    """User+sys CPU of the process itself."""
    reaped_ticks: int
    """User+sys CPU of the children it has waited for."""


def process_table() -> dict[int, ProcStat]:
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                head, _, tail = f.read().rpartition(b")")
        except OSError:
            continue
        fields = [int(x) for x in tail.split()[1:15]]  # ppid .. cstime
        name = head.partition(b"(")[2].decode(errors="replace")
        table[int(entry.name)] = ProcStat(fields[0], name, sum(fields[10:12]), sum(fields[12:14]))
    return table


def family(roots: list[int], table: dict[int, ProcStat]) -> set[int]:
    """`roots` (those alive) and all their descendants."""
    members = {pid for pid in roots if pid in table}
    while children := {pid for pid, row in table.items() if row.ppid in members} - members:
        members |= children
    return members


class TreeCpu(threading.Thread):
    """User+sys CPU of some processes and all their descendants, sampled from /proc.

    The last figure seen for every process is kept, so one that has ended still counts, up to
    its last sample. getrusage(RUSAGE_CHILDREN) alone is not enough: multiprocessing's forkserver
    outlives the aggregator process that started it and is reaped by init, so neither it nor the
    parser processes it forked would be counted.
    """

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.roots: list[int] = []
        self.ticks: dict[int, int] = {}
        self.lock = threading.Lock()
        self.done = threading.Event()

    def sample(self) -> float:
        """Sample now; the seconds counted so far."""
        table = process_table()
        with self.lock:
            for pid in family(self.roots, table):
                self.ticks[pid] = table[pid].own_ticks
            return sum(self.ticks.values()) / CLOCK_TICKS

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.sample()

    def stop(self) -> float:
        self.done.set()
        self.join()
        return sum(self.ticks.values()) / CLOCK_TICKS


class DatabaseCpu(threading.Thread):
    """CPU of the PostgreSQL backends serving one database (their process title names it),
    sampled from /proc: the share of the server the workers cost, without what other databases
    on the same server (other people's tests) cost at the same time. A backend's CPU before the
    span began is left out; one that ended between two samples counts up to its last sample."""

    def __init__(self, database: str, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.marker = f" {database} ".encode()
        self.interval = interval
        self.start_ticks: dict[int, int] = {}
        self.ticks: dict[int, int] = {}
        self.done = threading.Event()
        self.ignored: set[int] = set()
        """The bench's own connections (its polling), not the workers'."""
        self.start_ticks = dict(self.backends())

    def backends(self) -> Iterator[tuple[int, int]]:
        for pid, row in process_table().items():
            if row.name != "postgres":
                continue
            with contextlib.suppress(OSError):
                title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                if self.marker in title + b" ":
                    yield pid, row.own_ticks

    def sample(self) -> float:
        for pid, ticks in self.backends():
            if pid not in self.ignored:
                self.ticks[pid] = ticks - self.start_ticks.get(pid, 0)
        return sum(self.ticks.values()) / CLOCK_TICKS

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.sample()

    def stop(self) -> float:
        self.done.set()
        self.join()
        return self.sample()


def postgresql_server_cpu_s() -> float | None:
    """CPU so far of the PostgreSQL servers on this machine (postmasters and their backends,
    ended ones included), or None when there is none to read."""
    table = process_table()
    parent_names = {pid: getattr(table.get(row.ppid), "name", "") for pid, row in table.items()}
    postmasters = [
        pid
        for pid, row in table.items()
        if row.name == "postgres" and parent_names[pid] != "postgres"
    ]
    if not postmasters:
        return None
    ticks = sum(
        table[pid].own_ticks + table[pid].reaped_ticks for pid in family(postmasters, table)
    )
    return ticks / CLOCK_TICKS


def children_cpu_s() -> float:
    """User+sys CPU of this process's children that have been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- configs and databases --------------------------------------------------------------


def write_config(path: Path, database_url: str, urls: list[str], args: argparse.Namespace) -> Path:
    lines = [
        "[settings]",
        f'database_url = "{database_url}"',
        'contact_url = "https://example.org/contact"',
        'allow_private_networks = ["127.0.0.1/32"]',
        "per_host_connections = 1",
        f"per_host_gap = {args.gap}",
        "jitter = 0.0",
        'listen = "127.0.0.1:0"',
    ]
    for i, url in enumerate(urls, start=1):
        lines += ["", "[[feeds]]", f'name = "feed-{i:04d}"', f'url = "{url}"']
    lines += [
        "",
        "[workers]",
        f"concurrency = {args.concurrency}",
        "enqueue_seconds = 1",
        f"poll_seconds = {args.poll_seconds}",
    ]
    if args.lanes is not None:
        lines.append(f"lanes = {args.lanes}")
    if args.feeds_per_task is not None:
        lines.append(f"feeds_per_task = {args.feeds_per_task}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def empty_postgresql(url: str) -> None:
    """Drop everything, then create the schema (migrations), before any clock starts."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
    Store.open(url).close()


CHECKED = sa.select(sa.func.count()).where(feeds.c.last_checked_at.is_not(None))


@dataclass
class Stored:
    """What a run left in the database."""

    checked: int = 0
    failed: int = 0
    items: int = 0
    first_check: float = 0.0
    last_check: float = 0.0
    jobs: dict[str, int] = field(default_factory=dict)


def read_stored(engine: sa.Engine) -> Stored:
    first, last = sa.func.min(feeds.c.last_checked_at), sa.func.max(feeds.c.last_checked_at)
    with engine.connect() as conn:
        start, end = conn.execute(sa.select(first, last)).one()
        stored = Stored(
            checked=conn.execute(CHECKED).scalar_one(),
            failed=conn.execute(
                sa.select(sa.func.count()).where(feeds.c.last_error.is_not(None))
            ).scalar_one(),
            items=conn.execute(sa.select(sa.func.count()).select_from(items)).scalar_one(),
            first_check=start.timestamp() if start else 0.0,
            last_check=end.timestamp() if end else 0.0,
        )
        if conn.dialect.name == "postgresql":
            rows = conn.exec_driver_sql(
                "SELECT queue_name, status, count(*) FROM procrastinate_jobs GROUP BY 1, 2"
            )
            stored.jobs = {f"{queue} {status}": n for queue, status, n in rows}
    return stored


# --- the runs -----------------------------------------------------------------------------


@dataclass
class Run:
    mode: str
    feeds: int
    wall_s: float = 0.0
    cpu_s: float = 0.0
    """User+sys of the aggregator processes and their children until every feed was checked."""
    cpu_to_exit_s: float = 0.0
    """The same until they had exited (workers: after draining on SIGTERM)."""
    database_server_cpu_s: float | None = None
    """Every PostgreSQL process on the machine: other databases' work included."""
    database_cpu_s: float | None = None
    """The backends serving the benchmark's database, the bench's own polling left out."""
    stored: Stored = field(default_factory=Stored)
    served: dict[str, int] = field(default_factory=dict)
    stop_s: float = 0.0

    @property
    def feeds_per_s(self) -> float:
        return self.feeds / self.wall_s if self.wall_s else 0.0

    @property
    def items_per_s(self) -> float:
        return self.stored.items / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_ms_per_refresh(self) -> float:
        """Aggregator processes and this database's backends, per feed refreshed."""
        return (self.cpu_s + (self.database_cpu_s or 0.0)) * 1000 / self.feeds

    @property
    def database_ms_per_refresh(self) -> float | None:
        return None if self.database_cpu_s is None else self.database_cpu_s * 1000 / self.feeds

    @property
    def steady_feeds_per_s(self) -> float:
        span = self.stored.last_check - self.stored.first_check
        return (self.stored.checked - 1) / span if span > 0 else 0.0


def aggregator_command(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "aggregator", "--config", str(config), *LOG_OPTIONS, *args]


def log_tail(log: Path, lines: int = 15) -> str:
    text = log.read_text(errors="replace").strip().splitlines()[-lines:]
    return f"--- last lines of {log}:\n" + "\n".join(text)


def run_embedded(site: Site, urls: list[str], folder: Path, args: argparse.Namespace) -> Run:
    url = f"sqlite:///{folder / 'a.db'}"
    config = write_config(folder / "embedded.toml", url, urls, args)
    Store.open(url).close()
    run = Run(EMBEDDED, len(urls))
    log = folder / "embedded.log"
    before, cpu0, sampler = site.stats(), children_cpu_s(), TreeCpu()
    started = time.perf_counter()
    with log.open("wb") as out:
        command = aggregator_command(config, "fetch", "--all", "--no-extract")
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        sampler.roots.append(process.pid)
        sampler.start()
        try:
            code = process.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            end_processes([process], sampler)
            message = f"{EMBEDDED}: not done after {args.timeout} s\n{log_tail(log)}"
            raise BenchError(message) from None
        finally:
            sampled = sampler.stop()
    run.wall_s = time.perf_counter() - started
    run.cpu_s = run.cpu_to_exit_s = max(children_cpu_s() - cpu0, sampled)
    run.served = served(before, site.stats())
    if code:
        raise BenchError(f"{EMBEDDED}: exit code {code}\n{log_tail(log)}")
    engine = create_engine(url)
    try:
        run.stored = read_stored(engine)
    finally:
        engine.dispose()
    return run


def run_workers(
    count: int, site: Site, urls: list[str], folder: Path, args: argparse.Namespace
) -> Run:
    mode = f"{count} worker{'s' if count > 1 else ''} on PostgreSQL"
    config = write_config(folder / "workers.toml", args.database_url, urls, args)
    empty_postgresql(args.database_url)
    run = Run(mode, len(urls))
    logs = [folder / f"worker-{count}-{n}.log" for n in range(1, count + 1)]
    command = aggregator_command(config, "worker", "--queue", "periodic", "--queue", "feeds")
    engine = create_engine(args.database_url)
    processes: list[subprocess.Popen[bytes]] = []
    sampler = TreeCpu()
    database = DatabaseCpu(str(engine.url.database))
    with engine.connect() as conn:  # the polling connection, kept by the pool
        database.ignored.add(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
    try:
        before, cpu0, db0 = site.stats(), children_cpu_s(), postgresql_server_cpu_s()
        database.start()
        started = time.perf_counter()
        for log in logs:
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
                )
        sampler.roots += [p.pid for p in processes]
        sampler.start()
        wait_until_checked(engine, len(urls), processes, logs, args)
        run.wall_s = time.perf_counter() - started
        run.cpu_s = sampler.sample()
        run.database_cpu_s = database.stop()
        db1 = postgresql_server_cpu_s()
        if db0 is not None and db1 is not None:
            run.database_server_cpu_s = db1 - db0
        run.served = served(before, site.stats())
        run.stored = read_stored(engine)
        run.stop_s = stop_workers(processes, logs)
    finally:
        if database.is_alive():
            database.stop()
        sampled = sampler.stop() if sampler.is_alive() else 0.0
        end_processes(processes, sampler)
        engine.dispose()
    run.cpu_to_exit_s = max(children_cpu_s() - cpu0, sampled)
    run.stored.jobs = read_stored_jobs(args.database_url)
    return run


def read_stored_jobs(url: str) -> dict[str, int]:
    """The queue after the workers stopped: what they left waiting or failed."""
    engine = create_engine(url)
    try:
        return read_stored(engine).jobs
    finally:
        engine.dispose()


def wait_until_checked(
    engine: sa.Engine,
    total: int,
    processes: list[subprocess.Popen[bytes]],
    logs: list[Path],
    args: argparse.Namespace,
) -> None:
    """Poll every POLL_SECONDS until `total` feeds have been checked. Fail when a worker exits,
    after `args.timeout` seconds, or when no feed was checked for `args.stall` seconds."""
    started = progressed = time.perf_counter()
    checked = 0
    while checked < total:
        time.sleep(POLL_SECONDS)
        for process, log in zip(processes, logs, strict=True):
            if process.poll() is not None:
                raise BenchError(f"worker exited early, code {process.returncode}\n{log_tail(log)}")
        with engine.connect() as conn:
            now_checked = conn.execute(CHECKED).scalar_one()
        now = time.perf_counter()
        if now_checked > checked:
            checked, progressed = now_checked, now
        late = now - started > args.timeout
        if late or now - progressed > args.stall:
            why = f"after {args.timeout:g} s" if late else f"none more for {args.stall:g} s"
            tails = "\n".join(log_tail(log, 5) for log in logs)
            raise BenchError(
                f"only {checked} of {total} feeds checked, {why}; {blocked_refreshes(engine)}"
                f"\n{tails}"
            )


BLOCKERS = """
SELECT blocker.queue_name, blocker.task_name, blocker.status, count(*)
FROM procrastinate_jobs AS waiting
CROSS JOIN LATERAL (
    SELECT queue_name, task_name, status FROM procrastinate_jobs AS earlier
    WHERE earlier.lock = waiting.lock AND earlier.id < waiting.id
      AND earlier.status IN ('todo', 'doing')
    ORDER BY earlier.id LIMIT 1
) AS blocker
WHERE waiting.queue_name = 'feeds' AND waiting.status = 'todo'
GROUP BY 1, 2, 3
"""


def blocked_refreshes(engine: sa.Engine) -> str:
    """Why waiting refreshes do not start: the earlier tasks holding their host locks."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(BLOCKERS).all()
    if not rows:
        return "no waiting refresh is behind another task's host lock"
    behind = ", ".join(f"{n} behind {queue} {task} ({status})" for queue, task, status, n in rows)
    return f"waiting refreshes held back by an earlier task with their host lock: {behind}"


def end_processes(processes: list[subprocess.Popen[bytes]], sampler: TreeCpu) -> None:
    """After a failure: SIGTERM what still runs, SIGKILL what does not stop in time, and then
    whatever the killed ones left running (their forkserver and parser processes)."""
    running = [p for p in processes if p.poll() is None]
    for process in running:
        process.terminate()
    killed = False
    for process in running:
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            killed = True
    if not killed:
        return
    for pid in set(sampler.ticks) - {p.pid for p in processes}:
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/cmdline").read_bytes().startswith(sys.executable.encode()):
                os.kill(pid, signal.SIGKILL)


def stop_workers(processes: list[subprocess.Popen[bytes]], logs: list[Path]) -> float:
    """SIGTERM every worker; each must drain and exit 0. Seconds until the last one exited."""
    started = time.perf_counter()
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process, log in zip(processes, logs, strict=True):
        try:
            code = process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            raise BenchError(
                f"worker {process.pid} still running {STOP_SECONDS:.0f} s after SIGTERM\n"
                f"{log_tail(log)}"
            ) from None
        if code:
            raise BenchError(f"worker {process.pid} exited {code} on SIGTERM\n{log_tail(log)}")
    return time.perf_counter() - started


# --- report -------------------------------------------------------------------------------


def best_runs(runs: list[Run]) -> list[Run]:
    """Per mode, in the order first run, the run with the shortest wall time."""
    best: dict[str, Run] = {}
    for run in runs:
        if run.mode not in best or run.wall_s < best[run.mode].wall_s:
            best[run.mode] = run
    return list(best.values())


def ratio(run: Run, embedded: Run | None) -> float | None:
    return run.feeds_per_s / embedded.feeds_per_s if embedded and embedded.feeds_per_s else None


def print_report(runs: list[Run], args: argparse.Namespace) -> None:
    best = best_runs(runs)
    embedded = next((r for r in best if r.mode == EMBEDDED), None)
    repeat = f", best of {args.repeat}" if args.repeat > 1 else ""
    print(f"\n{'mode':<26}{'wall s':>8}{'steady f/s':>12}{'feeds/s':>9}{'items/s':>9}", end="")
    print(f"{'CPU s':>8}{'feeds/s vs embedded':>21}{repeat}")
    for r in best:
        x = ratio(r, embedded)
        figures = f"{r.wall_s:>8.2f}{r.steady_feeds_per_s:>12.1f}{r.feeds_per_s:>9.1f}"
        figures += f"{r.items_per_s:>9.0f}{r.cpu_s:>8.2f}{'' if x is None else f'{x:.2f}x':>21}"
        print(f"{r.mode:<26}{figures}")
    print(f"\n{'mode':<26}{'items':>7}{'200':>6}{'304':>5}{'errors':>7}", end="")
    print(f"{'CPU to exit':>12}{'PG server CPU':>14}{'stop s':>8}  queue left")
    for r in best:
        db = "" if r.database_server_cpu_s is None else f"{r.database_server_cpu_s:.2f}"
        stop = f"{r.stop_s:.1f}" if r.stop_s else ""
        jobs = ", ".join(f"{k} {n}" for k, n in sorted(r.stored.jobs.items()))
        figures = f"{r.stored.items:>7}{r.served['ok']:>6}{r.served['not_modified']:>5}"
        figures += f"{r.stored.failed:>7}{r.cpu_to_exit_s:>12.2f}{db:>14}{stop:>8}"
        print(f"{r.mode:<26}{figures}  {jobs}")
    print_cpu_per_refresh(best, embedded)
    print_notes(runs)


def print_cpu_per_refresh(best: list[Run], embedded: Run | None) -> None:
    """Milliseconds of CPU per feed refreshed, and the issue's bounds checked against the
    embedded run of the same invocation."""
    print(f"\n{'CPU per refresh, ms':<26}{'aggregator':>11}{'database':>10}{'total':>8}", end="")
    print(f"{'total vs embedded':>19}")
    base = embedded.cpu_ms_per_refresh if embedded else 0.0
    for r in best:
        db = r.database_ms_per_refresh
        x = f"{r.cpu_ms_per_refresh / base:.2f}x" if base else ""
        figures = f"{r.cpu_s * 1000 / r.feeds:>11.1f}{'' if db is None else f'{db:.1f}':>10}"
        print(f"{r.mode:<26}{figures}{r.cpu_ms_per_refresh:>8.1f}{x:>19}")
    one = next((r for r in best if r.mode.startswith("1 worker")), None)
    if embedded is None or one is None:
        return
    speed = ratio(one, embedded) or 0.0
    cost = one.cpu_ms_per_refresh / base if base else 0.0
    db = one.database_ms_per_refresh
    print("\nissue 17, one worker against embedded in this run:")
    print(f"  feeds/s {speed:.2f}x (>= 0.8x: {'yes' if speed >= 0.8 else 'NO'})")
    print(f"  CPU per refresh {cost:.2f}x (<= 1.3x: {'yes' if cost <= 1.3 else 'NO'})")
    if db is not None:
        ok = "yes" if db <= 3 else "NO"
        ceiling = f"{1000 / db:.0f}" if db else "unbounded"
        print(f"  database {db:.2f} ms per refresh (<= 3 ms: {ok}), {ceiling} refreshes/s per core")


def print_notes(runs: list[Run]) -> None:
    print("\nwall: process start until every feed was checked (workers: found by polling every")
    print(f"  {POLL_SECONDS} s); the schema was created before, so migrations are not timed")
    print("steady f/s: feeds refreshed between the first and the last check (last_checked_at),")
    print("  start-up left out; items: rows in `items` afterwards")
    print("CPU s: user+sys of the aggregator processes and their children until then; to exit:")
    print("  until they exited (workers: after SIGTERM and draining)")
    print("PG server CPU: every PostgreSQL process on this machine over the same span as CPU s")
    print("  (others' databases included); database: only the backends serving this database")
    print("  (the bench's polling left out), sampled from /proc every 0.1 s")
    print("200/304: responses the site served; errors: feeds with last_error set")
    print("queue left: procrastinate_jobs after the workers stopped (the articles queue is")
    print("  extraction, which these workers do not take)")
    for r in runs:
        if r.served.get("ok", 0) != r.feeds:
            print(f"WARNING: {r.mode}: the site served {r.served.get('ok', 0)} 200s, not {r.feeds}")
        if r.stored.checked != r.feeds:
            print(f"WARNING: {r.mode}: {r.stored.checked} of {r.feeds} feeds checked")


def write_json(path: Path, runs: list[Run], args: argparse.Namespace) -> None:
    embedded = next((r for r in best_runs(runs) if r.mode == EMBEDDED), None)

    def figures(run: Run) -> dict[str, object]:
        derived = {
            "feeds_per_s": run.feeds_per_s,
            "items_per_s": run.items_per_s,
            "steady_feeds_per_s": run.steady_feeds_per_s,
            "feeds_per_s_vs_embedded": ratio(run, embedded),
            "cpu_ms_per_refresh": run.cpu_ms_per_refresh,
            "database_ms_per_refresh": run.database_ms_per_refresh,
        }
        return asdict(run) | derived

    settings = {k: v for k, v in vars(args).items() if k not in ("json", "logs", "database_url")}
    document = {
        "settings": settings | {"cpus": os.cpu_count()},
        "best": [figures(r) for r in best_runs(runs)],
        "runs": [figures(r) for r in runs],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {path}")


# --- main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=os.environ.get(DATABASE_ENV), help=f"default ${DATABASE_ENV}"
    )
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=50, help="site ports; feed i on i %% hosts")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    parser.add_argument("--gap", type=float, default=0.0, help="[settings].per_host_gap")
    parser.add_argument("--concurrency", type=int, default=16, help="[workers].concurrency")
    parser.add_argument("--poll-seconds", type=float, default=0.5, help="[workers].poll_seconds")
    parser.add_argument("--lanes", type=int, help="[workers].lanes (default: the config's)")
    parser.add_argument(
        "--feeds-per-task", type=int, help="[workers].feeds_per_task (default: the config's)"
    )
    parser.add_argument(
        "--workers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 2],
        help="worker counts to run, comma-separated (default 1,2)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each mode; best is shown")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument(
        "--stall", type=float, default=60.0, help="fail when no feed is checked this long"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="300 feeds on 30 hosts, one worker only: a minute or so",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--logs", type=Path, help="keep configs and logs here (default: removed)")
    args = parser.parse_args()
    if args.quick:
        args.feeds, args.hosts, args.workers = 300, 30, [1]
    if not args.database_url:
        parser.exit(
            2,
            f"bench/cluster.py: workers need PostgreSQL: pass --database-url "
            f"postgresql://... or set {DATABASE_ENV} (its database will be emptied)\n",
        )
    if args.feeds < 2 or args.hosts < 1 or args.repeat < 1:
        parser.error("--feeds must be at least 2, --hosts and --repeat at least 1")
    return args


def announce(run: Run) -> Run:
    print(f"  {run.mode}: {run.wall_s:.2f} s, {run.feeds_per_s:.1f} feeds/s", flush=True)
    return run


def main() -> None:
    args = parse_args()
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1"  # never go through a proxy
    site = Site(args.feeds, args.hosts, args.latency)
    urls = [f"{site.base_urls[i % args.hosts]}/feed/{i}" for i in range(1, args.feeds + 1)]
    print(f"cluster benchmark: {args.feeds} feeds on {args.hosts} loopback hosts, ", end="")
    print(f"{args.latency * 1000:.0f} ms latency, per_host_gap {args.gap:g}, ", end="")
    print(f"worker concurrency {args.concurrency}, poll {args.poll_seconds:g} s, ", end="")
    print(f"{os.cpu_count()} CPUs")
    runs: list[Run] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
            logs = args.logs or Path(tmp)
            for repeat in range(1, args.repeat + 1):
                folder = logs / f"run-{repeat}"
                folder.mkdir(parents=True, exist_ok=True)
                runs.append(announce(run_embedded(site, urls, folder, args)))
                for count in args.workers:
                    runs.append(announce(run_workers(count, site, urls, folder, args)))
    except BenchError as exc:
        sys.exit(f"FAILED: {exc}")
    finally:
        site.close()
    print_report(runs, args)
    if args.json:
        write_json(args.json, runs, args)


if __name__ == "__main__":
    main()
