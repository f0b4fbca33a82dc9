"""Project discovery: a pyproject.toml that is not UTF-8 is one clean error line."""

from __future__ import annotations

from pathlib import Path

import pytest

from proj.cli.main import main
from proj.exceptions import ProjectError
from proj.framework.project import find_project, read_metadata

LATIN1 = b'[tool.proj]\npackage_name = "shop"\n# Caf\xe9 owner\n'


def test_a_non_utf8_pyproject_names_file_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "src" / "shop").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_bytes(LATIN1)
    for call in (lambda: read_metadata(tmp_path), lambda: find_project(tmp_path / "src")):
        with pytest.raises(ProjectError) as info:
            call()
        assert info.value.message == (
            f"{tmp_path.resolve() / 'pyproject.toml'}:3:6 is not UTF-8 (byte 0xe9); TOML "
            "files must be UTF-8."
        )
        assert info.value.__cause__ is None


@pytest.mark.parametrize("command", [["run"], ["info"], ["pipeline", "list"]])
def test_commands_print_one_clean_line(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "src" / "shop").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_bytes(LATIN1)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(command)
    err = capsys.readouterr().err
    assert exited.value.code == 1, err
    assert "Traceback" not in err
    assert "UnicodeDecodeError" not in err
    assert err.startswith("Error: ") and "pyproject.toml:3:6 is not UTF-8" in err
