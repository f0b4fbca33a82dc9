"""``%run_viz``: the pipeline graph inline in a notebook cell's output.

The output is one HTML fragment with the page's script, styles, layout library and the
snapshot inline (:func:`proj.viz.page.notebook_html`): no server, no URL, so it works in
JupyterLab, Notebook 7 and behind a hosted-Jupyter proxy. Jupyter runs the inline
script for outputs produced by running the cell (trusted outputs).

The IPython extension registers :func:`run_viz` as the line magic; it can also be called
directly: ``run_viz("--pipeline data_science")``. It also registers
:func:`pipeline_html` with IPython's HTML display formatter, so a
:class:`~proj.pipeline.Pipeline` left as a cell's last expression shows as the same
inline graph (the pipeline layer itself never imports the visualisation).
"""

from __future__ import annotations

import argparse
import logging
import shlex
from typing import TYPE_CHECKING, Any, NoReturn

from proj.exceptions import VizError

if TYPE_CHECKING:
    from proj.framework import Session
    from proj.pipeline import Pipeline

logger = logging.getLogger(__name__)

USAGE = "%run_viz [--pipeline NAME] [--env ENV] [--height PIXELS]"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise VizError(f"%run_viz: {message}.", hint=f"Usage: {USAGE}")


def _parse(line: str) -> argparse.Namespace:
    parser = _Parser(prog="%run_viz", add_help=False)
    parser.add_argument("--pipeline", "-p", default=None)
    parser.add_argument("--env", "-e", default=None)
    parser.add_argument("--height", type=int, default=640)
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise VizError(f"%run_viz: cannot parse '{line}': {exc}.", hint=f"Usage: {USAGE}") from exc
    args = parser.parse_args(words)
    if args.height < 200:
        raise VizError("%run_viz: --height must be at least 200 pixels.", hint=f"Usage: {USAGE}")
    return args


def _shell_session() -> Session | None:
    """The extension's ``session`` variable, if the running shell has one."""
    from proj.framework import Session

    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is what calls this
        return None
    user_ns: dict[str, Any] = getattr(get_ipython(), "user_ns", None) or {}
    session = user_ns.get("session")
    return session if isinstance(session, Session) else None


def pipeline_html(pipeline: Pipeline) -> str | None:
    """The inline graph of one pipeline object, for IPython's ``text/html`` formatter.

    Dataset types and layers come from the loaded project's catalog and statuses from
    its run store when the extension has loaded one; otherwise the graph is drawn alone.

    Args:
        pipeline: The pipeline a cell displays.

    Returns:
        The HTML fragment, or None (IPython then shows the plain ``repr``) when the
        snapshot cannot be built; the reason is logged.
    """
    from proj.exceptions import ProjError
    from proj.viz.page import notebook_html
    from proj.viz.snapshot import pipeline_snapshot

    try:
        snapshot = pipeline_snapshot(pipeline, _shell_session())
    except ProjError as exc:
        logger.warning("The pipeline is shown as text: %s", exc)
        try:
            snapshot = pipeline_snapshot(pipeline)
        except ProjError:
            return None
    height = 360 if len(snapshot["nodes"]) <= 12 else 640
    return notebook_html(snapshot, height=height)


def register_pipeline_display(shell: Any) -> None:
    """Show :class:`~proj.pipeline.Pipeline` objects as the inline graph in ``shell``.

    Uses IPython's display formatter registry
    (``shell.display_formatter.formatters["text/html"].for_type``), so the pipeline
    layer needs no ``_repr_html_`` and never imports the visualisation. Idempotent.

    Args:
        shell: The running IPython shell.
    """
    from proj.pipeline import Pipeline

    formatter = getattr(getattr(shell, "display_formatter", None), "formatters", {}).get(
        "text/html"
    )
    if formatter is not None:
        formatter.for_type(Pipeline, pipeline_html)


def _current_session(env: str | None) -> Session:
    """The extension's ``session`` variable when it fits, else a new session."""
    from proj.framework import Session
    from proj.viz.snapshot import load_session

    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is what calls this
        shell = None
    else:
        shell = get_ipython()
    user_ns: dict[str, Any] = getattr(shell, "user_ns", None) or {}
    session = user_ns.get("session")
    if isinstance(session, Session) and (env is None or env == session.env):
        return session
    return load_session(env=env)


def run_viz(line: str) -> None:
    """Show the project's pipeline graph in the cell's output.

    Args:
        line: The magic's arguments: ``[--pipeline NAME] [--env ENV] [--height PIXELS]``.
            ``--pipeline`` picks the pipeline shown first (all are in the output).

    Raises:
        VizError: The arguments are wrong.
        ProjectNotFoundError: The notebook is not inside a project and the extension
            has not loaded one.
        UnknownNameError: The pipeline is not registered.
        ProjError: The project cannot be loaded (registry, configuration).
    """
    from IPython.display import display

    from proj.viz.page import notebook_html
    from proj.viz.snapshot import build_snapshot

    args = _parse(line)
    snapshot = build_snapshot(_current_session(args.env), pipeline=args.pipeline)
    summary = (
        f"<proj viz: {snapshot['project']['name']}, {len(snapshot['nodes'])} nodes, "
        f"{len(snapshot['datasets'])} datasets; run the cell in Jupyter to see the graph>"
    )
    display(  # type: ignore[no-untyped-call]
        {"text/html": notebook_html(snapshot, height=args.height), "text/plain": summary},
        raw=True,
    )
