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

    .venv/bin/python bench/cluster.py [--database-url URL] [--feeds 1000] [--hosts 50]
        [--latency 0.05] [--gap 0] [--concurrency 16] [--repeat 1] [--json figures.json]

The PostgreSQL URL defaults to $AGGREGATOR_TEST_DATABASE_URL; its database is emptied (schema
`public` dropped) before each worker mode.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

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

    def feed_urls(self, count: int) -> list[str]:
        """Feed i (1-based) on host i % hosts."""
        hosts = len(self.base_urls)
        return [f"{self.base_urls[i % hosts]}/feed/{i}" for i in range(1, count + 1)]

    def stats(self) -> Counter[str]:
        with urllib.request.urlopen(f"{self.base_urls[0]}/_stats", timeout=10) as response:
            return Counter(json.load(response))

    def close(self) -> None:
        self.process.terminate()
        self.process.wait()


def served(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    return {key: after[key] - before[key] for key in ("ok", "not_modified", "not_found", "other")}


# --- CPU of process trees, from /proc ---------------------------------------------------


def process_table() -> dict[int, tuple[int, str, int]]:
    """pid -> (ppid, command name, CPU ticks of the process and of the children it reaped)."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                head, _, tail = f.read().rpartition(b")")
        except OSError:
            continue
        fields = tail.split()
        name = head.partition(b"(")[2].decode(errors="replace")
        table[int(entry.name)] = (int(fields[1]), name, sum(int(x) for x in fields[11:15]))
    return table


def tree_cpu_s(roots: list[int], table: dict[int, tuple[int, str, int]] | None = None) -> float:
    """User+sys seconds of `roots` and their descendants so far, reaped ones included."""
    table = table if table is not None else process_table()
    family = {pid for pid in roots if pid in table}
    while children := {pid for pid, row in table.items() if row[0] in family} - family:
        family |= children
    return sum(table[pid][2] for pid in family) / CLOCK_TICKS


def postgresql_server_cpu_s() -> float | None:
    """CPU so far of the PostgreSQL servers on this machine (postmasters and their backends,
    ended ones included), or None when there is none to read."""
    table = process_table()
    postmasters = [
        pid
        for pid, (ppid, name, _) in table.items()
        if name == "postgres" and table.get(ppid, (0, "", 0))[1] != "postgres"
    ]
    return tree_cpu_s(postmasters, table) if postmasters else None


def children_cpu_s() -> float:
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
        "poll_seconds = 0.5",
    ]
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
    before, cpu0 = site.stats(), children_cpu_s()
    started = time.perf_counter()
    with log.open("wb") as out:
        command = aggregator_command(config, "fetch", "--all", "--no-extract")
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        try:
            code = process.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            message = f"{EMBEDDED}: not done after {args.timeout} s\n{log_tail(log)}"
            raise BenchError(message) from None
    run.wall_s = time.perf_counter() - started
    run.cpu_s = run.cpu_to_exit_s = children_cpu_s() - cpu0
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
    try:
        before, cpu0, db0 = site.stats(), children_cpu_s(), postgresql_server_cpu_s()
        started = time.perf_counter()
        for log in logs:
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
                )
        wait_until_checked(engine, len(urls), processes, logs, started, args.timeout)
        run.wall_s = time.perf_counter() - started
        run.cpu_s = tree_cpu_s([p.pid for p in processes])
        db1 = postgresql_server_cpu_s()
        if db0 is not None and db1 is not None:
            run.database_server_cpu_s = db1 - db0
        run.served = served(before, site.stats())
        run.stored = read_stored(engine)
        run.stop_s = stop_workers(processes, logs)
        run.cpu_to_exit_s = children_cpu_s() - cpu0
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        engine.dispose()
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
    started: float,
    timeout: float,
) -> None:
    """Poll every POLL_SECONDS until `total` feeds have been checked; fail if a worker exits."""
    checked = 0
    while checked < total:
        time.sleep(POLL_SECONDS)
        for process, log in zip(processes, logs, strict=True):
            if process.poll() is not None:
                raise BenchError(f"worker exited early, code {process.returncode}\n{log_tail(log)}")
        if time.perf_counter() - started > timeout:
            tails = "\n".join(log_tail(log) for log in logs)
            raise BenchError(f"only {checked} of {total} feeds checked after {timeout} s\n{tails}")
        with engine.connect() as conn:
            checked = conn.execute(CHECKED).scalar_one()


def stop_workers(processes: list[subprocess.Popen[bytes]], logs: list[Path]) -> float:
    """SIGTERM every worker; each must drain and exit 0. Seconds until the last one exited."""
    started = time.perf_counter()
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process, log in zip(processes, logs, strict=True):
        try:
            code = process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise BenchError(
                f"worker {process.pid} still running {STOP_SECONDS:.0f} s after SIGTERM; "
                f"killed\n{log_tail(log)}"
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
    print_notes(runs)


def print_notes(runs: list[Run]) -> None:
    print("\nwall: process start until every feed was checked (workers: found by polling every")
    print(f"  {POLL_SECONDS} s); the schema was created before, so migrations are not timed")
    print("steady f/s: feeds refreshed between the first and the last check (last_checked_at),")
    print("  start-up left out; items: rows in `items` afterwards")
    print("CPU s: user+sys of the aggregator processes and their children until then; to exit:")
    print("  until they exited (workers: after SIGTERM and draining)")
    print("PG server CPU: every PostgreSQL process on this machine over the same span as CPU s")
    print("200/304: responses the site served; errors: feeds with last_error set")
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
    parser.add_argument("--repeat", type=int, default=1, help="runs of each mode; best is shown")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--logs", type=Path, help="keep configs and logs here (default: removed)")
    args = parser.parse_args()
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
    urls = site.feed_urls(args.feeds)
    print(f"cluster benchmark: {args.feeds} feeds on {args.hosts} loopback hosts, ", end="")
    print(f"{args.latency * 1000:.0f} ms latency, per_host_gap {args.gap:g}, ", end="")
    print(f"worker concurrency {args.concurrency}, {os.cpu_count()} CPUs")
    runs: list[Run] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
            logs = args.logs or Path(tmp)
            for repeat in range(1, args.repeat + 1):
                folder = logs / f"run-{repeat}"
                folder.mkdir(parents=True, exist_ok=True)
                runs.append(announce(run_embedded(site, urls, folder, args)))
                for count in (1, 2):
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
