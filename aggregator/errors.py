"""The one exception tree of aggregator.

Per-feed problems are turned into values (`records.FetchFailed`, `RefreshReport.error`) at the
edge of each unit of work; these exceptions are what the edges catch.
"""

from __future__ import annotations


class AggregatorError(Exception):
    """Base of every error aggregator raises on purpose."""


class ConfigError(AggregatorError):
    """The configuration file is missing, unreadable or invalid.

    The message names the file, the place in it (feed and key) and what is expected.
    """

    def __init__(self, path: str, where: str, problem: str) -> None:
        self.path = path
        self.where = where
        self.problem = problem
        location = f"{path}: {where}" if where else path
        super().__init__(f"{location}: {problem}")


class FetchError(AggregatorError):
    """A request did not produce a usable response."""


class BlockedAddress(FetchError):
    """The destination resolves to an address we refuse to reach (private, loopback, ...)."""


class BlockedScheme(FetchError):
    """The URL, or a redirect, uses a scheme other than http or https."""


class TooLarge(FetchError):
    """The decoded body exceeded the byte cap."""


class DeadlineExceeded(FetchError):
    """The whole request took longer than its total deadline."""


class TooManyRedirects(FetchError):
    """The redirect chain was longer than allowed, or looped."""


class BadEncoding(FetchError):
    """The body's Content-Encoding could not be decoded."""


class ParseError(AggregatorError):
    """A feed document could not be read at all."""


class ParseBudgetExceeded(ParseError):
    """Parsing a document took more time or memory than its budget."""


class StorageError(AggregatorError):
    """The database could not be opened or migrated."""


class BrokenEnvironment(AggregatorError):
    """The installation is broken (a module does not import): an error of the run, never a
    failure of the feed, article or stub that happened to meet it."""
