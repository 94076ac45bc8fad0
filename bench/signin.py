"""Signing in: how long `POST /login` takes for a wrong password, an unknown name, the right
password and a try refused as slowed, each as a ratio to the wrong password measured in the
same run.

Run by hand: `.venv/bin/python bench/signin.py [--rounds 15] [--quick]` (`--quick`: 5 rounds).
The app runs in this process (httpx over ASGI, no server), on a temporary SQLite store with one
account. Each round sends one try of each kind, in turn, with the form's anti-forgery token;
between rounds the failures are cleared so that no try of the first three kinds is slowed.

An unknown name is checked against a dummy argon2 hash, so it should cost what a wrong password
costs (ratio near 1: the time does not say which names exist); the right password costs the
same check and a session; a slowed try checks no password at all (ratio far below 1).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from aggregator.app import App, utc_now
from aggregator.auth import lockout
from aggregator.auth.model import Role
from aggregator.auth.passwords import hash_password
from aggregator.config import load_config
from aggregator.logs import configure_logging
from aggregator.service.metrics import Metrics
from aggregator.storage.accounts import Accounts
from aggregator.storage.desk import Desk
from aggregator.web.app import create_web_app
from aggregator.web.context import WebContext

PASSWORD = "a passphrase for the bench"
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
KINDS = ("wrong password", "unknown name", "right password", "slowed")


def write_config(folder: Path) -> Path:
    path = folder / "feeds.toml"
    (folder / "var").mkdir(exist_ok=True)
    path.write_text(
        f'[settings]\ndatabase_url = "sqlite:///{folder / "var" / "bench.db"}"\n'
        "parse_workers = 0\n",
        encoding="utf-8",
    )
    return path


async def measure(config_path: Path, rounds: int) -> dict[str, list[float]]:
    app = App(load_config(config_path))
    accounts = Accounts(app.store)
    accounts.add("ana", Role.EDITOR, hash_password(PASSWORD), utc_now())
    for _ in range(40):  # mallory must wait the longest delay
        accounts.record_failure(lockout.account_key("mallory"), utc_now())
    ctx = WebContext(app, Desk(app.store), Metrics(), lambda names: None, secret=b"bench")
    transport = httpx.ASGITransport(app=create_web_app(ctx), client=("127.0.0.1", 4000))
    tries = {
        "wrong password": ("ana", "not the passphrase at all", 401),
        "unknown name": ("zed", "not the passphrase at all", 401),
        "right password": ("ana", PASSWORD, 303),
        "slowed": ("mallory", PASSWORD, 429),
    }
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        found = TOKEN.search((await client.get("/login")).text)
        assert found is not None, "the login form has no anti-forgery field"
        for _ in range(rounds + 1):  # the first round warms up and is not counted
            for kind in KINDS:
                name, password, status = tries[kind]
                form = {"name": name, "password": password, "csrf_token": found.group(1)}
                started = time.perf_counter()
                answer = await client.post("/login", data=form)
                elapsed = time.perf_counter() - started
                assert answer.status_code == status, (kind, answer.status_code)
                times[kind].append(elapsed)
            for key in ("account:ana", "account:zed", "address:127.0.0.1"):
                accounts.clear_failures(key)
    await app.__aexit__(None, None, None)
    return {kind: values[1:] for kind, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="5 rounds")
    args = parser.parse_args()
    rounds = 5 if args.quick else args.rounds
    configure_logging("warning")  # not one line per try
    with tempfile.TemporaryDirectory() as folder:
        times = asyncio.run(measure(write_config(Path(folder)), rounds))
    baseline = statistics.median(times["wrong password"])
    print(f"POST /login, median of {rounds} tries each (baseline: a wrong password)")
    for kind in KINDS:
        median = statistics.median(times[kind])
        spread = f"{min(times[kind]) * 1000:.1f}-{max(times[kind]) * 1000:.1f}"
        print(f"  {kind:15} {median * 1000:8.1f} ms  ({spread} ms)  {median / baseline:5.2f}x")


if __name__ == "__main__":
    main()
