"""The core (matching, loading, validation, lint) never imports `telegram`."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CORE = [
    "bot.matcher",
    "bot.loader",
    "bot.library",
    "bot.normalise",
    "bot.safety",
    "bot.decide",
    "bot.responder",
    "bot.evaluate",
    "bot.yamlsource",
]
OPTIONAL_CORE = ["bot.lint", "bot.services"]  # checked when they exist

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "telegram" or m.startswith("telegram."))
ours = sorted(m for m in sys.modules if m.startswith("bot."))
print(json.dumps({"telegram": loaded, "bot": ours}))
"""


def core_modules() -> list[str]:
    return CORE + [name for name in OPTIONAL_CORE if importlib.util.find_spec(name) is not None]


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
