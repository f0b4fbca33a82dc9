"""LambdaDataset: a dataset built from plain functions, with Kedro's constructor."""

from __future__ import annotations

from typing import Any

import pytest

from proj.exceptions import DatasetError
from proj.io import DataCatalog, LambdaDataset


def test_load_save_exists_and_release_go_through_the_functions() -> None:
    store: dict[str, Any] = {}
    dataset = LambdaDataset(
        load=lambda: store["x"],
        save=lambda data: store.update(x=data),
        exists=lambda: "x" in store,
        release=store.clear,
    )

    assert dataset.exists() is False
    dataset.save([1, 2])
    assert dataset.exists() is True
    assert dataset.load() == [1, 2]
    dataset.release()
    assert store == {}


def test_positional_arguments_in_kedros_order() -> None:
    saved: list[Any] = []
    dataset = LambdaDataset(lambda: "loaded", saved.append, lambda: True, None)

    dataset.save("data")

    assert dataset.load() == "loaded"
    assert saved == ["data"]
    assert dataset.exists() is True


def test_missing_functions_make_that_operation_an_error() -> None:
    dataset = LambdaDataset(load=None, save=None)

    with pytest.raises(DatasetError, match="without a load function"):
        dataset.load()
    with pytest.raises(DatasetError, match="without a save function"):
        dataset.save(1)
    # Without an exists function it cannot tell, and says no; release does nothing.
    assert dataset.exists() is False
    dataset.release()


@pytest.mark.parametrize("role", ["load", "save", "exists", "release"])
def test_something_that_is_not_callable_is_refused(role: str) -> None:
    arguments: dict[str, Any] = {"load": None, "save": None, role: "not a function"}

    with pytest.raises(DatasetError, match=f"'{role}' must be a function"):
        LambdaDataset(**arguments)


def test_errors_of_the_functions_name_the_dataset_in_the_catalog() -> None:
    def broken() -> Any:
        raise OSError("disk gone")

    catalog = DataCatalog({"x": LambdaDataset(load=broken, save=None)})

    with pytest.raises(DatasetError, match=r"'x'.*OSError: disk gone"):
        catalog.load("x")


def test_describe_names_the_functions_and_keeps_metadata() -> None:
    def read() -> int:
        return 1

    described = LambdaDataset(read, None, metadata={"layer": "raw"}).describe()

    assert described["type"].endswith("LambdaDataset")
    assert described["load"].endswith("read")
    assert described["save"] is None
    assert described["metadata"] == {"layer": "raw"}
