"""Settings for the test suite: production settings (DEBUG off) without the TLS-only parts, so the
test client and the live server used by browser tests speak plain HTTP on 127.0.0.1."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
# Django's live_server runs in a thread next to Playwright's sync API (ENVIRONMENT.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from sodpa_portal.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only

# Rendered reports go to a throw-away folder, never the developer's cache.
import tempfile  # noqa: E402

CACHES["reports"]["LOCATION"] = tempfile.mkdtemp(prefix="sodpa-test-reports-")  # noqa: F405

# Evidence files go to a throw-away folder (tests/test_evidence.py also runs them on S3 under bin/with-s3).
STORAGES["evidence"] = {"BACKEND": "django.core.files.storage.FileSystemStorage",  # noqa: F405
                        "OPTIONS": {"location": tempfile.mkdtemp(prefix="sodpa-test-evidence-")}}

# Tests serve static files from the source folders (no collectstatic, no manifest).
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# SQLite tests run on a file in WAL mode, as production does, so concurrency tests meet real locks.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": tempfile.mkdtemp(prefix="sodpa-test-db-") + "/test.sqlite3"}  # noqa: F405

# pytest-xdist workers sharing one Redis server each use a database of their own (a test that empties the
# cache runs FLUSHDB, which a key prefix would not contain). The DB cache table is per test database already.
if (_worker := os.environ.get("PYTEST_XDIST_WORKER")) and os.environ.get("REDIS_URL"):
    import re as _re

    _database = 1 + int(_re.sub(r"\D", "", _worker) or 0)
    for _cache in CACHES.values():  # noqa: F405
        if _cache["BACKEND"].endswith("RedisCache"):
            _cache["LOCATION"] = _re.sub(r"(/\d*)?$", f"/{_database}", _cache["LOCATION"].rstrip("/"), count=1)
