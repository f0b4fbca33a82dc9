"""Writing exports and static sites: atomic, and never over a file proj did not write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from proj.exceptions import VizError
from proj.viz.files import MARKER, write_output, written_by_proj


def test_a_new_file_and_its_folders_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "graph.dot"
    write_output(target, f"// {MARKER}\n")
    assert target.read_text() == f"// {MARKER}\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.dot"]
    assert written_by_proj(target)


def test_a_file_proj_wrote_is_replaced_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "graph.mmd"
    write_output(target, f"flowchart TD\n%% {MARKER}\n")
    os.chmod(target, 0o640)
    write_output(target, f"flowchart TD\n%% {MARKER}\n    a --> b\n")
    assert target.read_text().endswith("a --> b\n")
    assert target.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("text", ["", "\n  \n"])
def test_an_empty_file_may_be_replaced(tmp_path: Path, text: str) -> None:
    target = tmp_path / "graph.json"
    target.write_text(text)
    write_output(target, f'{{"schema": "{MARKER}"}}\n')
    assert MARKER in target.read_text()


def test_a_file_someone_else_wrote_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "notes.md"
    target.write_text("# My notes\n")
    with pytest.raises(VizError, match=r"Refusing to overwrite .*notes\.md") as caught:
        write_output(target, f"{MARKER}\n", option="--output")
    assert caught.value.hint == "Pass --force to replace it, or choose another --output."
    assert target.read_text() == "# My notes\n"
    write_output(target, f"{MARKER}\n", force=True)
    assert target.read_text() == f"{MARKER}\n"


def test_a_folder_or_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(VizError, match="it is a folder"):
        write_output(tmp_path, "x")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(VizError, match=r"Cannot write .*file/graph\.dot") as caught:
        write_output(blocker / "graph.dot", "x")
    assert caught.value.hint == "Choose another --output."
