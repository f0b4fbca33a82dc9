"""Atomic text files: whole or not there, permissions kept, no temporary files left."""

from __future__ import annotations

from pathlib import Path

import pytest

from proj.framework.files import write_text_atomic


def test_writes_text_and_creates_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.txt"
    write_text_atomic(target, "héllo\n")
    assert target.read_bytes() == "héllo\n".encode()
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_replacing_keeps_the_permission_bits(tmp_path: Path) -> None:
    target = tmp_path / "script.sh"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o750)
    write_text_atomic(target, "new", durable=False)
    assert target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o750


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("precious", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(target, "lone surrogate \udc80 cannot be UTF-8")
    assert target.read_text(encoding="utf-8") == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
