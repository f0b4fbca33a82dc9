"""The ``--only-stale`` plan against a brute-force reference on generated pipelines."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from proj.framework.fingerprint import fingerprint_nodes
from proj.framework.staleness import plan_stale
from proj.io import DataCatalog
from proj.io.datasets.pickle import PickleDataset
from proj.pipeline import Pipeline, node


def gather(*parts: object) -> int:
    return len(parts)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[tuple[list[int], bool]], set[int], set[int]]:
    """Nodes i = 0..n-1, each reading outputs of earlier nodes; whether its output is
    persisted; which nodes changed; which persisted outputs are missing."""
    size = draw(st.integers(1, 9))
    shape = [
        (
            sorted(draw(st.sets(st.integers(0, i - 1), max_size=3))) if i else [],
            draw(st.booleans()),
        )
        for i in range(size)
    ]
    changed = draw(st.sets(st.integers(0, size - 1), max_size=3))
    missing = draw(st.sets(st.integers(0, size - 1), max_size=2))
    return shape, changed, missing


def reference(
    shape: list[tuple[list[int], bool]], changed: set[int], missing: set[int]
) -> set[int]:
    """A fixpoint over the rules, written without the planner's worklist."""
    size = len(shape)
    run = set(changed) | {i for i in missing if shape[i][1]}
    differs = set(run)
    while True:
        new_run = set(run)
        new_differs = set(differs)
        for i in range(size):
            for j in shape[i][0]:
                if j in differs or (j in run and shape[j][1]):
                    new_run.add(i)
                    new_differs.add(i)
                if i in new_run and not shape[j][1]:
                    new_run.add(j)  # its in-memory output is needed
        if new_run == run and new_differs == differs:
            return run
        run, differs = new_run, new_differs


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_plan_matches_the_reference(
    scenario: tuple[list[tuple[list[int], bool]], set[int], set[int]],
) -> None:
    shape, changed, missing = scenario
    with tempfile.TemporaryDirectory() as folder:
        catalog = DataCatalog()
        nodes = []
        for i, (reads, persisted) in enumerate(shape):
            if persisted:
                dataset = PickleDataset(str(Path(folder) / f"d{i}.pkl"))
                if i not in missing:
                    dataset.save(i)
                catalog.add(f"d{i}", dataset)
            nodes.append(node(gather, [f"d{j}" for j in reads] or None, f"d{i}", name=f"n{i}"))
        pipeline = Pipeline(nodes)
        previous = fingerprint_nodes(pipeline.nodes, catalog)
        previous = {
            name: replace(fp, digest="0" * 32, code="old") if int(name[1:]) in changed else fp
            for name, fp in previous.items()
        }
        plan = plan_stale(pipeline, catalog, previous)
        assert {int(name[1:]) for name in plan.to_run} == reference(shape, changed, missing)
        assert set(plan.to_run) | set(plan.up_to_date) == {n.name for n in nodes}
        for name in plan.to_run:
            assert plan.reasons[name]


def test_reasons_name_the_cause() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = PickleDataset(str(Path(folder) / "out.pkl"))
        catalog = DataCatalog({"out": out})
        pipeline = Pipeline(
            [
                node(gather, None, "mem", name="source"),
                node(gather, "mem", "out", name="persist"),
                node(gather, "out", "report", name="report"),
            ]
        )
        previous = fingerprint_nodes(pipeline.nodes, catalog)
        plan = plan_stale(pipeline, catalog, previous)
        assert plan.reasons == {
            "persist": ["output out missing"],
            "source": ["its in-memory output mem is needed by persist"],
            "report": ["upstream node persist runs"],
        }
        assert plan.to_run == ["source", "persist", "report"]
        assert plan_stale(pipeline, catalog, {}).reasons["report"][0] == "never ran successfully"
