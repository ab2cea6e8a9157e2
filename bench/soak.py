"""`make soak`: the reliability suite. Bounded, loopback only, stops by itself.

It runs its own PostgreSQL (port 5441) and Redis (port 6391) in a temporary folder, so it can
stop and restart them without touching the machine's services, and the portal in production
shape on 127.0.0.1:8091 (gunicorn, a Celery worker and beat). Each scenario prints what it
did and what it checked, with counts, and the run ends non-zero if any check failed.

Scenarios: concurrent submissions (every success stored once, no 5xx, no overbooking); a
Celery worker killed with SIGKILL mid-batch (every reminder sent exactly once); Redis
stopped for 30 s under load (pages and submissions keep working; reminders due meanwhile go
out once it is back); PostgreSQL restarted under load (a clean 503 during the gap, recovery
without a restart of the portal); two people racing on the same object (one wins, the
history is consistent).
"""

from __future__ import annotations

import contextlib
import email
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from bench.fake_line import FakeLine

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PG_BIN = Path(os.environ.get("SOAK_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT, REDIS_PORT, WEB_PORT = 5441, 6391, 8091
BASE = f"http://127.0.0.1:{WEB_PORT}"
FAILURES: list[str] = []
LINE_TOKEN = "soak-line-token"  # noqa: S105 (the fake's, nobody else's)
CHECKS: list[dict[str, object]] = []


_SCENARIO = [""]


def log(message: str) -> None:
    if message.startswith("scenario: "):
        _SCENARIO[0] = message.removeprefix("scenario: ")
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


def check(ok: bool, what: str) -> None:
    log(("  ok    " if ok else "  FAIL  ") + what)
    CHECKS.append({"scenario": _SCENARIO[0], "ok": ok, "check": what})
    if not ok:
        FAILURES.append(what)


class Services:
    """A private PostgreSQL and Redis, and the portal's processes, under one temp folder."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="machida-soak-"))
        shutil.chown(self.dir, "postgres")
        self.mail = self.dir / "mail"
        self.mail.mkdir()
        self.mail.chmod(0o777)
        self.secret = secrets.token_urlsafe(50)
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.line = FakeLine(token=LINE_TOKEN).start()

    # -- PostgreSQL ----------------------------------------------------------------------
    def pg(self, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / args[0]), *args[1:]],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )

    def pg_init(self) -> None:
        self.pg(
            "initdb",
            "-D",
            str(self.dir / "pg"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.pg_start()
        self.sql("CREATE DATABASE machida_soak", db="postgres")

    def pg_start(self) -> None:
        self.pg(
            "pg_ctl",
            "-D",
            str(self.dir / "pg"),
            "-l",
            str(self.dir / "pg.log"),
            "-w",
            "-o",
            f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200",
            "start",
        )

    def pg_restart(self) -> None:
        self.pg(
            "pg_ctl",
            "-D",
            str(self.dir / "pg"),
            "-l",
            str(self.dir / "pg.log"),  # a server started without -l holds our pipe open
            "-m",
            "fast",
            "-w",
            "restart",
            "-o",
            f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200",
        )

    def sql(self, query: str, db: str = "machida_soak") -> str:
        return subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(PG_PORT),
                "-U",
                "postgres",
                "-d",
                db,
                "-qAtc",
                query,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    # -- Redis ---------------------------------------------------------------------------
    def redis_start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                str(REDIS_PORT),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
                "--pidfile",
                str(self.dir / "redis.pid"),
            ],
            check=True,
            capture_output=True,
        )
        for _ in range(50):
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True
                ).returncode
                == 0
            ):
                return
            time.sleep(0.1)

    def redis_stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True
        )

    # -- the portal ----------------------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        base.update(
            {
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/machida_soak",
                "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
                "CONN_MAX_AGE": "600",
                "SECRET_KEY": self.secret,
                "EMAIL_URL": f"file://{self.mail}",
                "LOG_LEVEL": "WARNING",
                "REMINDER_SEND_INTERVAL_SECONDS": "2",
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "REQUIRE_STAFF_MFA": "false",
                # 1,000 submissions from six demo people would trip the per-person limits.
                "RATE_LIMITS_ENABLED": "false",
                "LINE_MESSAGING_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
                "LINE_MESSAGING_API_HOST": self.line.url,
            }
        )
        base.update(extra)
        return base

    def manage(self, *args: str) -> str:
        return subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def start(self, name: str) -> None:
        prod = self.env(DJANGO_SETTINGS_MODULE="machida_portal.settings.prod")
        commands = {
            "web": [
                str(Path(PY).parent / "gunicorn"),
                "machida_portal.wsgi",
                "--bind",
                f"127.0.0.1:{WEB_PORT}",
                "--workers",
                "3",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--no-control-socket",
                "--timeout",
                "60",
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
                f"soak-{time.time_ns()}@%h",
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
                str(self.dir / "beat-schedule"),
            ],
        }
        out = open(self.dir / f"{name}.log", "ab")  # noqa: SIM115
        self.procs[name] = subprocess.Popen(
            commands[name], cwd=ROOT, env=prod, stdout=out, stderr=out, start_new_session=True
        )
        if name == "web":
            wait_for(lambda: get("/healthz") == 200, 60, "the portal to answer")

    def kill(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(20)

    def close(self) -> None:
        for name in list(self.procs):
            self.kill(name)
        web_log = self.dir / "web.log"
        if web_log.exists() and web_log.stat().st_size:
            log("last lines of the portal's log:")
            print(web_log.read_text(errors="replace")[-3000:], flush=True)
        self.redis_stop()
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg("pg_ctl", "-D", str(self.dir / "pg"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.line.stop()


def _cookies(session: requests.Session | None) -> dict[str, str]:
    """Production settings mark cookies Secure; the soak talks plain HTTP on loopback, where
    requests would withhold them, so they are sent by hand."""
    if session is None:
        return {}
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in session.cookies)}


def get(path: str, session: requests.Session | None = None) -> int:
    try:
        return (
            (session or requests)
            .get(BASE + path, timeout=10, allow_redirects=False, headers=_cookies(session))
            .status_code
        )
    except requests.RequestException:
        return 0


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    log(f"  gave up waiting for {what} after {seconds:.0f} s")
    return False


def signed_in(services: Services, email_address: str) -> requests.Session:
    """A browser-like session for a demo user, signed in through the real sign-in form."""
    s = requests.Session()
    s.get(BASE + "/accounts/login/", timeout=10)
    token = s.cookies.get("csrftoken", "")
    r = s.post(
        BASE + "/accounts/login/",
        data={
            "login": email_address,
            "password": "machida-demo-2026",
            "csrfmiddlewaretoken": token,
        },
        headers={"Referer": BASE + "/accounts/login/", **_cookies(s)},
        timeout=10,
        allow_redirects=False,
    )
    if r.status_code != 302:
        raise SystemExit(f"could not sign in as {email_address}: {r.status_code}")
    return s


def post_form(s: requests.Session, path: str, data: dict[str, str]) -> int:
    try:
        r = s.post(
            BASE + path,
            data={**data, "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")},
            headers={"Referer": BASE + path, **_cookies(s)},
            timeout=20,
            allow_redirects=False,
        )
        return r.status_code
    except requests.RequestException:
        return 0


def message_ids(folder: Path) -> list[str]:
    ids = []
    for path in folder.iterdir():
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if chunk.strip():
                ids.append(email.message_from_string(chunk.strip())["Message-ID"] or "")
    return ids


def insert_reminders(
    services: Services,
    n: int,
    prefix: str,
    due_in_seconds: int = 0,
    email_address: str = "resident@example.jp",
    kind: str = "soak",
) -> None:
    user_id = services.sql(f"SELECT id FROM accounts_user WHERE email='{email_address}'")
    services.sql(
        "INSERT INTO reminders_reminder (kind, idempotency_key, recipient_id, recipient_email, "
        "due_at, status, subject, body, url, object_id, send_email, attempts, last_error, "
        "line_retry_key, delivered_by, line_error, message_id, calendar, "
        f"created_at) SELECT '{kind}', '{prefix}-' || g, {user_id}, '', "
        f"now() + interval '{due_in_seconds} seconds', 'pending', 'soak ' || g, 'body', '', '', "
        f"true, 0, '', gen_random_uuid(), '', '', '<soak-' || gen_random_uuid() || "
        f"'@machida-portal>', '', now() FROM generate_series(1, {n}) g"
    )


# Issue 15: part of the killed worker's reminders go to a person who linked LINE and chose it
# for notices about ideas; the portal pushes them to a fake Messaging API in this process.
LINE_PERSON = "member@example.jp"
LINE_UID = "U" + "5" * 32
LINE_KIND = "projects.idea_event"


def link_line(services: Services) -> None:
    user_id = services.sql(f"SELECT id FROM accounts_user WHERE email='{LINE_PERSON}'")
    services.sql(
        "INSERT INTO socialaccount_socialaccount (user_id, provider, uid, last_login, "
        f"date_joined, extra_data) VALUES ({user_id}, 'line', '{LINE_UID}', now(), now(), '{{}}')"
    )
    services.sql(
        'INSERT INTO reminders_noticepreference (user_id, "group", channel) '
        f"VALUES ({user_id}, 'ideas', 'line')"
    )


def counts(services: Services, prefix: str) -> tuple[int, int]:
    sent = int(
        services.sql(
            f"SELECT count(*) FROM reminders_reminder WHERE idempotency_key LIKE "
            f"'{prefix}-%' AND status='sent'"
        )
    )
    notes = int(
        services.sql(
            "SELECT count(*) FROM reminders_notification n JOIN reminders_reminder r ON "
            f"n.reminder_id = r.id WHERE r.idempotency_key LIKE '{prefix}-%'"
        )
    )
    return sent, notes


class Load:
    """Background load: signed-in GETs and profile submissions from a few threads."""

    def __init__(self, services: Services, threads: int = 8) -> None:
        self.services = services
        self.threads = threads
        self.stop_event = threading.Event()
        self.statuses: Counter[int] = Counter()
        self.submitted: list[str] = []
        self.lock = threading.Lock()
        self.workers: list[threading.Thread] = []

    def _run(self, index: int) -> None:
        try:
            s = signed_in(self.services, "resident@example.jp")
        except BaseException as exc:  # a thread that cannot sign in must be visible
            log(f"  load thread {index} could not sign in: {exc}")
            with self.lock:
                self.statuses[-1] += 1
            return
        n = 0
        while not self.stop_event.is_set():
            n += 1
            for path in ("/", "/notifications/", "/directory/organizations/"):
                code = get(path, s)
                with self.lock:
                    self.statuses[code] += 1
            name = f"soak-{index}-{n}"
            code = post_form(s, "/me/", {"display_name": name[:50]})
            with self.lock:
                self.statuses[code] += 1
                if code == 302:
                    self.submitted.append(name)
            time.sleep(0.05)

    def __enter__(self) -> Load:
        for i in range(self.threads):
            t = threading.Thread(target=self._run, args=(i,), daemon=True)
            t.start()
            self.workers.append(t)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop_event.set()
        for t in self.workers:
            t.join(30)


# -- scenarios ---------------------------------------------------------------------------


def scenario_worker_killed(services: Services) -> None:
    log("scenario: a Celery worker killed with SIGKILL in the middle of 5,000 due reminders")
    for path in services.mail.iterdir():
        path.unlink()
    link_line(services)
    # Interleaved by id: the kill falls among both kinds of delivery.
    for start in range(0, 5000, 500):
        insert_reminders(services, 300, f"kill-mail{start}")
        insert_reminders(
            services, 200, f"kill-line{start}", email_address=LINE_PERSON, kind=LINE_KIND
        )
    wait_for(lambda: counts(services, "kill")[0] >= 800, 120, "the first reminders to go out")
    sent_before, _ = counts(services, "kill")
    services.kill("worker", signal.SIGKILL)
    log(f"  killed the worker after {sent_before} of 5000")
    time.sleep(2)
    services.start("worker")
    wait_for(lambda: counts(services, "kill")[0] >= 5000, 240, "all 5,000 to be sent")
    time.sleep(3)
    sent, notes = counts(services, "kill")
    # Only this scenario's reminders: the earlier ones' emails may still be arriving.
    mine = set(
        services.sql(
            "SELECT message_id FROM reminders_reminder WHERE idempotency_key LIKE 'kill-%'"
        ).split()
    )
    ids = [i for i in message_ids(services.mail) if i in mine]
    dupes = len(ids) - len(set(ids))
    check(sent == 5000, f"{sent} of 5000 reminders marked sent")
    check(notes == 5000, f"{notes} in-portal notifications for 5000 reminders (one each)")
    check(len(set(ids)) == 3000, f"{len(set(ids))} distinct emails for the 3000 by email")
    check(dupes <= 1, f"{dupes} duplicate email(s) (at most the one in flight at the kill)")
    # LINE: every reminder for LINE pushed once, under its own row's retry key.
    line_keys = set(
        services.sql(
            "SELECT line_retry_key FROM reminders_reminder WHERE idempotency_key LIKE "
            "'kill-line%' AND status='sent' AND delivered_by='line'"
        ).split()
    )
    pushed = services.line.counts()
    delivered = Counter(pushed["delivered_keys"])
    mine_pushed = [key for key in delivered if key in line_keys]
    check(len(line_keys) == 2000, f"{len(line_keys)} of 2000 LINE reminders sent by LINE")
    check(
        len(mine_pushed) == 2000 and set(mine_pushed) == line_keys,
        f"{len(mine_pushed)} distinct retry keys delivered by the fake LINE for 2000 reminders",
    )
    twice = sum(1 for key in line_keys if delivered[key] > 1)
    check(twice == 0, f"{twice} LINE message(s) delivered twice ({pushed['requests']} requests)")


def scenario_redis_down(services: Services) -> None:
    log("scenario: Redis stopped for 30 s under load")
    with Load(services) as load:
        time.sleep(5)
        insert_reminders(services, 200, "redis", due_in_seconds=10)
        services.redis_stop()
        log("  Redis stopped")
        time.sleep(30)
        during = Counter(load.statuses)
        services.redis_start()
        log("  Redis started again")
        time.sleep(5)
    total = sum(load.statuses.values())
    errors = sum(v for k, v in load.statuses.items() if k >= 500 or k == 0)
    check(errors == 0, f"{errors} errors in {total} requests (statuses {dict(load.statuses)})")
    check(
        sum(during.values()) > 0, f"{sum(during.values())} requests answered while Redis was down"
    )
    final_name = services.sql(
        "SELECT display_name FROM accounts_user WHERE email='resident@example.jp'"
    )
    stored = 1 if final_name in set(load.submitted) else 0
    check(
        bool(load.submitted) and stored == 1,
        f"{len(load.submitted)} profile submissions reported success; the last one is stored",
    )
    wait_for(lambda: counts(services, "redis")[0] >= 200, 90, "reminders due during the outage")
    sent, notes = counts(services, "redis")
    check(
        sent == 200 and notes == 200,
        f"{sent} of 200 reminders due during the outage sent, {notes} notifications",
    )


def scenario_postgres_restart(services: Services) -> None:
    log("scenario: PostgreSQL restarted under load")
    with Load(services) as load:
        time.sleep(4)
        before = Counter(load.statuses)
        services.pg_restart()
        log("  PostgreSQL restarted")
        time.sleep(8)
    during_and_after = load.statuses - before
    five_hundreds = sum(v for k, v in during_and_after.items() if k >= 500 and k != 503)
    check(five_hundreds == 0, f"no 5xx but 503 during the gap (statuses {dict(during_and_after)})")
    s = signed_in(services, "resident@example.jp")
    recovered = [get("/", s) for _ in range(20)]
    check(
        all(c == 200 for c in recovered),
        f"after the restart 20 of 20 pages answer 200: {recovered}",
    )


def scenario_submissions(services: Services) -> None:
    """1,000 submissions from 50 concurrent clients: each success stored once, no 5xx."""
    from bench.soak_targets import SUBMISSIONS

    for target in SUBMISSIONS:
        log(f"scenario: {target.name}")
        plan = target.prepare(services)
        if plan is None:
            log("  skipped: not built yet")
            continue
        sessions = [signed_in(services, plan["emails"][i % len(plan["emails"])]) for i in range(50)]
        results: Counter[int] = Counter()
        lock = threading.Lock()
        ok_markers: list[str] = []

        def client(
            i: int,
            plan: dict[str, Any] = plan,
            target: Any = target,
            sessions: list[requests.Session] = sessions,
            lock: threading.Lock = lock,
            results: Counter[int] = results,
            ok_markers: list[str] = ok_markers,
        ) -> None:
            for n in range(plan["per_client"]):
                marker = f"soak{i:02d}x{n:03d}"
                code = post_form(sessions[i], plan["path"](i, n), target.data(marker, i, n))
                with lock:
                    results[code] += 1
                    if code == plan["success"]:
                        ok_markers.append(marker)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        errors = sum(v for k, v in results.items() if k >= 500 or k == 0)
        check(
            errors == 0,
            f"{errors} 5xx/connection errors in {sum(results.values())} posts ({dict(results)})",
        )
        for ok, what in target.verify(services, ok_markers, plan):
            check(ok, what)


def _press(
    barrier: threading.Barrier,
    codes: list[int],
    person: requests.Session,
    path: str,
    data: dict[str, str],
) -> None:
    barrier.wait()
    codes.append(post_form(person, path, data))


def scenario_races(services: Services) -> None:
    from bench.soak_targets import RACES

    for race in RACES:
        log(f"scenario: {race.name}")
        plan = race.prepare(services)
        if plan is None:
            check(False, "no data to race on (the demo seed has changed?)")
            continue
        people = [signed_in(services, e) for e in plan["emails"]]
        statuses: list[int] = []
        for pair in plan["rounds"]:
            barrier = threading.Barrier(len(pair))
            threads = [
                threading.Thread(target=_press, args=(barrier, statuses, people[who], path, data))
                for who, path, data in pair
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        codes = Counter(statuses)
        bad = sum(v for k, v in codes.items() if k >= 500 or k == 0)
        check(
            bad == 0,
            f"{bad} 5xx/connection errors in {sum(codes.values())} posts "
            f"({len(plan['rounds'])} rounds of two at once)",
        )
        for ok, what in race.verify(services, plan):
            check(ok, what)


def main() -> None:
    if os.geteuid() != 0:
        raise SystemExit("make soak runs its own PostgreSQL as the postgres user: run it as root")
    started = time.monotonic()
    services = Services()
    try:
        log(f"private PostgreSQL :{PG_PORT} and Redis :{REDIS_PORT} in {services.dir}")
        services.pg_init()
        services.redis_start()
        services.manage("migrate", "--noinput", "-v0")
        services.manage("seed_demo")
        # Production settings serve hashed static files from a manifest, which a fresh
        # clone does not have yet.
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=services.env(DJANGO_SETTINGS_MODULE="machida_portal.settings.prod"),
            check=True,
        )
        for name in ("web", "worker", "beat"):
            services.start(name)
        scenarios = {
            "submissions": scenario_submissions,
            "worker": scenario_worker_killed,
            "redis": scenario_redis_down,
            "postgres": scenario_postgres_restart,
            "races": scenario_races,  # after submissions: it merges the ideas they sent
        }
        chosen = os.environ.get("SOAK_SCENARIOS", ",".join(scenarios)).split(",")
        for name in chosen:
            scenarios[name.strip()](services)
    finally:
        services.close()
    log(f"done in {time.monotonic() - started:.0f} s: {len(FAILURES)} failed check(s)")
    for failure in FAILURES:
        log(f"  FAILED: {failure}")
    Path(ROOT / "bench" / "soak-results.json").write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%d %H:%M:%S"),
                "failures": FAILURES,
                "checks": CHECKS,
                "seconds": round(time.monotonic() - started),
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
