"""The digest feed: the drafted stubs as Atom 1.0 and JSON Feed 1.1 for the editors' feed reader.

`settings` reads `[digest]`, `model` turns stubs into entries, `atom` and `jsonfeed` spell a
digest in each format, `conditional` answers conditional requests, and `build` ties them
together for the web routes and the `aggregator digest` command.
"""
