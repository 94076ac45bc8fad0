"""The key that signs the forms' anti-forgery tokens, kept in `var/` so that a form opened
before a restart still works after it."""

from __future__ import annotations

import secrets
from pathlib import Path

from aggregator.atomic import write_atomically

SECRET_FILE = "web-secret"
SECRET_BYTES = 32


def load_secret(var: Path | None) -> bytes:
    """The secret stored in `var` (created on first use, readable by the owner only), or a
    random one for this process when there is no `var/` directory (PostgreSQL deployments)."""
    if var is None:
        return secrets.token_bytes(SECRET_BYTES)
    path = var / SECRET_FILE
    try:
        data = path.read_bytes()
        if len(data) >= SECRET_BYTES:
            return data
    except FileNotFoundError:
        pass
    write_atomically(path, secrets.token_bytes(SECRET_BYTES), mode=0o600)
    return path.read_bytes()
