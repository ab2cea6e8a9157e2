"""Test settings: SQLite unless DATABASE_URL is set; mail kept in memory; fast hashing."""

import os

os.environ.setdefault("EMAIL_URL", "locmem://")

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105  # nosec B105 — test settings only
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REQUIRE_STAFF_MFA = False
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Tests that exercise rate limits turn them back on; everything else must not trip them.
ACCOUNT_RATE_LIMITS = False
# Tests must not share a cache with a running portal; those that need Redis ask for it.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# No timer threads in tests: the second bump happens at once (a test of the race sets it).
PAGE_REBUMP_SECONDS = 0
# Workers started by the reminder tests set CELERY_EAGER=0 to talk to Redis for real.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_EAGER", "1") == "1"
