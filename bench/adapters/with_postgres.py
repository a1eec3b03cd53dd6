#!/usr/bin/python3
"""Runs bench_adapters with a throw-away PostgreSQL server on a free loopback
port (the one the integration tests use), so the PostgreSQL rows are measured
too. Arguments are passed on:

    /usr/bin/python3 bench/adapters/with_postgres.py build/bench/adapters/bench_adapters --messages 2000
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "integration"))
from postgres_server import PostgresServer  # noqa: E402

if len(sys.argv) < 2:
    sys.exit(__doc__)
with PostgresServer() as pg:
    sys.exit(subprocess.run(sys.argv[1:] + ["--postgres", pg.conninfo()]).returncode)
