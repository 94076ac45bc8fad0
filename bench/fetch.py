"""Fetch benchmark: 1,000 real feeds from a loopback site with 50 ms latency per response.

Compares, in one run: a naive sequential feedparser loop (sampled, extrapolated),
lemon24/reader (cold, then conditional) and `aggregator fetch --all` (cold on a fresh
database, then conditional), plus the CPU time that parsing those 1,000 bodies needs.

    .venv/bin/python bench/fetch.py [--only naive,reader,aggregator,parse,feedparser]
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import feedparser
from feedsite import Page, build_pages

REPO = Path(__file__).resolve().parents[1]
PHASES = ("naive", "reader", "aggregator", "parse", "feedparser")
CONNECTIONS = 30  # aggregator's overall connection limit, also used as its per-host limit here
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MB = 1024 * 1024
NAIVE = "naive feedparser loop"
PARSE_FEED = "aggregator parse_feed"


@dataclass
class Run:
    """One measured pass over the feeds (figures already scaled to all feeds)."""

    name: str
    feeds: int
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    largest_process_mb: float = 0.0
    server: dict[str, int] = field(default_factory=dict)
    note: str = ""
    memory_note: str = ""
    error: str | None = None

    @property
    def feeds_per_s(self) -> float:
        return self.feeds / self.wall_s if self.wall_s else 0.0


# --- the feed site, in its own process -------------------------------------------------


class Site:
    """bench/feedsite.py running as a child process; its CPU is not counted against clients."""

    def __init__(self, feeds: int, latency: float) -> None:
        command = [sys.executable, str(Path(__file__).with_name("feedsite.py"))]
        command += ["--port", "0", "--feeds", str(feeds), "--latency", str(latency)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http://127.0.0.1:"):
            self.process.wait()
            sys.exit(f"feedsite did not start (exit code {self.process.returncode})")
        self.urls = [f"{self.base_url}/feed/{i}" for i in range(1, feeds + 1)]

    def stats(self) -> Counter[str]:
        with urllib.request.urlopen(f"{self.base_url}/_stats", timeout=10) as response:
            return Counter(json.load(response))

    def cpu_s(self) -> float:
        return sum(proc_stat(self.process.pid)[1:3]) / CLOCK_TICKS

    def close(self) -> None:
        self.process.terminate()
        self.process.wait()


def server_delta(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    return {key: after[key] - before[key] for key in ("ok", "not_modified", "not_found")}


# --- peak memory and CPU of a process tree, sampled from /proc --------------------------


def proc_stat(pid: int) -> tuple[int, int, int, int]:
    """(ppid, utime ticks, stime ticks, rss pages) from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().rpartition(b")")[2].split()
    return int(fields[1]), int(fields[11]), int(fields[12]), int(fields[21])


class PeakSampler(threading.Thread):
    """Samples the summed RSS of `root` and its descendants every `interval` seconds.

    With tree=False only `root` itself is read (cheap; for in-process runs). In tree mode
    the last CPU ticks seen per descendant are kept too, as a cross-check of rusage.
    RSS sums count shared pages once per process, so the tree figure errs high.
    """

    def __init__(self, root: int, tree: bool, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root, self.tree, self.interval = root, tree, interval
        self.peak_bytes = 0
        self.largest_bytes = 0
        self.cpu_ticks: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while True:
            self.sample()
            if self.done.wait(self.interval):
                return

    def sample(self) -> None:
        stats = self.tree_stats() if self.tree else self.own_stats()
        rss = [pages * PAGE_SIZE for _, _, _, pages in stats.values()]
        self.peak_bytes = max(self.peak_bytes, sum(rss))
        self.largest_bytes = max([self.largest_bytes, *rss])
        for pid, (_, utime, stime, _) in stats.items():
            self.cpu_ticks[pid] = utime + stime

    def own_stats(self) -> dict[int, tuple[int, int, int, int]]:
        try:
            return {self.root: proc_stat(self.root)}
        except OSError:
            return {}

    def tree_stats(self) -> dict[int, tuple[int, int, int, int]]:
        stats = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stats[int(entry.name)] = proc_stat(int(entry.name))
                except OSError:
                    continue
        family = {self.root}
        grew = True
        while grew:
            children = {pid for pid, s in stats.items() if s[0] in family} - family
            family |= children
            grew = bool(children)
        return {pid: s for pid, s in stats.items() if pid in family}

    @property
    def sampled_cpu_s(self) -> float:
        return sum(self.cpu_ticks.values()) / CLOCK_TICKS

    def __enter__(self) -> PeakSampler:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sample()
        self.done.set()
        self.join()


def rss_mb(pid: int) -> float:
    return proc_stat(pid)[3] * PAGE_SIZE / MB


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def measured(run: Run, site: Site, scale: float = 1.0) -> Iterator[None]:
    """Measure the in-process work of the block into `run` (wall, CPU, peak RSS, server)."""
    before = site.stats()
    rss_before_mb = rss_mb(os.getpid())
    cpu0, children0, t0 = time.process_time(), children_cpu_s(), time.perf_counter()
    with PeakSampler(os.getpid(), tree=False) as sampler:
        yield
    run.wall_s = (time.perf_counter() - t0) * scale
    run.cpu_s = (time.process_time() - cpu0 + children_cpu_s() - children0) * scale
    run.peak_rss_mb = run.largest_process_mb = sampler.peak_bytes / MB
    run.server = server_delta(before, site.stats())
    run.memory_note = f"in-process, RSS {rss_before_mb:.0f} MB before"


# --- 1. naive sequential feedparser loop ----------------------------------------------


def run_naive(site: Site, sample: int) -> Run:
    n = min(sample, len(site.urls))
    picked = [site.urls[i * len(site.urls) // n] for i in range(n)]  # spread over the corpus
    run = Run(NAIVE, len(site.urls))
    run.note = f"sampled {n} of {len(site.urls)} feeds, extrapolated x{len(site.urls) / n:.2f}"
    failed = 0
    with measured(run, site, scale=len(site.urls) / n):
        for url in picked:
            result = feedparser.parse(url)
            failed += result.get("status") != 200
    if failed:
        run.note += f"; {failed} not fetched"
    return run


# --- 2. lemon24/reader ------------------------------------------------------------------


def run_reader(site: Site, workers: int, tmp: Path) -> list[Run]:
    try:
        from reader import make_reader

        reader = make_reader(str(tmp / "reader.sqlite"))
        for url in site.urls:
            reader.add_feed(url)  # the first call imports reader's vendored feedparser
    except ImportError as exc:
        hint = " (reader's vendored feedparser needs sgmllib3k)" if exc.name == "sgmllib" else ""
        return [Run("reader cold", len(site.urls), error=f"reader unusable: {exc}{hint}")]
    runs = []
    for label in ("cold", "conditional"):
        run = Run(f"reader {label}", len(site.urls))
        with measured(run, site), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # one warning per feed reader rejects; counted below
            # scheduled=False: since reader 3.21 a second pass would skip feeds not yet due
            reader.update_feeds(workers=workers, scheduled=False)
        broken = Counter(
            f.last_exception.type_name.rpartition(".")[2] for f in reader.get_feeds(broken=True)
        )
        run.note = f"{workers} threads; broken feeds: {dict(broken) or 0}"
        runs.append(run)
    run.note += f"; {reader.get_entry_counts().total} entries stored"
    reader.close()
    return runs


# --- 3. aggregator CLI --------------------------------------------------------------------


def write_config(tmp: Path, urls: list[str]) -> Path:
    lines = [
        "[settings]",
        f'database_url = "sqlite:///{tmp / "bench.db"}"',
        'contact_url = "https://example.org/bench"',
        'allow_private_networks = ["127.0.0.1/32"]',
        "default_interval = 60",
        f"per_host_connections = {CONNECTIONS}",
        "per_host_gap = 0.0",
    ]
    for i, url in enumerate(urls, start=1):
        lines += ["", "[[feeds]]", f'name = "feed-{i:04d}"', f'url = "{url}"']
    config = tmp / "bench.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def run_cli(run: Run, site: Site, args: list[str], log: Path) -> None:
    """Run `python -m aggregator ARGS` and measure its whole process tree into `run`."""
    command = [sys.executable, "-m", "aggregator", *args]
    before = site.stats()
    children0, t0 = children_cpu_s(), time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        with PeakSampler(process.pid, tree=True) as sampler:
            process.wait()
    run.wall_s = time.perf_counter() - t0
    run.cpu_s = max(children_cpu_s() - children0, sampler.sampled_cpu_s)
    run.peak_rss_mb = sampler.peak_bytes / MB
    run.largest_process_mb = sampler.largest_bytes / MB
    run.memory_note = f"largest process {run.largest_process_mb:.0f} MB"
    run.server = server_delta(before, site.stats())
    if process.returncode:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        run.error = f"exit code {process.returncode}: " + " | ".join(tail)


def run_aggregator(site: Site, tmp: Path) -> list[Run]:
    config = write_config(tmp, site.urls)
    runs = []
    for label in ("cold", "conditional"):
        note = "subprocess `fetch --all --no-extract`"
        run = Run(f"aggregator {label}", len(site.urls), note=note)
        args = ["--config", str(config), "fetch", "--all", "--no-extract"]
        run_cli(run, site, args, tmp / f"{label}.log")
        answered = run.server["ok"] + run.server["not_modified"]
        if not run.error and answered < len(site.urls):
            run.note += f"; WARNING: the site answered only {answered} feed requests"
        runs.append(run)
        if run.error:
            break
    return runs


# --- parse CPU over the same bodies ---------------------------------------------------


@dataclass
class ParseCpu:
    name: str
    cpu_s: float = 0.0
    failed: int = 0
    error: str | None = None


def parse_cpu(name: str, parse: Callable[[int, Page], object], pages: dict[int, Page]) -> ParseCpu:
    result = ParseCpu(name)
    cpu0 = time.process_time()
    for i, page in pages.items():
        try:
            parse(i, page)
        except Exception as exc:  # a failing feed still costs CPU; count it, go on
            result.failed += 1
            result.error = result.error or f"feed {i}: {type(exc).__name__}: {exc}"
    result.cpu_s = time.process_time() - cpu0
    return result


def run_parse(site: Site, pages: dict[int, Page]) -> ParseCpu:
    try:
        from aggregator.feeds.parse import parse_feed
    except ImportError as exc:
        return ParseCpu(PARSE_FEED, error=f"cannot import parse_feed: {exc}")

    def parse(i: int, page: Page) -> object:
        return parse_feed(
            page.body, url=f"{site.base_url}/feed/{i}", content_type=page.content_type
        )

    return parse_cpu(PARSE_FEED, parse, pages)


def run_feedparser(pages: dict[int, Page]) -> ParseCpu:
    return parse_cpu("feedparser.parse(body)", lambda _, page: feedparser.parse(page.body), pages)


# --- report -------------------------------------------------------------------------------

COMPARE = {">=": operator.ge, "<=": operator.le, "<": operator.lt}


@dataclass
class Target:
    label: str
    figure: float | None
    goal: str
    met: bool | None  # None: not measured in this run


def target(label: str, figure: float | None, op: str, limit: float) -> Target:
    met = None if figure is None else COMPARE[op](figure, limit)
    return Target(label, figure, f"{op} {limit:g}", met)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator and denominator else None


def targets(runs: list[Run], bound_s: float | None) -> list[Target]:
    wall = {r.name: r.wall_s for r in runs if not r.error}
    cold, cond = wall.get("aggregator cold"), wall.get("aggregator conditional")
    peaks = [r.peak_rss_mb for r in runs if r.name.startswith("aggregator") and not r.error]
    return [
        target("aggregator cold speed-up vs naive", ratio(wall.get(NAIVE), cold), ">=", 10),
        target(
            "aggregator cold speed-up vs reader cold", ratio(wall.get("reader cold"), cold), ">=", 3
        ),
        target("aggregator cold wall / parse-CPU bound", ratio(cold, bound_s), "<=", 1.5),
        target(
            "aggregator conditional vs reader's",
            ratio(wall.get("reader conditional"), cond),
            ">=",
            2,
        ),
        target("aggregator peak memory, MB (tree RSS)", max(peaks, default=None), "<", 300),
    ]


def print_runs(runs: list[Run], harness_mb: float) -> None:
    columns = f"{'wall s':>8}{'feeds/s':>9}{'CPU s':>8}{'peak MB':>9}{'200':>6}{'304':>6}"
    print(f"\n{'run':<24}{columns}  note")
    for r in runs:
        if r.error:
            print(f"{r.name:<24}FAILED: {r.error}")
            continue
        figures = f"{r.wall_s:>8.2f}{r.feeds_per_s:>9.1f}{r.cpu_s:>8.2f}{r.peak_rss_mb:>9.0f}"
        served = f"{r.server.get('ok', 0):>6}{r.server.get('not_modified', 0):>6}"
        print(f"{r.name:<24}{figures}{served}  {r.note}; {r.memory_note}")
    print("wall, CPU (user+sys): the naive loop's are extrapolated from its sample")
    print("peak MB: max over 50 ms samples of the RSS summed over the process tree")
    print(f"  (in-process runs: this harness process, {harness_mb:.0f} MB at its start)")
    print("200/304: responses the site served during the run (for naive: the sample)")


def print_report(
    runs: list[Run], parses: list[ParseCpu], bound_s: float | None, site: Site, harness_mb: float
) -> None:
    print_runs(runs, harness_mb)
    for p in parses:
        text = f"{p.cpu_s:.2f} s CPU" if p.cpu_s else "FAILED"
        if p.error:
            text += f" ({p.failed} feeds raised; first: {p.error})" if p.cpu_s else f": {p.error}"
        print(f"parse, {p.name} over the same bodies: {text}")
    if bound_s is not None:
        print(f"parse-CPU bound: aggregator parse CPU / {os.cpu_count()} CPUs = {bound_s:.2f} s")
    print(f"feedsite CPU over the whole benchmark: {site.cpu_s():.2f} s (own process, not counted)")
    print("\ntargets:")
    for t in targets(runs, bound_s):
        figure = "n/a" if t.figure is None else f"{t.figure:.2f}"
        verdict = {None: "", True: "met", False: "MISSED"}[t.met]
        print(f"  {t.label:<42}{figure:>8}   target {t.goal:<7} {verdict}".rstrip())


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    parser.add_argument("--naive-sample", type=int, default=200, help="feeds the naive loop gets")
    parser.add_argument("--workers", type=int, default=50, help="reader's update_feeds workers")
    parser.add_argument("--only", default=",".join(PHASES), help=f"some of {','.join(PHASES)}")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    args.only = set(args.only.split(","))
    if unknown := args.only - set(PHASES):
        parser.error(f"unknown --only part(s): {', '.join(sorted(unknown))}")
    return args


def run_all(args: argparse.Namespace, site: Site, tmp: Path) -> tuple[list[Run], list[ParseCpu]]:
    runs: list[Run] = []
    parses: list[ParseCpu] = []
    if "naive" in args.only:
        runs.append(run_naive(site, args.naive_sample))
    if "reader" in args.only:
        runs += run_reader(site, args.workers, tmp)
    if "aggregator" in args.only:
        runs += run_aggregator(site, tmp)
    if args.only & {"parse", "feedparser"}:
        pages = build_pages(args.feeds)
        if "parse" in args.only:
            parses.append(run_parse(site, pages))
        if "feedparser" in args.only:
            parses.append(run_feedparser(pages))
    return runs, parses


def main() -> None:
    args = parse_args()
    harness_mb = rss_mb(os.getpid())
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1"  # never go through a proxy
    site = Site(args.feeds, args.latency)
    print(f"fetch benchmark: {args.feeds} feeds at {site.base_url}/feed/N, ", end="")
    print(f"{args.latency * 1000:.0f} ms latency per response, {os.cpu_count()} CPUs")
    if "aggregator" in args.only:
        print("note: all feeds are on one loopback host, so for this benchmark aggregator's")
        print(f"per_host_connections is raised to {CONNECTIONS} (its overall connection limit)")
        print("and per_host_gap is 0")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-fetch-") as tmp:
            runs, parses = run_all(args, site, Path(tmp))
        aggregator = next((p for p in parses if p.name == PARSE_FEED and p.cpu_s), None)
        bound_s = aggregator.cpu_s / (os.cpu_count() or 1) if aggregator else None
        print_report(runs, parses, bound_s, site, harness_mb)
    finally:
        site.close()
    if args.json:
        write_json(args.json, args, runs, parses, bound_s)


def write_json(
    path: Path,
    args: argparse.Namespace,
    runs: list[Run],
    parses: list[ParseCpu],
    bound_s: float | None,
) -> None:
    settings = {
        "feeds": args.feeds,
        "latency_s": args.latency,
        "naive_sample": args.naive_sample,
        "reader_workers": args.workers,
        "aggregator_per_host_connections": CONNECTIONS,
        "cpus": os.cpu_count(),
    }
    figures = {
        "settings": settings,
        "runs": [asdict(r) | {"feeds_per_s": r.feeds_per_s} for r in runs],
        "parse_cpu": [asdict(p) for p in parses],
        "parse_cpu_bound_s": bound_s,
        "targets": [asdict(t) for t in targets(runs, bound_s)],
    }
    path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {path}")


if __name__ == "__main__":
    main()
