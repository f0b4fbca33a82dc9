"""Run planning: which nodes must run, which data may be released, where to resume.

Every function here is linear in nodes + edges of the pipeline: each node and each
(node, dataset) edge is visited a constant number of times.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from proj.config.params import is_parameter

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from proj.io import DataCatalog
    from proj.pipeline import Node, Pipeline


def persisted_predicate(catalog: DataCatalog) -> Callable[[str], bool]:
    """Return a test for "this dataset's data outlives the process".

    Parameters count as persisted: they come back from configuration on the next run.

    Args:
        catalog: The run's catalog.

    Returns:
        A function of a dataset name, cached per name.
    """
    cache: dict[str, bool] = {}

    def persisted(name: str) -> bool:
        known = cache.get(name)
        if known is None:
            known = is_parameter(name) or (name in catalog and catalog.is_persistent(name))
            cache[name] = known
        return known

    return persisted


def nodes_with_missing_outputs(pipeline: Pipeline, catalog: DataCatalog) -> set[str]:
    """The names of the nodes an ``only_missing_outputs`` run must execute.

    The rule (Kedro's ``--only-missing-outputs``, with downstream nodes included so no
    result is left stale):

    1. a node runs when one of its persisted outputs does not exist, when it has no
       outputs at all, or when one of its in-memory outputs is a result of the run
       (no node of the pipeline reads it: it cannot exist before the run);
    2. every node downstream of those runs too, since its inputs are being rebuilt;
    3. every node that produces in-memory data a running node reads runs too (and so
       on upwards), since that data lives only for the duration of a run.

    So on a project with nothing persisted every node runs, and after deleting one
    intermediate file its producer and everything that depends on it run again.
    Three linear passes over nodes and edges.

    Args:
        pipeline: The pipeline slice of the run.
        catalog: The run's catalog; ``exists()`` is called once per persisted output.

    Returns:
        Node names, a subset of the pipeline's.
    """
    persisted = persisted_predicate(catalog)
    consumers = pipeline.consumers
    producers = pipeline.producers

    def missing(node: Node) -> bool:
        if not node.outputs:
            return True
        for output in node.outputs:
            if persisted(output):
                if not catalog.exists(output):
                    return True
            elif not consumers.get(output):
                return True
        return False

    must_run: set[str] = set()
    queue: deque[Node] = deque()
    for node in pipeline.nodes:
        if missing(node):
            must_run.add(node.name)
            queue.append(node)
    while queue:  # everything downstream
        node = queue.popleft()
        for output in set(node.outputs):
            for reader in consumers.get(output, ()):
                if reader.name not in must_run:
                    must_run.add(reader.name)
                    queue.append(reader)
    queue.extend(node for node in pipeline.nodes if node.name in must_run)
    while queue:  # the producers of in-memory inputs, upwards
        node = queue.popleft()
        for name in set(node.inputs):
            producer = producers.get(name)
            if producer is None or persisted(name) or producer.name in must_run:
                continue
            must_run.add(producer.name)
            queue.append(producer)
    return must_run


def resume_nodes(
    pipeline: Pipeline, done: Iterable[str], persisted: Callable[[str], bool]
) -> list[str]:
    """The smallest set of nodes whose ``from_nodes`` slice finishes an interrupted run.

    Nodes that did not complete must run again; so must the completed producers of any
    in-memory input they need, since that data was lost with the process (and so on
    upwards). The answer is the set of those nodes that have no predecessor among them:
    ``pipeline.from_nodes(*answer)`` covers every node that must run.

    Args:
        pipeline: The pipeline slice of the run.
        done: Names of the nodes that completed.
        persisted: Whether a dataset's data outlives the process.

    Returns:
        Node names in the pipeline's topological order; empty when everything completed.
    """
    done_set = set(done)
    producers = pipeline.producers
    required: set[str] = set()
    queue: deque[Node] = deque(n for n in pipeline.nodes if n.name not in done_set)
    required.update(n.name for n in queue)
    while queue:
        node = queue.popleft()
        for name in node.inputs:
            producer = producers.get(name)
            if producer is None or persisted(name) or producer.name in required:
                continue
            required.add(producer.name)
            queue.append(producer)
    answer = []
    for node in pipeline.nodes:
        if node.name not in required:
            continue
        if not any(
            (producer := producers.get(name)) is not None and producer.name in required
            for name in node.inputs
        ):
            answer.append(node.name)
    return answer


def memory_inputs_lost(
    pipeline: Pipeline, remaining: Iterable[str], persisted: Callable[[str], bool]
) -> dict[str, list[str]]:
    """In-memory inputs that nodes to be re-run need but that no re-run node produces.

    Used by ``proj run --resume`` to refuse a resume that cannot work.

    Args:
        pipeline: The full pipeline slice of the original run.
        remaining: Names of the nodes to re-run.
        persisted: Whether a dataset's data outlives the process.

    Returns:
        Dataset name -> names of the re-run nodes that need it (empty when the resume
        can proceed).
    """
    remaining_set = set(remaining)
    producers = pipeline.producers
    lost: dict[str, list[str]] = {}
    for node in pipeline.nodes:
        if node.name not in remaining_set:
            continue
        for name in node.inputs:
            producer = producers.get(name)
            if producer is None or persisted(name) or producer.name in remaining_set:
                continue
            lost.setdefault(name, []).append(node.name)
    return lost
