"""What more than one test module uses: feeds and sites to fetch, stores, apps and processes.

Test modules import from here, never from one another (a `test_*.py` holds tests only)."""
