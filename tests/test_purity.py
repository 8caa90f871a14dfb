"""Below the Telegram adapter nothing loads `telegram` when it runs.

`lint-imports` (pyproject.toml, [tool.importlinter]) checks the imports written in bot/; this
test imports every module of the lower layers in a fresh interpreter, so it also sees what a
third-party package or a dynamic import would pull in.
"""

from __future__ import annotations

import importlib.util
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import bot

# A fresh interpreter importing every lower module takes seconds; `make test` has lint-imports.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]

LOWER_LAYERS = ["core", "content", "evaluation", "services", "analytics"]

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "telegram" or m.startswith("telegram."))
ours = sorted(m for m in sys.modules if m.startswith("bot."))
print(json.dumps({"telegram": loaded, "bot": ours}))
"""


def core_modules() -> list[str]:
    return [
        info.name
        for layer in LOWER_LAYERS
        for info in pkgutil.walk_packages(
            [str(Path(bot.__file__).parent / layer)], prefix=f"bot.{layer}."
        )
    ]


def modules_loaded_by(names: list[str]) -> dict[str, list[str]]:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *names],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    loaded: dict[str, list[str]] = json.loads(run.stdout)
    return loaded


def test_core_never_imports_telegram() -> None:
    names = core_modules()
    loaded = modules_loaded_by(names)
    assert set(names) <= set(loaded["bot"])  # every module really was imported
    assert loaded["telegram"] == []


def test_the_probe_would_see_telegram() -> None:
    # Guards against a check that could never fail: importing telegram is seen.
    assert importlib.util.find_spec("telegram") is not None
    assert "telegram" in modules_loaded_by(["telegram"])["telegram"]
