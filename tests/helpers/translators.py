"""A LibreTranslate that answers slowly, and the [drafting] table that points at one."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.drafting.fakes import FakeLibreTranslate
from tests.loopback import Loopback, Reply


class SlowTranslator(FakeLibreTranslate):
    """A LibreTranslate that takes `delay` seconds over every answer: drafting takes a while."""

    def __init__(self, site: Loopback, delay: float) -> None:
        super().__init__(site)
        self.delay = delay

    def answer(self, body: Any) -> Reply:
        return dataclasses.replace(super().answer(body), delay=self.delay)


def translator_config(translator: FakeLibreTranslate) -> str:
    return f'[drafting]\nbackend = "libretranslate"\nbase_url = "{translator.base_url}"\n'
