"""Production settings plus what only the benchmarks need: the URLconf with the baseline view
(`bench/urls.py`), and a static-files folder of their own. Never used by the product."""

import os

from sodpa_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# collectstatic with WhiteNoise's compressing storage takes ~40 s: the benchmarks keep their own
# copy (var/bench/static) and refresh it only when static/ changes (bench/run.py).
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
