"""Import hygiene (in the spirit of click's tests/test_imports.py).

advisor_core must be importable without Rasa (the action server and the CLI depend on it, not the
other way round) and importing it must not touch the file system: no ``var/`` folder, no SQLite
file, no data files read (the loaders are lazy).

Each check runs in a fresh interpreter so modules imported by other tests cannot hide a problem.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import advisor_core

PACKAGE_DIR = Path(advisor_core.__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent

# Not importable as plain modules: ``__main__`` runs the CLI and exits; the Alembic
# ``migrations`` scripts need Alembic's runtime context (they are run by ``migrate``).
SKIPPED_PARTS = {"__main__", "migrations"}


def all_modules() -> list[str]:
    """Every advisor_core module, found by walking the files (so a sub-package that lacks an
    ``__init__.py``, which pkgutil.walk_packages would not descend into, is not missed)."""
    names = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        if SKIPPED_PARTS & set(parts) or "__pycache__" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


IMPORT_SCRIPT = r"""
import importlib, json, os, sys
names = json.loads(sys.argv[1])
errors = {}
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:  # report, don't stop
        errors[name] = f"{type(exc).__name__}: {exc}"
from advisor_core.adapters.datafiles import default_catalog, default_questionnaire
print(json.dumps({
    "modules": sorted(sys.modules),
    "errors": errors,
    "data_loaded": default_questionnaire.cache_info().currsize + default_catalog.cache_info().currsize,
}))
"""


def run_imports(names: list[str], cwd: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "ADVISOR_VAR_DIR", "PYTHONSTARTUP")}
    env["PYTHONPATH"] = str(PROJECT_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT, json.dumps(names)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    cwd = tmp_path_factory.mktemp("import_cwd")
    return run_imports(all_modules(), cwd), cwd


def test_module_list_is_complete() -> None:
    names = all_modules()
    for expected in ("advisor_core", "advisor_core.domain.scoring", "advisor_core.domain.recommendation",
                     "advisor_core.adapters.datafiles", "advisor_core.identity", "advisor_core.errors",
                     "advisor_core.settings"):
        assert expected in names
    assert not any(n.endswith("__main__") or ".migrations" in n for n in names)


def test_every_module_imports(imported: tuple[dict[str, object], Path]) -> None:
    result, _ = imported
    assert result["errors"] == {}
    for name in all_modules():
        assert name in result["modules"]


def test_no_rasa_imported(imported: tuple[dict[str, object], Path]) -> None:
    result, _ = imported
    rasa = [m for m in result["modules"]  # type: ignore[union-attr]
            if m in ("rasa", "rasa_sdk") or m.startswith(("rasa.", "rasa_sdk."))]
    assert rasa == []


def test_importing_creates_no_files(imported: tuple[dict[str, object], Path]) -> None:
    _, cwd = imported
    assert list(cwd.iterdir()) == []
    assert not (cwd / "var").exists()


def test_data_files_not_read_at_import(imported: tuple[dict[str, object], Path]) -> None:
    result, _ = imported
    assert result["data_loaded"] == 0


def test_top_level_import_alone(tmp_path: Path) -> None:
    result = run_imports(["advisor_core"], tmp_path)
    assert result["errors"] == {}
    assert not any(m == "rasa" or m.startswith("rasa.") or m.startswith("rasa_sdk")
                   for m in result["modules"])  # type: ignore[union-attr]
    assert list(tmp_path.iterdir()) == []
