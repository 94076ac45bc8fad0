"""Settings a deployment sets from outside the config file.

A container or a unit file often knows the database and the address to listen on better than
the config file shipped with the image: `AGGREGATOR_DATABASE_URL` and `AGGREGATOR_LISTEN` win
over `[settings]`, and `run --listen` wins over both. Each is validated as the key it replaces,
and an error names the variable or the option rather than the file.
"""

from __future__ import annotations

from collections.abc import Mapping

ENVIRONMENT = {
    "database_url": "AGGREGATOR_DATABASE_URL",
    "listen": "AGGREGATOR_LISTEN",
}
"""`[settings]` key -> the environment variable that overrides it."""


def overrides(
    environ: Mapping[str, str], options: Mapping[str, str | None] | None = None
) -> dict[str, tuple[str, str]]:
    """`[settings]` key -> (value, where from) for `load_config`: the environment, then the
    command's options (`{"listen": "0.0.0.0:8080"}` from `run --listen`). Empty variables are
    unset ones."""
    found: dict[str, tuple[str, str]] = {}
    for key, variable in ENVIRONMENT.items():
        value = environ.get(variable, "").strip()
        if value:
            found[key] = (value, f"${variable}")
    for key, option in (options or {}).items():
        if option is not None:
            found[key] = (option, f"--{key.replace('_', '-')}")
    return found
