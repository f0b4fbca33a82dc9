"""IPython syntax removed from code cells, line for line, never inside strings."""

from __future__ import annotations

from proj.notebook.ipython_syntax import python_source
from tests.notebook.conftest import cell


def test_line_magics_shell_escapes_and_help_become_blank_lines() -> None:
    source = "%matplotlib inline\nimport os\n!ls -l\n  %timeit f()\nos?\n?os\nfiles = !ls\nx = 1"
    python = python_source(cell(source))
    assert python.text == "\nimport os\n\n\n\n\n\nx = 1"
    assert [line for line, _ in python.magic_lines] == [1, 3, 4, 5, 6, 7]
    assert python.magic_assignments == ((7, "files = !ls"),)
    assert python.skipped is None


def test_lines_inside_strings_and_brackets_are_not_magics() -> None:
    source = 'text = """\n%(name)s\n!important\n"""\ntotal = (a\n    % b)\nvalue = 1 \\\n    % 2'
    python = python_source(cell(source))
    assert python.text == source
    assert python.magic_lines == ()


def test_cell_magics_keep_python_bodies_and_skip_others() -> None:
    timed = python_source(cell("%%time\nx = 1\ny = 2"))
    assert timed.text == "\nx = 1\ny = 2"
    assert timed.magic_lines == ((1, "%%time"),)
    shell = python_source(cell("\n%%bash\necho hi"))
    assert shell.skipped == "a %%bash cell"


def test_question_marks_and_magic_characters_inside_strings_are_kept() -> None:
    source = (
        'def f():\n    """Why?\n    !important\n    %d items\n    """\n    return 1\n'
        "%timeit f()\n"
        "x = [1,\n   2]\n"
        "x?\n"
        "label = 'what?'  # really?\n"
        "f??"
    )
    python = python_source(cell(source))
    assert python.text.split("\n") == [
        "def f():",
        '    """Why?',
        "    !important",
        "    %d items",
        '    """',
        "    return 1",
        "",
        "x = [1,",
        "   2]",
        "",
        "label = 'what?'  # really?",
        "",
    ]
    assert [line for line, _ in python.magic_lines] == [7, 10, 12]


def test_time_keeps_its_statement_and_timeit_does_not() -> None:
    source = python_source(cell("%time tris = f(v)\n%timeit g(v)\nprint(tris)"))
    assert source.text == "tris = f(v)\n\nprint(tris)"


def test_a_magic_alone_in_a_block_becomes_pass() -> None:
    source = python_source(cell("if missing:\n    !mkdir -p ../conf/databricks\nx = 1"))
    assert source.text == "if missing:\n    pass\nx = 1"
    compile(source.text, "cell", "exec")
