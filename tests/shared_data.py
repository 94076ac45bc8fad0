"""Where third-party test data shared between projects lives: `../shared/data` beside the repo.

It is read in place, never copied into the project; tests that need it skip when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA: Path = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def require_shared(sub: str) -> Path:
    """The path of `sub` inside the shared data, or skip the calling test when it is missing."""
    path = SHARED_DATA / sub
    if not path.exists():
        pytest.skip(f"shared test data not available: {path}")
    return path
