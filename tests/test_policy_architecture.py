"""The policy layer holds (decision 0012): a role turns into a power only in
``accounts/capabilities.py``, refusals are decided only in ``accounts/`` and the apps'
``policies.py``, and every status field moves through ``machida_portal.states``.

The checks read the source with ``ast``, so a comment or a docstring that names a role does
not count, and an alias (``from accounts.roles import has_role as hr``) does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ["projects", "sessions", "consultations", "indicators", "directory", "reminders"]
CODE_DIRS = [*APPS, "machida_portal"]

# Role values that only ever mean a directory.Role (the generic ones — "member", "admin",
# "resident" — are also project roles, URL names and words, and are caught through
# ``Role.X`` instead).
ROLE_STRINGS = {"coordinator", "consultation_staff", "welfare_coordinator", "city_staff"}
ROLE_MEMBERS = {
    "RESIDENT",
    "MEMBER",
    "COORDINATOR",
    "CONSULTATION_STAFF",
    "WELFARE_COORDINATOR",
    "CITY_STAFF",
    "ADMIN",
}
# Names that decide access: only the policy modules and accounts/ use them.
POLICY_NAMES = {
    "has_role",
    "role_required",
    "roles_of",
    "roles_with",
    "PermissionDenied",
    "capabilities_of",
}
# Apps whose code has not yet moved into their policies.py (empty: the layer is done; kept
# so a new app can be brought in step by step).
PENDING: set[str] = set()


def _exempt(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    parts = rel.parts
    return (
        rel.name == "policies.py"
        or "migrations" in parts
        or "management" in parts  # demo and benchmark data: who holds which role
        or rel.name == "demo.py"
        or rel.as_posix() == "directory/models.py"  # where Role is defined
    )


def _sources() -> list[Path]:
    return [
        path
        for top in CODE_DIRS
        if top not in PENDING
        for path in sorted((ROOT / top).rglob("*.py"))
        if not _exempt(path)
    ]


def _role_aliases(tree: ast.AST) -> set[str]:
    """Local names bound to ``directory.models.Role``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "directory.models":
            for alias in node.names:
                if alias.name == "Role":
                    names.add(alias.asname or "Role")
    return names


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roles = _role_aliases(tree)
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in roles
            and node.attr in ROLE_MEMBERS
        ):
            found.append(f"{where} Role.{node.attr}")
        elif isinstance(node, ast.Constant) and node.value in ROLE_STRINGS:
            found.append(f"{where} role name {node.value!r}")
        elif isinstance(node, ast.Name) and node.id in POLICY_NAMES:
            found.append(f"{where} {node.id}")
        elif isinstance(node, ast.alias) and node.name in POLICY_NAMES:
            found.append(f"{where} import {node.name}")
        elif isinstance(node, ast.Attribute) and node.attr in POLICY_NAMES:
            found.append(f"{where} .{node.attr}")
    return found


def test_no_role_or_refusal_outside_the_policy_modules() -> None:
    offences = [o for path in _sources() for o in _offences(path)]
    assert offences == [], "\n".join(offences)


def test_every_app_with_views_has_a_policies_module() -> None:
    missing = [
        app for app in APPS if app not in PENDING and not (ROOT / app / "policies.py").exists()
    ]
    assert missing == []


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The detector itself: each kind of offence in a throwaway module is reported."""
    sample = ROOT / "projects" / "_architecture_probe.py"
    sample.write_text(
        "from directory.models import Role as R\n"
        "from django.core.exceptions import PermissionDenied\n"
        "from accounts.roles import has_role\n"
        "X = R.CITY_STAFF\n"
        "Y = 'welfare_coordinator'\n",
        encoding="utf-8",
    )
    try:
        found = _offences(sample)
    finally:
        sample.unlink()
    kinds = " ".join(found)
    assert "Role.CITY_STAFF" in kinds
    assert "'welfare_coordinator'" in kinds
    assert "import PermissionDenied" in kinds
    assert "import has_role" in kinds


@pytest.mark.parametrize(
    "app, machine",
    [
        ("projects", "IDEA_STATES"),
        ("consultations", "SHEET_STATES"),
        ("consultations", "CONSULTATION_STATES"),
        ("consultations", "OUTREACH_STATES"),
        ("indicators", "MEASUREMENT_STATES"),
        ("sessions", "SESSION_STATES"),
        ("sessions", "REGISTRATION_STATES"),
        ("sessions", "INVITATION_STATES"),
    ],
)
def test_each_status_moves_through_one_state_machine(app: str, machine: str) -> None:
    if app in PENDING:
        pytest.skip(f"{app} has not moved to the policy layer yet")
    from importlib import import_module

    from machida_portal.states import StateMachine

    module = import_module(f"{app}.policies")
    assert isinstance(getattr(module, machine), StateMachine)


STATUS_FIELDS = {"status", "consent_status"}


def test_no_status_is_set_by_hand() -> None:
    """Outside the state helper, demo data and migrations, no code assigns a status field
    (``x.status = …``): it moves through a machine, which writes the history."""
    offences = []
    for path in _sources():
        if path.parts[-2] == "reminders" or path.name == "states.py":
            continue  # reminders' delivery states are the sender's own bookkeeping
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr in STATUS_FIELDS:
                        offences.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            elif (  # setattr(x, "status", …) is the same thing spelled differently
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in STATUS_FIELDS
            ):
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno} setattr")
    assert offences == [], "\n".join(offences)
