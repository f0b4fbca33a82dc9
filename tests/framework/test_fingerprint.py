"""Node fingerprints: code found statically, parameter values, dataset tokens."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
import uuid
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proj.framework.fingerprint import (
    MISSING,
    UNKNOWN,
    CodeFingerprints,
    Fingerprinter,
    NodeFingerprint,
    fingerprint_nodes,
    value_digest,
)
from proj.io import DataCatalog
from proj.io.datasets.pickle import PickleDataset
from proj.io.versioning import Version
from proj.pipeline import node


def load_module(folder: Path, source: str, name: str | None = None) -> ModuleType:
    """Import ``source`` as a fresh module file (user code, outside site-packages)."""
    name = name or f"fp_{uuid.uuid4().hex[:8]}"
    path = folder / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


BASE = """
import math

RATE = 0.5

def helper(x):
    return x * RATE

def unrelated():
    return 1

def step(x):
    return math.floor(helper(x))
"""


def code_of(module: ModuleType) -> str:
    return CodeFingerprints().of(module.step)


def test_code_digest_is_stable_for_the_same_code(tmp_path: Path) -> None:
    assert code_of(load_module(tmp_path, BASE)) == code_of(load_module(tmp_path, BASE))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("return math.floor(helper(x))", "return math.ceil(helper(x))"),  # the function
        ("return x * RATE", "return x * RATE * 2"),  # a project helper it calls
        ("RATE = 0.5", "RATE = 0.25"),  # a constant the helper reads
    ],
)
def test_code_digest_follows_what_the_function_uses(tmp_path: Path, old: str, new: str) -> None:
    assert old in BASE
    assert code_of(load_module(tmp_path, BASE)) != code_of(
        load_module(tmp_path, BASE.replace(old, new))
    )


def test_code_digest_ignores_code_the_function_does_not_use(tmp_path: Path) -> None:
    changed = BASE.replace("return 1", "return 2") + "\n# a comment\nOTHER = 3\n"
    assert code_of(load_module(tmp_path, BASE)) == code_of(load_module(tmp_path, changed))


def test_code_digest_follows_project_modules_by_attribute(tmp_path: Path) -> None:
    helpers_name = f"fp_helpers_{uuid.uuid4().hex[:8]}"
    user = f"import {helpers_name} as helpers\n\ndef step(x):\n    return helpers.scale(x)\n"
    load_module(tmp_path, "def scale(x):\n    return x * 2\n", helpers_name)
    first = code_of(load_module(tmp_path, user))
    load_module(tmp_path, "def scale(x):\n    return x * 3\n", helpers_name)
    assert code_of(load_module(tmp_path, user)) != first


def test_recursive_functions_have_a_digest(tmp_path: Path) -> None:
    source = "def step(n):\n    return 0 if n == 0 else other(n - 1)\n\n"
    source += "def other(n):\n    return step(n)\n"
    assert len(code_of(load_module(tmp_path, source))) == 32


def test_value_digest_ignores_key_order_and_refuses_to_guess() -> None:
    assert value_digest({"a": 1, "b": [1, 2]}) == value_digest({"b": [1, 2], "a": 1})
    assert value_digest({"a": 1}) != value_digest({"a": 2})
    assert value_digest(threading.Lock()) == UNKNOWN  # neither JSON nor picklable


def test_file_tokens_change_with_the_data(tmp_path: Path) -> None:
    dataset = PickleDataset(str(tmp_path / "x.pkl"))
    assert dataset.fingerprint() is None
    dataset.save([1, 2, 3])
    first = dataset.fingerprint()
    dataset.save([1, 2, 3, 4])
    assert first is not None and dataset.fingerprint() != first


def test_content_tokens_survive_a_touch(tmp_path: Path) -> None:
    path = tmp_path / "x.pkl"
    dataset = PickleDataset(str(path), metadata={"fingerprint": "content"})
    dataset.save({"a": 1})
    first = dataset.fingerprint()
    os.utime(path, (1, 1))
    assert dataset.fingerprint() == first
    dataset.save({"a": 2})
    assert dataset.fingerprint() != first


def test_versioned_tokens_are_the_loaded_version(tmp_path: Path) -> None:
    path = str(tmp_path / "model.pkl")
    PickleDataset(path, version=Version(None, "2026-01-01T00.00.00.000Z")).save(1)
    PickleDataset(path, version=Version(None, "2026-02-01T00.00.00.000Z")).save(2)
    assert PickleDataset(path, version=Version(None, None)).fingerprint() == (
        "version:2026-02-01T00.00.00.000Z"
    )
    pinned = PickleDataset(path, version=Version("2026-01-01T00.00.00.000Z", None))
    assert pinned.fingerprint() == "version:2026-01-01T00.00.00.000Z"


def identity(x: object) -> object:
    return x


def combine(x: object, y: object) -> object:
    return (x, y)


def test_node_fingerprints_explain_what_changed(tmp_path: Path) -> None:
    raw = PickleDataset(str(tmp_path / "raw.pkl"))
    raw.save([1])
    catalog = DataCatalog({"raw": raw})
    catalog.add_parameters({"model": {"lr": 0.5, "depth": 3}})
    nodes = [
        node(identity, "raw", "mid", name="first"),
        node(combine, ["mid", "params:model"], "out", name="second"),
    ]
    before = fingerprint_nodes(nodes, catalog)
    assert before["second"].inputs == {"mid": "node:" + before["first"].digest}

    catalog2 = DataCatalog({"raw": raw})
    catalog2.add_parameters({"model": {"lr": 0.1, "depth": 3}})
    after = fingerprint_nodes(nodes, catalog2)
    assert after["first"].changes(before["first"]) == []
    assert after["second"].changes(before["second"]) == ["parameter model.lr changed"]

    raw.save([2])
    changed = fingerprint_nodes(nodes, catalog2)
    assert changed["first"].changes(before["first"]) == ["input raw changed"]
    assert "input mid changed" in changed["second"].changes(before["second"])


def test_missing_and_unknowable_inputs_never_match(tmp_path: Path) -> None:
    catalog = DataCatalog({"raw": PickleDataset(str(tmp_path / "none.pkl"))})
    print_node = node(identity, "raw", None, name="reader")
    fingerprint = Fingerprinter(catalog).node(print_node)
    assert fingerprint.inputs == {"raw": MISSING}
    orphan = Fingerprinter(DataCatalog()).node(node(identity, "ghost", "out", name="orphan"))
    assert orphan.inputs == {"ghost": UNKNOWN}
    assert orphan.changes(orphan) == ["input ghost cannot be fingerprinted"]


_TEXT = st.text(max_size=12)
_PARTS = st.dictionaries(_TEXT, _TEXT, max_size=4)


@given(code=_TEXT, params=_PARTS, inputs=_PARTS, param_keys=_PARTS)
def test_the_stored_parts_are_the_json_the_standard_encoder_writes(
    code: str, params: dict[str, str], inputs: dict[str, str], param_keys: dict[str, str]
) -> None:
    """as_json writes the text directly for speed; it must be json.dumps' text exactly
    (sorted keys, compact separators, ASCII escapes) and read back to the same parts."""
    fingerprint = NodeFingerprint("d", code, params, inputs, param_keys)
    expected = json.dumps(
        {"code": code, "params": params, "inputs": inputs, "param_keys": param_keys},
        sort_keys=True,
        separators=(",", ":"),
    )
    assert fingerprint.as_json() == expected
    assert NodeFingerprint.from_json("d", fingerprint.as_json()) == fingerprint
