"""The realistic mix for `make bench`: each simulated person takes a role and browses that
role's key pages (and posts its submissions) with think time. Sessions come from the plan
that bench.prepare wrote; run by bench/run.py."""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["BENCH_MIX"]).read())  # noqa: SIM115
PAGES = PLAN["pages"]
ROLES = sorted({p["role"] for p in PAGES})
_NEXT_ROLE = itertools.count()


class Person(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        # Round robin, so every role has its share of the simulated people.
        self.role = ROLES[next(_NEXT_ROLE) % len(ROLES)]
        self.pages = [p for p in PAGES if p["role"] == self.role]
        if self.role != "anonymous":
            self.client.cookies.set("sessionid", PLAN["sessions"][self.role])
        self.client.cookies.set("csrftoken", "b" * 32)

    @task
    def visit(self) -> None:
        page = random.choice(self.pages)
        path = random.choice(page["paths"]) if page.get("paths") else page["path"]
        if page["method"] == "POST":
            body = page["body"].replace("{n}", uuid.uuid4().hex).replace("{csrf}", "b" * 32)
            with self.client.post(
                path,
                data=body,
                name=page["name"],
                catch_response=True,
                allow_redirects=False,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ) as r:
                if r.status_code != page["expect"]:
                    r.failure(f"status {r.status_code}")
        else:
            with self.client.get(
                path, name=page["name"], catch_response=True, allow_redirects=False
            ) as r:
                if r.status_code != page["expect"]:
                    r.failure(f"status {r.status_code}")
