"""Comparing the notebook's values with the pipeline's (the core of ``--verify``)."""

from __future__ import annotations

import pickle

import pytest

from proj.notebook.verify import PLAIN_SOURCE, _compare_one, first_difference


def test_equal_values_of_every_kind_have_no_difference() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, float("nan")], "b": ["x", "y"]})
    values = [
        frame,
        frame["a"],
        np.array([1.0, np.nan]),
        {"k": [1, (2, "3")], "n": None},
        float("nan"),
        "text",
        {1, 2},
    ]
    for value in values:
        assert first_difference(value, pickle.loads(pickle.dumps(value))) is None


def test_the_first_difference_is_described_with_where_it_is() -> None:
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    assert first_difference({"a": [1, 2]}, {"a": [1, 3]}) == "2 vs 3 at ['a'][1]"
    assert first_difference([1, 2], (1, 2)) == "list vs tuple"
    assert first_difference({"a": 1}, {"b": 1}) == "keys differ: missing ['a'], extra ['b']"
    assert first_difference(1, 1.0) == "int 1 vs float 1.0"
    assert first_difference(np.zeros(2), np.zeros(3)) == "float64[2] vs float64[3]"
    left = pd.DataFrame({"a": [1, 2]})
    found = first_difference(left, pd.DataFrame({"a": [1, 5]}))
    assert found is not None
    assert 'DataFrame.iloc[:, 0] (column name="a") are different' in found


def test_figures_and_unpicklable_values_are_not_compared() -> None:
    namespace: dict[str, object] = {}
    exec(PLAIN_SOURCE, namespace)
    plain = namespace["_proj_plain"]
    generator = plain(x for x in range(2))  # type: ignore[operator]
    assert generator["__proj_not_compared__"].startswith("cannot be pickled (TypeError")
    compared = _compare_one("g", "p.g", pickle.dumps(generator), pickle.dumps([1]))
    assert compared.outcome == "not compared"
    assert compared.detail.startswith("notebook: cannot be pickled")
    assert _compare_one("x", "p.x", pickle.dumps(3), pickle.dumps(3)).outcome == "equal"
    different = _compare_one("x", "p.x", pickle.dumps(3), pickle.dumps(4))
    assert (different.outcome, different.detail) == ("different", "3 vs 4")


def test_objects_without_equality_of_their_own_are_not_compared() -> None:
    import fractions
    import random

    namespace: dict[str, object] = {}
    exec(PLAIN_SOURCE, namespace)
    plain = namespace["_proj_plain"]
    opaque = plain(random.Random(1))  # type: ignore[operator]
    assert opaque == {"__proj_not_compared__": "random.Random has no equality of its own"}
    assert plain(fractions.Fraction(1, 3)) == fractions.Fraction(1, 3)  # type: ignore[operator]
