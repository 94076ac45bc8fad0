"""Who is who on the desk: accounts, roles, sessions and tokens, as records and pure decisions.

Storage keeps them (`storage/accounts.py`); the web decides per request who is asking
(`web/identity.py`); the CLI manages them (`aggregator users`, `aggregator tokens`).
"""
