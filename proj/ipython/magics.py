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
    """%load_node NODE

    Write the code that runs a node step by step: its inputs loaded from the catalog,
    its function with its module's imports, and the call. In Jupyter the code goes
    into a new cell below (front ends insert one cell per execution); in a terminal it
    is printed. Node names complete with Tab.
    """
    from IPython import get_ipython

    from proj.ipython.node_code import node_code

    parser = _Parser(prog="%load_node")
    parser.add_argument("node", help="A node of the project's pipelines.")
    args = _parse(parser, line)
    if args is None:
        return
    try:
        code = node_code(_find_node(args.node)).as_single_cell()
    except ProjError as error:
        logger.error("%s", error)
        return
    shell = get_ipython()
    if shell is not None and _front_end_inserts_cells(shell):
        shell.set_next_input(code, replace=False)
        logger.info("Wrote node '%s' into the cell below; run it to debug the node.", args.node)
    else:
        # The magic's output is the code itself; a terminal user copies it from here.
        sys.stdout.write(code)
        sys.stdout.flush()


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
