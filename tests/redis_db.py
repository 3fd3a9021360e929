"""The Redis database of the tests that use one: TEST_REDIS_URL (default database 15).

Those tests empty it first, so under pytest-xdist each worker takes its own: gw0 the
database named, gw1 the one below it, and so on.
"""

from __future__ import annotations

import os


def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number) - int(worker.removeprefix('gw'))}"
