"""A node's inputs as a recorded run saw them, for debugging that node on that data.

``%load_node NODE --run RUN_ID`` writes ``x = session.load_run_input(RUN_ID, "x",
node="NODE")`` lines that come here. Where each input comes from:

* **kept intermediates** of the run (or of the runs it resumed): the exact data;
* a **versioned** dataset: the version the node's fingerprint recorded in that run;
* any other **persisted** dataset or **parameter**: the current data, only when its
  fingerprint token still equals the one recorded for the node in that run (else the
  data changed since, and loading it would not be what the node saw: refused);
* **in-memory** data that was not kept: refused, with the command that keeps it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from proj.config.params import is_parameter
from proj.exceptions import RunStoreError
from proj.framework.fingerprint import Fingerprinter

if TYPE_CHECKING:
    from proj.framework.session import Session
    from proj.framework.store import RunRecord, RunStore


def _store(session: Session) -> RunStore:
    store = session.store
    if store is None:
        raise RunStoreError(
            "The run store is disabled (RUN_STORE_PATH = None in settings.py): no run "
            "to load inputs from."
        )
    return store


def _chain(store: RunStore, record: RunRecord) -> list[str]:
    chain = [record.run_id]
    while record.resumed_from and record.resumed_from not in chain:
        chain.append(record.resumed_from)
        try:
            record = store.get_run(record.resumed_from)
        except RunStoreError:
            break
    return chain


def locate_run_inputs(session: Session, run_id: str, node_name: str) -> dict[str, str | None]:
    """Where each input of a node can be loaded from for a recorded run.

    Args:
        session: The project's session.
        run_id: The run (a unique prefix will do).
        node_name: A node of that run.

    Returns:
        Input dataset -> ``None`` when it can be loaded as the run saw it, else the
        reason it cannot (with what to do).

    Raises:
        RunStoreError: No such run, or the node was not part of it.
    """
    return {name: problem for name, (_, problem) in _plan(session, run_id, node_name).items()}


def _plan(
    session: Session, run_id: str, node_name: str
) -> dict[str, tuple[tuple[str, str] | None, str | None]]:
    """Input -> ((how, detail), None) when loadable, or (None, reason)."""
    store = _store(session)
    record = store.get_run(run_id)
    node = next(
        (
            n
            for pipeline in session.pipelines.values()
            for n in pipeline.nodes
            if n.name == node_name
        ),
        None,
    )
    if node is None or node_name not in {n.name for n in record.nodes}:
        raise RunStoreError(
            f"Node '{node_name}' was not part of run {record.run_id}.",
            hint=f"`proj runs show {record.run_id}` lists its nodes.",
        )
    kept = {run: session.intermediates.kept(run) for run in _chain(store, record)}
    recorded = store.fingerprints_of(record.run_id).get(node_name)
    catalog = session.load_context().make_catalog()
    now = Fingerprinter(catalog)
    plan: dict[str, tuple[tuple[str, str] | None, str | None]] = {}
    for name in dict.fromkeys(node.inputs):
        source = next((run for run, names in kept.items() if name in names), None)
        if source is not None:
            plan[name] = (("kept", source), None)
            continue
        persisted = name in catalog and catalog.is_persistent(name)
        if not persisted and not is_parameter(name):
            plan[name] = (
                None,
                f"'{name}' lived only in memory during run {record.run_id} and was not "
                "kept; run again with `proj run --keep-intermediates`, then use the new "
                "run id",
            )
            continue
        then = None
        if recorded is not None:
            then = recorded.params.get(name) if is_parameter(name) else recorded.inputs.get(name)
        if then is None:
            plan[name] = (None, f"run {record.run_id} recorded no fingerprint of '{name}'")
            continue
        if then.startswith("version:"):
            plan[name] = (("version", then.removeprefix("version:")), None)
            continue
        if now.token(name) != then:
            plan[name] = (
                None,
                f"'{name}' changed since run {record.run_id} (its data is not what the "
                "node read then)",
            )
        else:
            plan[name] = (("current", ""), None)
    return plan


def load_run_input(session: Session, run_id: str, dataset: str, node: str) -> Any:
    """Load one input of a node as a recorded run saw it (see the module docstring).

    Args:
        session: The project's session.
        run_id: The run (a unique prefix will do).
        dataset: An input of the node.
        node: The node.

    Returns:
        The data.

    Raises:
        RunStoreError: The run or node is unknown, or the data the run used is gone
            (the message says why and what to do).
    """
    from proj.framework.intermediates import load_kept

    plan = _plan(session, run_id, node)
    if dataset not in plan:
        raise RunStoreError(f"'{dataset}' is not an input of node '{node}'.")
    how, problem = plan[dataset]
    if how is None:
        raise RunStoreError(f"Cannot load '{dataset}' as run {run_id} saw it: {problem}.")
    kind, detail = how
    if kind == "kept":
        return load_kept(session.intermediates, [detail], [dataset])[dataset][0]
    if kind == "version":
        return session.load_context().make_catalog(load_versions={dataset: detail}).load(dataset)
    return session.load_context().make_catalog().load(dataset)
