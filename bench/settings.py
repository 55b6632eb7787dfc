"""Production settings plus what only the benchmarks need: the URLconf with the baseline view
(`bench/urls.py`) and a static-files folder of their own. Never used by the product."""

import os

from sodpa_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The benchmarks request no static file, but pages name them through the manifest, as in production.
# WhiteNoise's compressing storage would make every collectstatic take 40 s (it compresses plotly.js
# and the rest again): the benchmarks keep the manifest without the compressed copies.
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}  # noqa: F405
