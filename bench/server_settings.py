"""The production settings plus one bench-only page: the throughput ceiling's minimal view.

Used only by the benchmark's throughput server (bench/throughput.py); the application's URLs are untouched.
"""

from zhengxie.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling_urls"

# The similarity snapshots the measuring process saved (its var/), read by the server's workers at start.
SIMILAR_SNAPSHOTS = BASE_DIR / "var" / "similar"  # noqa: F405
