"""The live dataflow in a real IPython shell: stale cells, re-running them, slices, memoize."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from proj.ipython.flow_magics import enable, flow_of


@pytest.fixture
def flow_shell(shell: Any) -> Any:
    """The test shell with the dataflow on and nothing recorded, as the extension sets it."""
    from proj.ipython.output import install_log_handler

    install_log_handler()
    enable(shell)
    flow = flow_of(shell)
    assert flow is not None
    flow.enabled = True
    flow.dataflow.forget()
    flow.memo = None
    shell.reset(new_session=True)  # execution counts from 1, as in a new kernel
    yield shell
    flow.dataflow.forget()
    flow.enabled = True


def cell(shell: Any, code: str) -> Any:
    """Run a cell as a front end does (with an execution count); fail if it raised."""
    result = shell.run_cell(code, store_history=True)
    assert result.error_before_exec is None, result.error_before_exec
    if result.error_in_exec is not None:
        raise result.error_in_exec
    return result.result


NOTEBOOK = [
    "x = 1",  # [1]
    "y = x + 1",  # [2]
    "unrelated = 'u'",  # [3]
    "z = [y]",  # [4]
    "z.append(unrelated)",  # [5]
    "total = len(z) + x",  # [6]
]


def test_redefining_a_variable_names_exactly_the_dependent_cells(
    flow_shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    for code in NOTEBOOK:
        cell(flow_shell, code)
    capsys.readouterr()
    cell(flow_shell, "x = 10")  # [7]
    note = capsys.readouterr().out
    assert note.count("\n") == 1, note
    assert "[7] made [2], [4], [5], [6] stale (they use x)" in note

    cell(flow_shell, "%stale")
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["cell", "why", "stale"]
    rows = {line.split()[0]: line for line in table[1:]}
    assert set(rows) == {"[2]", "[4]", "[5]", "[6]"}  # not [1], [3], [7]
    assert "reads x, redefined by [7]" in rows["[2]"]
    assert "depends on stale [2]" in rows["[4]"]
    assert "reads x, redefined by [7]" in rows["[6]"]


def test_rerun_stale_brings_the_cells_up_to_date(
    flow_shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    for code in NOTEBOOK:
        cell(flow_shell, code)
    cell(flow_shell, "x = 10")
    capsys.readouterr()
    cell(flow_shell, "%rerun_stale")
    out = capsys.readouterr().out
    order = [line for line in out.splitlines() if line.endswith("(re-run):")]
    assert order == [f"In [{n}] (re-run):" for n in (2, 4, 5, 6)]
    assert "no stale cells left" in out
    ns = flow_shell.user_ns
    assert ns["y"] == 11
    assert ns["z"] == [11, "u"]
    assert ns["total"] == 12
    cell(flow_shell, "%stale")
    assert capsys.readouterr().out.strip() == "No stale cells."


def test_an_in_place_change_makes_readers_stale(
    flow_shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell(flow_shell, "items = [1, 2]")
    cell(flow_shell, "count = len(items)")
    cell(flow_shell, "other = 3")
    capsys.readouterr()
    cell(flow_shell, "items.append(3)")
    assert "[4] made [2] stale (they use items)" in capsys.readouterr().out


def test_rerun_shows_each_output_under_its_cell_number(
    flow_shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell(flow_shell, "a = 1")
    cell(flow_shell, "print('a is', a)")
    cell(flow_shell, "a = 2")
    capsys.readouterr()
    cell(flow_shell, "%rerun_stale")
    out = capsys.readouterr().out
    assert "In [2] (re-run):\na is 2\n" in out


def test_functions_read_their_globals_when_called(
    flow_shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell(flow_shell, "rate = 2")
    cell(flow_shell, "def scale(v):\n    return v * rate")
    cell(flow_shell, "scaled = scale(5)")
    capsys.readouterr()
    cell(flow_shell, "rate = 3")
    assert "made [3] stale" in capsys.readouterr().out


def test_flow_off_records_nothing_and_on_again_records(
    flow_shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell(flow_shell, "m = 1")
    cell(flow_shell, "n = m + 1")
    cell(flow_shell, "%flow off")
    capsys.readouterr()
    cell(flow_shell, "m = 5")
    assert "stale" not in capsys.readouterr().out
    cell(flow_shell, "%flow on")
    cell(flow_shell, "p = m * 2")
    cell(flow_shell, "m = 6")
    out = capsys.readouterr().out
    assert "made [6] stale" in out


def test_slice_is_the_code_that_recomputes_a_name(
    flow_shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell(flow_shell, "import math\nbase = 4\nnoise = 'not needed'")
    cell(flow_shell, "root = math.sqrt(base)\nprint('root', root)")
    cell(flow_shell, "values = [root]")
    cell(flow_shell, "values.append(base)\nignored = 1")
    cell(flow_shell, "base = 100")  # later: the slice keeps the version values used
    capsys.readouterr()
    cell(flow_shell, "%slice values")
    code = capsys.readouterr().out
    assert "noise" not in code
    assert "ignored" not in code
    assert "base = 100" not in code
    assert code.index("# In [1]") < code.index("# In [2]") < code.index("# In [4]")
    fresh: dict[str, Any] = {}
    exec(code, fresh)  # a fresh namespace, as a new kernel has
    assert fresh["values"] == [2.0, 4]


def test_slice_to_cell_fills_the_next_input(
    flow_shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell(flow_shell, "s = 'a'")
    cell(flow_shell, "t = s * 3")
    cell(flow_shell, "%slice t --to-cell")
    assert "next cell" in capsys.readouterr().out
    assert "t = s * 3" in flow_shell.rl_next_input


def test_slice_of_an_unknown_name_says_so(
    flow_shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell(flow_shell, "%slice nothing_like_it")
    assert "No recorded cell defines 'nothing_like_it'" in capsys.readouterr().err


def test_memoize_hits_in_memory_and_misses_after_an_input_changes(
    flow_shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell(flow_shell, "n = 3")
    body = "%%memoize\nprint('running')\nsquares = [i * i for i in range(n)]\nlen(squares)"
    assert cell(flow_shell, body) is None  # displayed by the cell itself on a miss
    out = capsys.readouterr().out
    assert "memoize: miss (inputs: n)" in out
    assert "running" in out
    flow_shell.user_ns["squares"] = None
    assert cell(flow_shell, body) == 3
    out = capsys.readouterr().out
    assert "memoize: hit (memory)" in out
    assert "running" not in out
    assert flow_shell.user_ns["squares"] == [0, 1, 4]
    cell(flow_shell, "n = 4")
    cell(flow_shell, body)
    assert "memoize: miss" in capsys.readouterr().out
    assert flow_shell.user_ns["squares"] == [0, 1, 4, 9]


def test_memoize_with_an_unpicklable_input_runs_without_cache_said_once(
    flow_shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell(flow_shell, "import threading\nlock = threading.Lock()")
    body = "%%memoize\nheld = lock.locked()"
    cell(flow_shell, body)
    first = capsys.readouterr().out
    assert "not caching this cell: 'lock' cannot be pickled" in first
    cell(flow_shell, body)
    assert "not caching" not in capsys.readouterr().out
    assert flow_shell.user_ns["held"] is False


def test_memoize_disk_survives_a_new_shell_state(
    flow_shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chdir(project)
    flow_shell.run_line_magic("load_ext", "proj.ipython")
    cell(flow_shell, "k = 2")
    body = "%%memoize --disk\nimport math\ncube = k ** 3\ncube"
    cell(flow_shell, body)
    assert "memoize: miss" in capsys.readouterr().out
    assert list((project / ".proj/cache/memoize").glob("*.pkl"))
    flow = flow_of(flow_shell)
    assert flow is not None
    flow.memo = None  # what a restarted kernel has: nothing in memory
    flow_shell.user_ns.pop("cube")
    assert cell(flow_shell, body) == 8
    assert "memoize: hit (disk)" in capsys.readouterr().out
    assert flow_shell.user_ns["math"].sqrt(4) == 2
