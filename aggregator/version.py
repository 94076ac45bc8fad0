"""The package's version, for the User-Agent it sends: a module of its own, so that what needs
it imports nothing else of the package."""

__version__ = "0.1.0"
