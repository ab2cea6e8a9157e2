"""Where a key page's time goes, in-process: no gunicorn, no wrk, no other connections.

    python -m bench.inprocess "coordinator inbox" [-n 200] [--profile] [--queries]

Runs against the benchmark database (the same environment variables as ``make bench``:
BENCH_DB, BENCH_PG, BENCH_REDIS_URL) with the production settings, as the page's role, and
prints the median and p95 of the whole request (middleware, view, template) over ``-n`` runs.
``--profile`` adds cProfile's top functions by their own and their cumulative time;
``--gc-default`` measures with Python's own garbage-collector settings instead of the
workers' (decision 0030); the garbage collector's pauses are printed either way.
``--queries`` lists each SQL statement of one request with its time (``--explain`` adds
PostgreSQL's planning and execution time of each SELECT). It prints the wall time
and this process's CPU time (Python only: steadier on a shared machine). The figures are what
one request costs on one core; `make bench` measures what 16 connections on 2 cores get.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _configure() -> None:
    db = os.environ.get("BENCH_DB", "machida_bench")
    pg = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "machida_portal.settings.prod",
            "DATABASE_URL": f"{pg}/{db}",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
            "CONN_MAX_AGE": "600",
            "EMAIL_URL": "locmem://",
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "RATE_LIMITS_ENABLED": "false",
            "BENCH_VIEWS": "true",
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", help="a page name from bench/pages.py, or its beginning")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="with --queries: PostgreSQL's planning and execution time of each SELECT",
    )
    parser.add_argument("--lang", default="ja")
    parser.add_argument(
        "--gc-default",
        action="store_true",
        help="Python's own garbage-collector settings instead of the workers' (decision 0030)",
    )
    args = parser.parse_args()
    _configure()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.pages import PAGES

    page = next((p for p in PAGES if p.name.startswith(args.page)), None)
    if page is None:
        raise SystemExit(f"no page named {args.page!r}; see bench/pages.py")
    path = page.path or (page.resolve() if page.resolve else None)
    if not path:
        raise SystemExit(f"{page.name}: nothing to measure")
    client = Client(HTTP_ACCEPT_LANGUAGE=args.lang)
    if page.role != "anonymous":
        client.force_login(User.objects.get(email=page.role))
    counter = iter(range(10**9))

    def request() -> int:
        if page.method == "POST":
            body = (page.body() if page.body else "").replace("{csrf}", "x")
            body = body.replace("{n}", f"{secrets.token_hex(12)}{next(counter):08x}")
            response = client.post(path, body, content_type="application/x-www-form-urlencoded")
        else:
            response = client.get(path)
        if response.status_code != page.expect:
            raise SystemExit(f"{page.name}: {response.status_code}, expected {page.expect}")
        # `make bench` sends the same Cookie header every time (wrk.lua): the flash message a
        # POST sets is never sent back. Kept here, the messages cookie would grow by one
        # message a request and every later request would decode and sign them all.
        client.cookies.pop("messages", None)
        return len(response.content)

    for _ in range(5):  # warm: connections, template loader, translations, caches
        request()
    if not args.gc_default:
        # As a gunicorn worker after its first requests (gunicorn.conf.py).
        from machida_portal.gc_tuning import freeze_now, tune_worker

        tune_worker(freeze_after=0)
        freeze_now()
    pauses: list[float] = []
    gc_started = [0.0]

    def gc_callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            pauses.append((time.perf_counter() - gc_started[0]) * 1000)

    gc.callbacks.append(gc_callback)
    times = []
    cpu = []
    # CPU time, not the wall clock: waits on PostgreSQL and Redis are not this process's work.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    for _ in range(args.n):
        started = time.perf_counter()
        cpu_started = time.process_time()
        if profiler:
            profiler.enable()
        size = request()
        if profiler:
            profiler.disable()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    gc.callbacks.remove(gc_callback)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    # CPU time of this process only (not PostgreSQL's, not Redis's): steadier than the wall
    # clock on a shared machine, and what the Python side of the page costs.
    print(
        f"{page.name} {path}: wall median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms;"
        f" python CPU median {statistics.median(cpu):.2f} ms, min {min(cpu):.2f} ms;"
        f" {size} bytes, n={args.n}"
    )
    print(
        f"garbage collector: {len(pauses)} pauses, {sum(pauses) / args.n:.3f} ms a request,"
        f" longest {max(pauses, default=0):.1f} ms"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(45)
        # The portal's own functions, and the template tags and filters, by cumulative time.
        stats.sort_stats("cumulative").print_stats(
            r"(wt-[a-z]+|main)/(accounts|consultations|projects|machida_portal|reminders|"
            r"directory)/|templatetags|defaulttags|defaultfilters|i18n\.py|loader_tags",
            40,
        )
    if args.queries:
        with CaptureQueriesContext(connection) as queries:
            request()
        planning = execution = 0.0
        for q in queries.captured_queries:
            print(f"{float(q['time']) * 1000:6.2f} ms  {q['sql'][:400]}")
            if args.explain and q["sql"].lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    # The statement as it was sent (client-side binding): measured again.
                    cursor.execute(f"EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) {q['sql']}")
                    (plan,) = cursor.fetchone()[0]
                planning += plan["Planning Time"]
                execution += plan["Execution Time"]
                print(
                    f"          planning {plan['Planning Time']:.2f} ms,"
                    f" execution {plan['Execution Time']:.2f} ms"
                )
        print(f"{len(queries)} queries")
        if args.explain:
            print(f"PostgreSQL: planning {planning:.2f} ms, execution {execution:.2f} ms")


if __name__ == "__main__":
    main()
