"""Which nodes of a slice are stale: the plan of ``proj run --only-stale``.

A node is **stale** when proj cannot show that running it again would give what its
outputs already hold:

* it never succeeded (no fingerprint recorded with a ``success``);
* its fingerprint differs from the one of its latest successful run (code, a parameter
  or an input changed; see :mod:`proj.framework.fingerprint`);
* one of its persisted outputs is missing.

The plan then adds, in one worklist pass (linear in nodes + edges):

* every node downstream of a node that runs (its inputs are being rebuilt);
* every node that produces an in-memory input of a node that runs, since in-memory
  data does not survive a run (and, in turn, what those need); the consumers of such a
  producer's *persisted* outputs run too, because their files are rewritten. A producer
  that is up to date and whose last successful run kept that input
  (``--keep-intermediates``) does not run: the kept copy is fed to the run instead.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from proj.config.params import is_parameter
from proj.framework.fingerprint import NodeFingerprint, fingerprint_nodes

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from proj.io import DataCatalog
    from proj.pipeline import Pipeline


@dataclass(frozen=True)
class StalePlan:
    """What an ``--only-stale`` run would do.

    Attributes:
        to_run: Names of the nodes to run, in the pipeline's topological order.
        reasons: Node name -> why it runs (short phrases, the first is the main one).
        up_to_date: Names of the nodes that are skipped, in topological order.
        fingerprints: Node name -> its fingerprint now (for every node of the slice).
        reuse: In-memory dataset -> the run whose kept copy replaces running its
            up-to-date producer.
    """

    to_run: list[str]
    reasons: dict[str, list[str]]
    up_to_date: list[str]
    fingerprints: dict[str, NodeFingerprint] = field(repr=False)
    reuse: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """A JSON-serialisable summary: nodes to run with reasons, nodes up to date."""
        return {
            "to_run": [{"node": name, "reasons": self.reasons[name]} for name in self.to_run],
            "up_to_date": list(self.up_to_date),
        }


def plan_stale(
    pipeline: Pipeline,
    catalog: DataCatalog,
    previous: Mapping[str, NodeFingerprint],
    kept: Callable[[str, str], bool] | None = None,
) -> StalePlan:
    """Decide which nodes of ``pipeline`` an ``--only-stale`` run executes, and why.

    Args:
        pipeline: The slice selected by the run's pipelines and filters.
        catalog: The catalog the run would use (``exists()`` is called once per
            persisted output, and each persisted input is asked for its fingerprint).
        previous: Node name -> fingerprint of its latest successful run
            (:meth:`proj.framework.store.RunStore.last_successful_fingerprints`).
        kept: ``kept(dataset, run_id)`` tells whether that run kept a copy of an
            in-memory dataset; default: nothing is kept.

    Returns:
        The plan; ``to_run`` is empty when everything is up to date.

    Raises:
        DatasetError: A dataset cannot be asked whether its data exists.
    """
    now = fingerprint_nodes(pipeline.nodes, catalog)

    def persisted(name: str) -> bool:
        return not is_parameter(name) and name in catalog and catalog.is_persistent(name)

    reasons = _own_reasons(pipeline, catalog, previous, now, persisted)

    consumers = pipeline.consumers
    producers = pipeline.producers
    # (node, whether its results may differ from what its outputs hold now)
    queue: deque[tuple[str, bool]] = deque((name, True) for name in reasons)
    changed: set[str] = set(reasons)
    reuse: dict[str, str] = {}
    by_name = {node.name: node for node in pipeline.nodes}
    while queue:
        name, differs = queue.popleft()
        node = by_name[name]
        for output in node.outputs:
            if not differs and not persisted(output):
                continue  # same inputs, same in-memory result: readers need not re-run
            for reader in consumers.get(output, ()):
                if reader.name not in changed:
                    changed.add(reader.name)
                    reasons.setdefault(reader.name, []).append(f"upstream node {name} runs")
                    queue.append((reader.name, True))
        for dataset in node.inputs:
            producer = producers.get(dataset)
            if producer is None or persisted(dataset) or is_parameter(dataset):
                continue
            if producer.name in reasons or dataset in reuse:
                continue
            source = _kept_copy(dataset, previous.get(producer.name), now[producer.name], kept)
            if source is not None:
                reuse[dataset] = source
                continue
            reasons[producer.name] = [f"its in-memory output {dataset} is needed by {name}"]
            queue.append((producer.name, False))
    to_run = [node.name for node in pipeline.nodes if node.name in reasons]
    up_to_date = [node.name for node in pipeline.nodes if node.name not in reasons]
    # A producer that runs after all (downstream of a change) makes its own output.
    reuse = {
        dataset: run_id
        for dataset, run_id in reuse.items()
        if producers[dataset].name not in reasons
    }
    return StalePlan(to_run, reasons, up_to_date, now, reuse)


def _kept_copy(
    dataset: str,
    recorded: NodeFingerprint | None,
    current: NodeFingerprint,
    kept: Callable[[str, str], bool] | None,
) -> str | None:
    """The run whose kept copy of ``dataset`` its up-to-date producer would remake."""
    if kept is None or recorded is None or recorded.run_id is None:
        return None
    if recorded.digest != current.digest or not kept(dataset, recorded.run_id):
        return None
    return recorded.run_id


def _own_reasons(
    pipeline: Pipeline,
    catalog: DataCatalog,
    previous: Mapping[str, NodeFingerprint],
    now: Mapping[str, NodeFingerprint],
    persisted: Callable[[str], bool],
) -> dict[str, list[str]]:
    """Why each node is stale by itself: no success, a changed fingerprint, or a
    missing persisted output."""
    reasons: dict[str, list[str]] = {}
    for node in pipeline.nodes:
        own: list[str] = []
        recorded = previous.get(node.name)
        if recorded is None:
            own.append("never ran successfully")
        else:
            own.extend(now[node.name].changes(recorded))
        own.extend(
            f"output {name} missing"
            for name in node.outputs
            if persisted(name) and not catalog.exists(name)
        )
        if own:
            reasons[node.name] = own
    return reasons
