"""Tests for proj/io/memory.py: MemoryDataset and its copy rule."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pandas as pd
import pytest

from proj.exceptions import DatasetError
from proj.io import MemoryDataset
from proj.io.memory import default_copy_mode


class Model:
    """Stands for an object that should not be copied (a fitted model, a client)."""

    def __init__(self) -> None:
        self.weights = [1.0, 2.0]


def test_empty_dataset_says_no_data_has_been_saved() -> None:
    dataset = MemoryDataset()
    assert not dataset.exists()
    with pytest.raises(DatasetError, match="no data has been saved"):
        dataset.load()


def test_none_is_valid_initial_data() -> None:
    dataset = MemoryDataset(None)
    assert dataset.exists()
    assert dataset.load() is None


def test_is_not_persistent() -> None:
    assert MemoryDataset.persistent is False


def test_plain_containers_are_deep_copied_both_ways() -> None:
    original: dict[str, Any] = {"a": [1, 2], "b": {"c": 3}}
    dataset = MemoryDataset()
    dataset.save(original)
    original["a"].append(99)
    loaded = dataset.load()
    assert loaded == {"a": [1, 2], "b": {"c": 3}}
    loaded["b"]["c"] = -1
    assert dataset.load()["b"]["c"] == 3


def test_dataframes_are_copied_with_their_own_copy() -> None:
    frame = pd.DataFrame({"x": [1, 2, 3]})
    dataset = MemoryDataset(frame)
    frame.loc[0, "x"] = 100
    loaded = dataset.load()
    assert loaded["x"].tolist() == [1, 2, 3]
    loaded.loc[1, "x"] = 200
    assert dataset.load()["x"].tolist() == [1, 2, 3]


def test_numpy_arrays_are_copied() -> None:
    array = np.arange(3)
    dataset = MemoryDataset(array)
    array[0] = 42
    assert dataset.load().tolist() == [0, 1, 2]


def test_other_objects_are_assigned() -> None:
    model = Model()
    dataset = MemoryDataset(model)
    assert dataset.load() is model


def test_default_rule() -> None:
    assert default_copy_mode(pd.DataFrame()) == "copy"
    assert default_copy_mode(pd.Series([1])) == "copy"
    assert default_copy_mode(np.zeros(2)) == "copy"
    assert default_copy_mode([1]) == "deepcopy"
    assert default_copy_mode((1, [2])) == "deepcopy"
    assert default_copy_mode(3) == "assign"
    assert default_copy_mode(Model()) == "assign"


def test_explicit_assign_keeps_identity() -> None:
    data = {"a": 1}
    dataset = MemoryDataset(data, copy_mode="assign")
    assert dataset.load() is data


def test_explicit_copy_is_shallow_for_lists() -> None:
    inner = [1]
    dataset = MemoryDataset([inner], copy_mode="copy")
    loaded = dataset.load()
    assert loaded == [[1]]
    assert loaded[0] is inner


def test_unknown_copy_mode_is_refused() -> None:
    with pytest.raises(DatasetError, match="Unknown copy_mode 'clone'") as info:
        MemoryDataset(copy_mode="clone")  # type: ignore[arg-type]
    assert info.value.hint is not None
    assert "deepcopy, copy, assign" in info.value.hint


def test_uncopyable_data_suggests_assign() -> None:
    dataset = MemoryDataset()
    with pytest.raises(DatasetError, match="cannot deepcopy a dict") as info:
        dataset.save({"lock": threading.Lock()})
    assert info.value.hint is not None
    assert "copy_mode: assign" in info.value.hint
    assert isinstance(info.value.__cause__, TypeError)


def test_release_empties_the_dataset() -> None:
    dataset = MemoryDataset([1])
    dataset.release()
    assert not dataset.exists()
    with pytest.raises(DatasetError, match="no data has been saved"):
        dataset.load()


def test_describe_shows_data_type_and_copy_mode() -> None:
    assert MemoryDataset().describe() == {"type": "MemoryDataset", "data": "<empty>"}
    assert MemoryDataset([1], copy_mode="assign", metadata={"layer": "x"}).describe() == {
        "type": "MemoryDataset",
        "data": "list",
        "copy_mode": "assign",
        "metadata": {"layer": "x"},
    }


class AttributeDict(dict):  # type: ignore[type-arg]
    """The idiom of statsmodels' Dataset and many Bunch classes: items are attributes."""

    def __init__(self, **items: object) -> None:
        super().__init__(**items)
        self.__dict__ = self

    def __getattr__(self, name: str) -> Any:  # for the type checker; never reached
        raise AttributeError(name)


def test_a_deep_copy_keeps_the_attributes_of_an_attribute_dict() -> None:
    from proj.io import MemoryDataset

    data = AttributeDict(endog=[1, 2], exog=[3, 4])
    dataset = MemoryDataset()
    dataset.save(data)
    loaded = dataset.load()
    assert loaded is not data
    assert loaded.endog == [1, 2] and loaded["exog"] == [3, 4]
    loaded.endog.append(99)  # still a deep copy: the saved data is untouched
    assert data.endog == [1, 2]
    assert dataset.load().endog == [1, 2]
    nested = MemoryDataset()
    nested.save({"data": data, "more": [AttributeDict(x=1)]})
    copied = nested.load()
    assert copied["data"].endog == [1, 2] and copied["more"][0].x == 1
