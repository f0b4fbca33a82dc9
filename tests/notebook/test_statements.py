"""Statement kinds, constants and flags; cells that do not parse."""

from __future__ import annotations

from proj.notebook.statements import analyze_cell
from tests.notebook.conftest import cell


def test_kinds_and_constants() -> None:
    analysis = analyze_cell(
        cell(
            "from __future__ import annotations\nimport os\ndef f(): pass\nclass C: pass\n"
            "square = lambda v: v * v\nLIMIT = compute()\nratio = 0.5 * SCALE\nframe = load()\n"
            "a.b = 1"
        )
    )
    kinds = [(s.kind, s.is_constant) for s in analysis.statements]
    assert kinds == [
        ("future", False),
        ("import", False),
        ("def", False),
        ("class", False),
        ("lambda", False),
        ("assign", True),
        ("assign", True),
        ("assign", False),
        ("other", False),
    ]


def test_kernel_set_up_and_display_statements_are_marked() -> None:
    analysis = analyze_cell(
        cell(
            "catalog = session.load_context().catalog\nparams = context.params\n"
            "df\ndf.head()\ndisplay(df)\nprint(df)"
        )
    )
    flags = [(s.kernel_setup, s.display_only) for s in analysis.statements]
    assert flags == [
        (True, False),
        (True, False),
        (False, True),
        (False, True),
        (False, True),
        (False, False),
    ]


def test_syntax_errors_are_kept_not_raised() -> None:
    analysis = analyze_cell(cell("x = (1,\ny = 2"))
    assert analysis.error is not None
    assert analysis.statements == []
    returned = analyze_cell(cell("return 3"))
    assert returned.error is not None
    assert "outside function" in returned.error.msg
