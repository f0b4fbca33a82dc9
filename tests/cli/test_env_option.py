"""``--env`` naming no configuration folder is a usage error (exit 2) in every command
that takes it, before anything starts (IPython, Jupyter, a server, a kernel install)."""

from __future__ import annotations

from pathlib import Path

import pytest

from proj.cli.main import main

COMMANDS = [
    ["run"],
    ["catalog", "list"],
    ["ipython"],
    ["kernel", "install"],
    ["jupyter", "lab", "--no-browser"],
    ["jupyter", "notebook", "--no-browser"],
    ["jupyter", "new", "notebooks/x.ipynb"],
    ["viz", "run", "--no-browser", "--port", "0"],
    ["viz", "build", "--output", "site"],
    ["viz", "export", "--format", "json"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_missing_env_folder_is_a_usage_error(
    command: list[str],
    project: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for var in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    with pytest.raises(SystemExit) as exited:
        main([*command, "--env", "staging"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Environment 'staging'" in err
    assert "local" in err  # the environments there are
    assert "Traceback" not in err
    assert not (project / "notebooks" / "x.ipynb").exists()
    assert not (project / "site").exists()
    assert not (tmp_path / "jupyter_data_dir" / "kernels").exists()


def test_an_existing_env_is_accepted(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "conf" / "staging").mkdir()
    with pytest.raises(SystemExit) as exited:
        main(["catalog", "list", "--env", "staging"])
    assert exited.value.code == 0, capsys.readouterr().err
