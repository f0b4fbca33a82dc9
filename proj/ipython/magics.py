"""The line magics of the extension: ``%reload_project``, ``%load_node``, ``%run_viz``,
and completion of node names after ``%load_node``."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import shlex
import sys
from typing import TYPE_CHECKING, Any, cast

from proj.exceptions import ProjError
from proj.ipython.loader import find_node_pipelines, node_names, reload_project

if TYPE_CHECKING:
    from IPython.core.completer import CompletionContext, SimpleMatcherResult

    from proj.pipeline import Node

logger = logging.getLogger(__name__)

_MATCHER_ID = "proj.load_node"


class _UsageError(Exception):
    """A magic's arguments do not parse; the message is the usage text."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit the kernel
        raise _UsageError(f"{self.format_usage().strip()}\n{self.prog}: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> Any:  # -h / --help
        raise _UsageError(message or self.format_help())


def _reload_parser() -> _Parser:
    parser = _Parser(prog="%reload_project", add_help=True)
    parser.add_argument("path", nargs="?", default=None, help="The project (any folder in it).")
    parser.add_argument("--env", "-e", default=None, help="Configuration environment.")
    parser.add_argument("--params", default=None, help="Overrides: a=1,b.c=x (YAML-typed).")
    parser.add_argument("--conf-source", default=None, help="Configuration folder to use.")
    return parser


def _parse(parser: _Parser, line: str) -> argparse.Namespace | None:
    try:
        return parser.parse_args(shlex.split(line))
    except _UsageError as usage:
        logger.error("%s", usage)
    except ValueError as error:  # unbalanced quotes
        logger.error("%s: %s", parser.prog, error)
    return None


def reload_project_magic(line: str) -> None:
    """%reload_project [PATH] [--env E] [--params k=v,...] [--conf-source DIR]

    Reload the project: catalog, context, pipelines, session and the project's own
    code (edited nodes are picked up). PATH is remembered for later calls. Same as
    ``from proj.ipython import reload_project; reload_project(path, env, params,
    conf_source)``.
    """
    from proj.config import parse_params

    args = _parse(_reload_parser(), line)
    if args is None:
        return
    try:
        params = parse_params(args.params) if args.params else None
    except ProjError as error:
        logger.error("%s", error)
        return
    reload_project(args.path, env=args.env, params=params, conf_source=args.conf_source)


def _find_node(name: str) -> Node:
    from proj.exceptions import UnknownNameError

    pipelines = find_node_pipelines()
    ordered = sorted(pipelines, key=lambda p: (p != "__default__", p))
    for pipeline_name in ordered:
        for node in pipelines[pipeline_name].nodes:
            if node.name == name:
                return node
    raise UnknownNameError("node", [name], node_names(), where="the project's pipelines")


def _front_end_inserts_cells(shell: Any) -> bool:
    # ipykernel's shell turns set_next_input into a payload the front end turns into a
    # new cell; terminal and plain shells have nowhere to put one.
    return any(cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__)


def load_node_magic(line: str) -> None:
    """%load_node NODE [NODE ...] [--run RUN_ID]

    Write the code that runs nodes step by step: each node's inputs, its function with
    its module's imports, and the call; several nodes go in run order, a later node
    reading what an earlier one computed. Inputs load from the catalog, or with --run as
    that recorded run saw them (its kept intermediates, or persisted data unchanged
    since). In Jupyter the code goes into a new cell below (front ends insert one cell
    per execution); in a terminal it is printed. Node names complete with Tab.
    """
    from IPython import get_ipython

    parser = _Parser(prog="%load_node")
    parser.add_argument("nodes", nargs="+", metavar="NODE", help="Nodes of the project.")
    parser.add_argument(
        "--run", dest="run_id", default=None, help="Load inputs as this recorded run saw them."
    )
    args = _parse(parser, line)
    if args is None:
        return
    try:
        code = _nodes_code(args.nodes, args.run_id)
    except ProjError as error:
        logger.error("%s", error)
        return
    shell = get_ipython()
    if shell is not None and _front_end_inserts_cells(shell):
        shell.set_next_input(code, replace=False)
        logger.info(
            "Wrote %s into the cell below; run it to debug.",
            ", ".join(f"node '{name}'" for name in args.nodes),
        )
    else:
        # The magic's output is the code itself; a terminal user copies it from here.
        sys.stdout.write(code)
        sys.stdout.flush()


def _nodes_code(names: list[str], run_id: str | None) -> str:
    """One cell for ``names`` in run order; warns about inputs that cannot be loaded."""
    from proj.config.params import is_parameter
    from proj.ipython.loader import last_load
    from proj.ipython.node_code import node_code, output_variables
    from proj.pipeline import Pipeline

    nodes = Pipeline([_find_node(name) for name in dict.fromkeys(names)]).nodes
    result = last_load()
    session = result.session if result is not None else None
    in_memory: set[str] = set()
    if session is not None:
        catalog = session.load_context().catalog
        in_memory = {
            ds
            for node in nodes
            for ds in node.inputs
            if not is_parameter(ds) and (ds not in catalog or not catalog.is_persistent(ds))
        }
    computed: dict[str, str] = {}
    cells: list[str] = []
    for node in nodes:
        if run_id is not None and session is not None:
            from proj.framework.run_inputs import locate_run_inputs

            for dataset, problem in locate_run_inputs(session, run_id, node.name).items():
                if problem is not None and dataset not in computed:
                    logger.warning("Node '%s': %s.", node.name, problem)
        elif run_id is None:
            missing = [ds for ds in node.inputs if ds in in_memory and ds not in computed]
            if missing:
                logger.warning(
                    "Node '%s' reads data that lives only in memory during a run: %s. Run "
                    "`proj run --keep-intermediates`, then `%%load_node %s --run RUN_ID`.",
                    node.name,
                    ", ".join(missing),
                    node.name,
                )
        code = node_code(node, run_id=run_id, computed=computed, in_memory=in_memory)
        cells.append(code.as_single_cell())
        computed.update(output_variables(node))
    # One cell: ``from __future__`` imports may only stand at its top.
    lines = "\n\n".join(cells).splitlines()
    future = [line for line in dict.fromkeys(lines) if line.startswith("from __future__ ")]
    rest = [line for line in lines if not line.startswith("from __future__ ")]
    return "\n".join([*future, *rest])


def run_viz_magic(line: str) -> None:
    """%run_viz [ARGS]

    Show the project's pipelines as an interactive graph (``proj viz`` in a cell).
    """
    try:
        viz_magic: Any = importlib.import_module("proj.ipython.viz_magic")
    except ImportError as error:
        logger.error("%%run_viz is not available: %s. Use `proj viz` in a terminal.", error)
        return
    viz_magic.run_viz(line)


def node_name_matcher(context: CompletionContext) -> SimpleMatcherResult:
    """Complete node names after ``%load_node`` (IPython completion matcher, API v2).

    Args:
        context: IPython's completion context.

    Returns:
        Node names starting with the token under the cursor, as the first argument
        of ``%load_node`` (other matchers are then suppressed); elsewhere nothing.
    """
    from IPython.core.completer import SimpleCompletion

    before = context.text_until_cursor
    words = before.lstrip().split()
    in_magic = bool(words) and words[0] in ("%load_node", "load_node")
    first_argument = len(words) == 1 and before.endswith(" ")
    first_argument = first_argument or (len(words) == 2 and not before.endswith(" "))
    if not in_magic or not first_argument:
        return cast("SimpleMatcherResult", {"completions": [], "suppress": False})
    token = context.token
    completions = [
        SimpleCompletion(name, type="node") for name in node_names() if name.startswith(token)
    ]
    return cast("SimpleMatcherResult", {"completions": completions, "suppress": True})


def register(shell: Any) -> None:
    """Register the magics and the node-name completer with a shell (idempotent).

    Args:
        shell: The running IPython shell (``InteractiveShell``).
    """
    from IPython.core.completer import completion_matcher

    shell.register_magic_function(reload_project_magic, "line", "reload_project")
    shell.register_magic_function(load_node_magic, "line", "load_node")
    if importlib.util.find_spec("proj.ipython.viz_magic") is not None:
        shell.register_magic_function(run_viz_magic, "line", "run_viz")
        importlib.import_module("proj.ipython.viz_magic").register_pipeline_display(shell)
    completer: Any = getattr(shell, "Completer", None)
    if completer is None:
        return
    matchers = completer.custom_matchers
    if not any(getattr(m, "matcher_identifier", None) == _MATCHER_ID for m in matchers):
        matcher = completion_matcher(identifier=_MATCHER_ID, api_version=2)
        matchers.append(matcher(node_name_matcher))
