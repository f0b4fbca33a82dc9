"""The IPython extension: a project's ``catalog``, ``context``, ``pipelines`` and
``session`` in IPython and Jupyter.

Load it with ``%load_ext proj.ipython`` (or ``%load_ext proj``), start ``proj ipython``,
or use a kernel installed by ``proj kernel install``. On load it finds the project from
the ``PROJ_PROJECT_PATH`` environment variable (set by proj's kernel spec) or the working
directory, defines the four variables and logs one line listing them. Outside a project
it says to run ``%reload_project PATH``.

Magics:

* ``%reload_project [PATH] [--env E] [--params k=v,...] [--conf-source DIR]`` loads
  everything again, the project's own modules included, and remembers PATH. The same
  as the function :func:`reload_project`.
* ``%load_node NODE`` writes a cell that loads the node's inputs from the catalog,
  defines its function with its module's imports, and calls it (printed in a terminal).
  Node names complete with Tab.
* ``%run_viz`` shows the pipeline graph, when proj's visualisation is installed.
* Live dataflow, on at load (``%flow off`` turns it off): after each cell a line names
  the cells it made stale; ``%stale``, ``%rerun_stale``, ``%slice NAME [--to-cell]``,
  ``%%memoize [--disk]`` (see :mod:`proj.ipython.flow_magics`).

When loading fails, the error (file and line) is shown in the cell's output, and each
variable that could not be built is bound to an object that raises that same error on
any use, never left holding a stale value and never silently missing (see
:class:`proj.ipython.standins.Unavailable`); that error is shown as one line (its
message names the file and line), not a traceback. On load the pipelines are read on first use
(importing the node modules is most of a load's time); ``%reload_project`` reads them at
once and reports their errors. ``session.run()`` can be called any number of times.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from IPython.core.interactiveshell import InteractiveShell

logger = logging.getLogger(__name__)

__all__ = ["load_ipython_extension", "reload_project"]


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """Register the magics and load the project (IPython's extension entry point).

    Never raises: a project that fails to load is reported in the output and its
    variables stand in for the error.

    Args:
        ipython: The shell loading the extension.
    """
    from proj.ipython.flow_magics import enable
    from proj.ipython.loader import reload_project as _reload
    from proj.ipython.magics import register
    from proj.ipython.output import install_log_handler
    from proj.ipython.standins import show_standin_errors_briefly

    install_log_handler()
    register(ipython)
    enable(ipython)
    show_standin_errors_briefly(ipython)
    try:
        # Pipelines are read on first use: the kernel answers sooner, and errors raised
        # while a kernel starts would not reach any cell anyway.
        _reload(lazy_pipelines=True)
    except Exception as error:  # an extension that raises is only logged by IPython
        logger.exception("Could not load the project: %s", error)


def reload_project(
    path: str | Path | None = None,
    env: str | None = None,
    params: Mapping[str, Any] | None = None,
    conf_source: str | Path | None = None,
) -> None:
    """(Re)load a project into the running shell; see :func:`proj.ipython.loader.reload_project`.

    Args:
        path: The project root or any folder inside it; remembered for later calls.
        env: Configuration environment; default ``PROJ_ENV`` or ``local``.
        params: Runtime parameter overrides, e.g. ``{"model_options.max_iterations": 5}``.
        conf_source: A configuration folder to use instead of the project's ``conf``.
    """
    from proj.ipython.loader import reload_project as _reload

    _reload(path, env=env, params=params, conf_source=conf_source)
