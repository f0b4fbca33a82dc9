"""Statement kinds, constants and flags; cells that do not parse."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize(
    ("source", "binds"),
    [
        (
            "try:\n    import matplotlib.pyplot as plt\nexcept ImportError:\n    plt = None\n"
            "    print('Install matplotlib: pip install matplotlib')",
            ("plt",),
        ),
        (
            "try:\n    import ujson as json\nexcept (ImportError, ModuleNotFoundError):\n"
            "    import json",
            ("json",),
        ),
        (
            "try:\n    from lxml import etree\n    import numpy as np\n"
            "except ModuleNotFoundError as exc:\n    etree = np = None\n    HAS_ALL = False\n"
            "    warnings.warn(f'optional package missing: {exc}', ImportWarning)",
            ("etree", "np", "HAS_ALL"),
        ),
        ("try:\n    import tomllib\nexcept ImportError:\n    pass", ("tomllib",)),
        (
            "try:\n    import a\nexcept ImportError:\n    warn('no a')\n"
            "except ModuleNotFoundError:\n    a = ()",
            ("a",),
        ),
    ],
)
def test_optional_imports_are_imports(source: str, binds: tuple[str, ...]) -> None:
    (statement,) = analyze_cell(cell(source)).statements
    assert (statement.kind, statement.optional_import) == ("import", True)
    assert statement.binds == binds
    assert statement.block_imports == {}


@pytest.mark.parametrize(
    "source",
    [
        # The body computes something besides importing.
        "try:\n    import plotly\n    HAS_PLOTLY = True\nexcept ImportError:\n    plotly = None",
        # Catches more than import errors.
        "try:\n    import plotly\nexcept Exception:\n    plotly = None",
        "try:\n    import plotly\nexcept:\n    plotly = None",
        "try:\n    import plotly\nexcept (ImportError, OSError):\n    plotly = None",
        # A fallback that runs code or reads notebook values.
        "try:\n    import plotly\nexcept ImportError:\n    plotly = load_stub()",
        "try:\n    import plotly\nexcept ImportError:\n    plotly = stub",
        "try:\n    import plotly\nexcept ImportError:\n    print(frame)",
        "try:\n    import plotly\nexcept ImportError:\n    print(str(1))",
        "try:\n    import plotly\nexcept ImportError:\n    log.warn('no plotly')",
        "try:\n    import plotly\nexcept ImportError:\n    plotly.x = None",
        # else/finally, or not at the top level of the cell.
        "try:\n    import plotly\nexcept ImportError:\n    plotly = None\nelse:\n    ok = 1",
        "try:\n    import plotly\nexcept ImportError:\n    plotly = None\nfinally:\n    pass",
        "if plots:\n    try:\n        import plotly\n    except ImportError:\n"
        "        plotly = None",
    ],
)
def test_other_imports_in_blocks_are_not_optional_imports(source: str) -> None:
    (statement,) = analyze_cell(cell(source)).statements
    assert statement.kind == "other"
    assert not statement.optional_import
    assert "plotly" in statement.block_imports
