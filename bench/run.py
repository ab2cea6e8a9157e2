"""`make bench`: the benchmark, from an empty database to bench/results.json and a chart.

1. Recreates the PostgreSQL database ``machida_bench``, migrates, seeds the small demo and
   counts each key page's queries; seeds the large data set (timed) and counts again.
2. Starts the portal in production shape: gunicorn (sync workers), persistent database
   connections, the Redis cache and sessions, a Celery worker and beat.
3. Drives every key page with wrk (16 connections on 127.0.0.1), the two bare-view baselines
   first, then a realistic mix of roles with locust (headless).
4. Prints the table, writes bench/results.json and bench/latency.png.

Loopback only; every load is bounded in time; everything it starts is stopped at the end.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PY = sys.executable
DB_NAME = os.environ.get("BENCH_DB", "machida_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PORT = int(os.environ.get("BENCH_PORT", "8089"))
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SKIP_SEED = os.environ.get("BENCH_SKIP_SEED") == "1"
# A comma-separated subset of page names (a name matches a page whose name starts with it):
# "coordinator inbox,consultation inbox" measures those two and the two baselines, in a minute.
# A subset run skips the locust mix unless BENCH_MIX_SECONDS says otherwise, and writes its
# results to bench/out/ so that the committed full-run figures stay as they are.
PAGES = [p.strip() for p in os.environ.get("BENCH_PAGES", "").split(",") if p.strip()]
MIX_SECONDS = int(os.environ.get("BENCH_MIX_SECONDS", "0" if PAGES else "30"))
RESULTS_DIR = OUT if PAGES else ROOT / "bench"


def selected(page: dict[str, Any]) -> bool:
    """Baselines always run (every ratio needs them); with BENCH_PAGES, only those pages."""
    return page["baseline"] or not PAGES or any(page["name"].startswith(p) for p in PAGES)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    base.update(
        {
            "DATABASE_URL": f"{PG}/{DB_NAME}",
            "REDIS_URL": REDIS,
            "CONN_MAX_AGE": "600",
            "EMAIL_URL": "locmem://",
            "LOG_LEVEL": "WARNING",
        }
    )
    base.update(extra)
    return base


def manage(*args: str, **extra: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env(**extra), check=True)


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qAtc", sql], check=True)


def prepare_database() -> float:
    log(f"recreating database {DB_NAME}")
    psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{DB_NAME}"')
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, capture_output=True)
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo", "--scale", "small")
    subprocess.run(
        [PY, "-m", "bench.prepare", "--counts-only", "--out", str(OUT / "counts-small.json")],
        cwd=ROOT,
        env=env(),
        check=True,
    )
    log("seeding the large data set")
    started = time.monotonic()
    manage("seed_demo", "--scale", "large")
    seconds = time.monotonic() - started
    log(f"large seed took {seconds:.1f} s")
    subprocess.run(["psql", f"{PG}/{DB_NAME}", "-qAtc", "VACUUM ANALYZE"], check=True)
    return seconds


def start_portal(secret: str) -> list[subprocess.Popen[bytes]]:
    prod = env(
        DJANGO_SETTINGS_MODULE="machida_portal.settings.prod",
        SECRET_KEY=secret,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        BENCH_VIEWS="true",
        # One demo resident posts hundreds of ideas a second here: the benchmark measures the
        # submission path, not the per-person limiter.
        RATE_LIMITS_ENABLED="false",
    )
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=prod, check=True
    )
    logs = OUT / "logs"
    logs.mkdir(exist_ok=True)
    procs = []
    commands = {
        "gunicorn": [
            str(Path(PY).parent / "gunicorn"),
            "machida_portal.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--no-control-socket",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        "worker": [
            PY,
            "-m",
            "celery",
            "-A",
            "machida_portal",
            "worker",
            "-l",
            "WARNING",
            "--concurrency",
            "1",
            "-n",
            f"bench-{os.getpid()}@%h",
        ],
        "beat": [
            PY,
            "-m",
            "celery",
            "-A",
            "machida_portal",
            "beat",
            "-l",
            "WARNING",
            "--schedule",
            str(OUT / "celerybeat-schedule"),
        ],
    }
    for name, command in commands.items():
        handle = open(logs / f"{name}.log", "wb")  # noqa: SIM115
        # The access log goes nowhere: writing it would be work the benchmark measures.
        stdout = subprocess.DEVNULL if name == "gunicorn" else handle
        procs.append(
            subprocess.Popen(
                command, cwd=ROOT, env=prod, stdout=stdout, stderr=handle, start_new_session=True
            )
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2) as r:
                if r.status == 200:
                    return procs
        except OSError:
            time.sleep(0.5)
    stop(procs)
    raise SystemExit("the portal did not start; see bench/out/logs/")


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def quiesce(limit: float = 120) -> None:
    """After a page that writes (thousands of submissions, each with its notifications), let
    the Celery worker send what fell due before the next page is measured: otherwise the next
    page shares the two cores with that backlog and its figure says so, not the page's."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        due = subprocess.run(
            [
                "psql",
                f"{PG}/{DB_NAME}",
                "-qAtc",
                "SELECT count(*) FROM reminders_reminder WHERE status = 'pending' "
                "AND due_at <= now()",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if due == "0":
            log(f"  worker caught up in {time.monotonic() - started:.0f} s")
            return
        time.sleep(2)
    log(f"  worker still had {due} reminders due after {limit:.0f} s; going on")


def drive(page: dict[str, Any], sessions: dict[str, str], seconds: int) -> dict[str, Any]:
    cookie = f"sessionid={sessions[page['role']]}" if page["role"] != "anonymous" else ""
    if page["method"] == "POST":
        token = "b" * 32
        cookie = f"{cookie}; csrftoken={token}" if cookie else f"csrftoken={token}"
    run_env = {
        **os.environ,
        "BENCH_COOKIE": cookie,
        "BENCH_METHOD": page["method"],
        "BENCH_BODY": page["body"].replace("{csrf}", "b" * 32),
        "BENCH_EXPECT": str(page["expect"]),
    }
    result = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(ROOT / "bench" / "wrk.lua"),
            f"http://127.0.0.1:{PORT}{page['path']}",
        ],
        env=run_env,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    )
    line = [ln for ln in result.stdout.splitlines() if ln.startswith("{")][-1]
    return json.loads(line)


def run_mix(sessions: dict[str, str], pages: list[dict[str, Any]]) -> dict[str, Any]:
    if MIX_SECONDS <= 0:
        return {}
    spec = OUT / "mix.json"
    spec.write_text(json.dumps({"sessions": sessions, "pages": pages}))
    csv_prefix = OUT / "mix"
    result = subprocess.run(
        [
            str(Path(PY).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(CONNECTIONS),
            "-r",
            str(CONNECTIONS),
            "-t",
            f"{MIX_SECONDS}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(csv_prefix),
            "--only-summary",
        ],
        env={**os.environ, "BENCH_MIX": str(spec)},
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=MIX_SECONDS + 60,
    )
    (OUT / "mix.log").write_text(result.stdout + result.stderr)
    with (OUT / "mix_stats.csv").open(newline="") as f:
        stats = list(csv.DictReader(f))

    def figures(row: dict[str, str]) -> dict[str, Any]:
        return {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
        }

    total = next(r for r in stats if r["Name"] == "Aggregated")
    return {
        **figures(total),
        "by_request": [
            {"name": r["Name"], **figures(r)} for r in stats if r["Name"] != "Aggregated"
        ],
    }


def chart(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured = [r for r in rows if r.get("rps")]
    names = [r["name"] for r in measured]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(names) + 1.5))
    y = range(len(names))
    ax.barh([i + 0.27 for i in y], [r["p50_ms"] for r in measured], height=0.27, label="p50")
    ax.barh(list(y), [r["p95_ms"] for r in measured], height=0.27, label="p95")
    ax.barh([i - 0.27 for i in y], [r["p99_ms"] for r in measured], height=0.27, label="p99")
    ax.axvline(100, color="red", linestyle="--", linewidth=1, label="goal p95 100 ms")
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.set_xlabel("latency (ms), 16 connections, large data set")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _queries_text(small: dict[str, int] | None, large: dict[str, int] | None) -> str:
    if not small or not large:
        return f"{small}/{large}" if (small or large) else "-"
    return f"{small['cold']}/{large['cold']} ({small['warm']}/{large['warm']})"


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    seed_seconds = None if SKIP_SEED else prepare_database()
    if SKIP_SEED:
        log("BENCH_SKIP_SEED=1: using the database as it is")
    # Sessions carry a hash made with SECRET_KEY: the server must use the same key.
    secret = secrets.token_urlsafe(50)
    subprocess.run(
        [PY, "-m", "bench.prepare", "--out", str(OUT / "plan.json")],
        cwd=ROOT,
        env=env(SECRET_KEY=secret),
        check=True,
    )
    plan = json.loads((OUT / "plan.json").read_text())
    plan["pages"] = [p for p in plan["pages"] if selected(p)]
    if PAGES:
        log(f"BENCH_PAGES: {', '.join(p['name'] for p in plan['pages'])}")
    counts_small = OUT / "counts-small.json"
    small = json.loads(counts_small.read_text()) if counts_small.exists() else {}
    procs = start_portal(secret)
    rows: list[dict[str, Any]] = []
    try:
        for page in plan["pages"]:
            if page.get("mix_only"):
                continue  # each request changes one object: measured in the mix below
            if not page["path"]:
                log(f"skip {page['name']}: not built yet")
                rows.append({"name": page["name"], "skipped": "not built yet"})
                continue
            drive(page, plan["sessions"], 2)  # warm-up: connections, caches, workers
            result = drive(page, plan["sessions"], DURATION)
            result.update(
                name=page["name"],
                role=page["role"],
                path=page["path"],
                method=page["method"],
                public=page["public"],
                baseline=page["baseline"],
                queries_small=small.get(page["name"]),
                queries_large=plan["counts"].get(page["name"]),
            )
            rows.append(result)
            log(
                f"{page['name']}: {result['rps']:.0f} req/s, p95 {result['p95_ms']:.1f} ms, "
                f"errors {result['errors']}"
            )
            if page["method"] == "POST":
                quiesce()
        log(f"realistic mix for {MIX_SECONDS} s (locust)")
        mix = run_mix(
            plan["sessions"], [p for p in plan["pages"] if p["path"] and not p["baseline"]]
        )
    finally:
        stop(procs)
    anon = next(r for r in rows if r["name"] == "bare view (anonymous)")
    auth = next(r for r in rows if r["name"] == "bare view (signed in)")
    for row in rows:
        if row.get("rps") and not row["baseline"]:
            base = anon if row["public"] else auth
            row["ratio"] = round(row["rps"] / base["rps"], 3)
            row["baseline_name"] = base["name"]
            row["goal_met"] = bool(
                row["errors"] == 0
                and row["p95_ms"] <= 100
                and row["ratio"] >= 0.5
                and row["queries_small"] is not None
                and row["queries_small"] == row["queries_large"]
            )
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{os.cpu_count()} cores",
        "connections": CONNECTIONS,
        "seconds_per_page": DURATION,
        "gunicorn_workers": WORKERS,
        "large_seed_seconds": round(seed_seconds, 1) if seed_seconds else None,
        "pages": rows,
        "mix": mix,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    (RESULTS_DIR / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    chart(rows, RESULTS_DIR / "latency.png")
    print()
    print(
        f"{'page':42} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'err':>5} {'ratio':>6} "
        f"{'queries small/large, cold (warm)':>33}"
    )
    for row in rows:
        if not row.get("rps"):
            print(f"{row['name']:42} {'skipped: ' + row.get('skipped', ''):>40}")
            continue
        ratio = f"{row['ratio']:.2f}" if "ratio" in row else "base"
        queries = _queries_text(row.get("queries_small"), row.get("queries_large"))
        print(
            f"{row['name']:42} {row['rps']:8.0f} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f} "
            f"{row['p99_ms']:7.1f} {row['errors']:5d} {ratio:>6} {queries:>33}"
        )
    if mix:
        print(
            f"\nmix ({MIX_SECONDS} s, {CONNECTIONS} users): {mix['requests']} requests, "
            f"{mix['failures']} failures, {mix['rps']:.0f} req/s, p95 {mix['p95_ms']:.0f} ms"
        )
        for row in mix["by_request"]:
            print(
                f"  {row['name']:48} {row['requests']:5d} requests {row['failures']:3d} failed "
                f"p50 {row['p50_ms']:5.0f} p95 {row['p95_ms']:5.0f} ms"
            )
    print(
        f"\nlarge seed {results['large_seed_seconds']} s; whole run {results['total_seconds']} s; "
        f"{(RESULTS_DIR / 'results.json').relative_to(ROOT)}, "
        f"{(RESULTS_DIR / 'latency.png').relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
