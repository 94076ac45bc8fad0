"""The gate's cost: how long a small read of the API takes when nobody signs in (`none`, the
baseline measured in the same run), with an API token, with a session cookie, and with a
proxy's header, each as a ratio to the baseline.

Run by hand: `.venv/bin/python bench/gate.py [--requests 400] [--quick]` (`--quick`: 100).
The app runs in this process (httpx over ASGI, no server), on a temporary SQLite store with
one account, its API token and a session; the read is `GET /api/feeds` of a config without
feeds, so what is measured is the request's way through the app, the gate included. Each mode
is served by its own app (`[web] auth` none, builtin, proxy), the modes taking turns in rounds
of 20 requests so that a busy machine slows each alike.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

from aggregator.app import App, utc_now
from aggregator.auth.issue import issue_token
from aggregator.auth.model import Role, TokenKind
from aggregator.auth.secrets import new_secret, secret_hash
from aggregator.auth.settings import SESSION_COOKIE
from aggregator.config import load_config
from aggregator.logs import configure_logging
from aggregator.service.metrics import Metrics
from aggregator.storage.accounts import Accounts
from aggregator.storage.desk import Desk
from aggregator.web.app import create_web_app
from aggregator.web.context import WebContext

MODES = {
    "none": '[web]\nauth = "none"\n',
    "api token": '[web]\nauth = "builtin"\n',
    "session": '[web]\nauth = "builtin"\n',
    "proxy header": '[web]\nauth = "proxy"\nproxy_addresses = ["127.0.0.1"]\n',
}
ROUND = 20


def write_config(folder: Path, mode: str, web: str) -> Path:
    path = folder / f"{mode.replace(' ', '-')}.toml"
    path.write_text(
        f'[settings]\ndatabase_url = "sqlite:///{folder / "bench.db"}"\nparse_workers = 0\n{web}',
        encoding="utf-8",
    )
    return path


async def measure(folder: Path, requests: int) -> dict[str, list[float]]:
    apps = {mode: App(load_config(write_config(folder, mode, web))) for mode, web in MODES.items()}
    store = apps["none"].store
    accounts = Accounts(store)
    now = utc_now()
    account = accounts.add("ana", Role.EDITOR, "not a password hash: nobody signs in", now)
    token = issue_token(accounts, "ana", TokenKind.API, "bench", None, now)
    session = new_secret("session")
    accounts.open_session(account.id, secret_hash(session), now, now + timedelta(days=1))
    sent = {
        "none": {},
        "api token": {"Authorization": f"Bearer {token.secret}"},
        "session": {"Cookie": f"{SESSION_COOKIE}={session}"},
        "proxy header": {"Remote-User": "ana"},
    }
    clients = {}
    for mode, app in apps.items():
        ctx = WebContext(app, Desk(app.store), Metrics(), lambda names: None, secret=b"bench")
        transport = httpx.ASGITransport(app=create_web_app(ctx), client=("127.0.0.1", 4000))
        clients[mode] = httpx.AsyncClient(transport=transport, base_url="http://bench")
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    for mode, client in clients.items():  # warm up: the first requests open connections
        for _ in range(5):
            assert (await client.get("/api/feeds", headers=sent[mode])).status_code == 200, mode
    for _ in range(max(1, requests // ROUND)):
        for mode, client in clients.items():
            for _ in range(ROUND):
                started = time.perf_counter()
                answer = await client.get("/api/feeds", headers=sent[mode])
                times[mode].append(time.perf_counter() - started)
                assert answer.status_code == 200, (mode, answer.status_code)
    for client in clients.values():
        await client.aclose()
    for app in apps.values():
        await app.__aexit__(None, None, None)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--quick", action="store_true", help="100 requests a mode")
    args = parser.parse_args()
    requests = 100 if args.quick else args.requests
    configure_logging("warning")
    with tempfile.TemporaryDirectory() as folder:
        times = asyncio.run(measure(Path(folder), requests))
    baseline = statistics.median(times["none"])
    print(f"GET /api/feeds in process, median of {requests} requests (baseline: none mode)")
    for mode, values in times.items():
        median = statistics.median(values)
        print(f"  {mode:13} {median * 1000:7.2f} ms  {median / baseline:5.2f}x")


if __name__ == "__main__":
    main()
