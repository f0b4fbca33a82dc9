"""``proj jupyter``: notebook servers with the project kernel, conversion, new notebooks.

The sub-commands live in their own modules; this group only collects them. Each module
imports nothing heavy at import time.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Notebooks: Jupyter with the project kernel, converting notebooks, new notebooks.",
)

#: Sub-command name -> (module, function name).
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "notebook": ("proj.cli.jupyter_server", "notebook"),
    "lab": ("proj.cli.jupyter_server", "lab"),
    "list": ("proj.cli.jupyter_server", "list_servers"),
    "stop": ("proj.cli.jupyter_server", "stop"),
    "new": ("proj.cli.jupyter_server", "new"),
    "convert": ("proj.cli.jupyter_convert", "convert"),
}

for _name, (_module, _function) in SUBCOMMANDS.items():
    if importlib.util.find_spec(_module) is not None:
        _loaded = importlib.import_module(_module)
        _callback = getattr(_loaded, _function, None)
        if _callback is not None:
            # A module may ask for Click settings per command (CONTEXT_SETTINGS), e.g. to
            # pass unknown options such as --ServerApp.* through to Jupyter.
            _settings = getattr(_loaded, "CONTEXT_SETTINGS", {}).get(_function)
            app.command(name=_name, context_settings=_settings)(_callback)
