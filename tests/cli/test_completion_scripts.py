"""The committed scripts in ``completions/`` are what ``make completions`` writes now."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from proj.cli.completion_scripts import SCRIPTS, completion_script, main, write_scripts

COMMITTED = Path(__file__).resolve().parents[2] / "completions"
PROJ = str(Path(sys.executable).parent / "proj")


@pytest.mark.parametrize("shell", sorted(SCRIPTS))
def test_committed_script_is_up_to_date(shell: str, tmp_path: Path) -> None:
    write_scripts(tmp_path)
    fresh = (tmp_path / SCRIPTS[shell]).read_bytes()
    committed = COMMITTED / SCRIPTS[shell]
    assert committed.is_file(), f"{committed} is missing: run `make completions`"
    assert committed.read_bytes() == fresh, f"{committed} is stale: run `make completions`"


@pytest.mark.parametrize("shell", sorted(SCRIPTS))
def test_script_matches_show_completion(shell: str) -> None:
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    shown = subprocess.run(
        [PROJ, "--show-completion", shell], capture_output=True, text=True, env=env, check=True
    )
    assert shown.stdout == completion_script(shell)


def test_scripts_call_proj_back_with_its_complete_variable() -> None:
    bash = completion_script("bash")
    assert "_PROJ_COMPLETE=complete_bash" in bash
    assert bash.rstrip().endswith("complete -o default -F _proj_completion proj")
    assert "_PROJ_COMPLETE=complete_zsh" in completion_script("zsh")
    assert "_PROJ_COMPLETE=complete_fish" in completion_script("fish")


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in write_scripts(tmp_path / "a")]
    second = [p.read_bytes() for p in write_scripts(tmp_path / "b")]
    assert first == second


def test_module_entry_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(SCRIPTS.values())
    assert capsys.readouterr().out.count("wrote ") == 3
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err


def test_unknown_shell() -> None:
    with pytest.raises(ValueError, match="powershell"):
        completion_script("powershell")
