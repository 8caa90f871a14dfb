"""Files nobody should put in a library folder, made for tests: each maker writes one at `path`."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

from bot.core.yamlsource import MAX_FILE_BYTES


def alias_bomb() -> str:
    """353 bytes that PyYAML would build into 9**9 strings (the billion laughs)."""
    lines = ["version: 1", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def nested(depth: int) -> str:
    return "version: 1\nx: " + "[" * depth + "]" * depth + "\n"


def write(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


def link_to(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def link_out_of_the_folder(path: Path) -> None:
    outside = path.parent.parent / "elsewhere.yaml"
    outside.write_text("version: 1\ntopic: Elsewhere\nintents: []\n", encoding="utf-8")
    path.symlink_to(outside)


def fifo(path: Path) -> None:
    os.mkfifo(path)


def unix_socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))  # the file stays after the socket is closed
    server.close()


def huge(path: Path) -> None:
    with path.open("wb") as handle:
        handle.write(b"version: 1\n# " + b"x" * MAX_FILE_BYTES + b"\n")
