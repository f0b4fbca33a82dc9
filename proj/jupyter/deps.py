"""Checking that the optional Jupyter packages (the ``proj[jupyter]`` extra) are installed."""

from __future__ import annotations

import importlib.util

from proj.exceptions import MissingDependencyError

#: What each feature needs, as importable names.
KERNEL_PACKAGES = ("jupyter_client", "ipykernel", "IPython")
SERVER_PACKAGES = ("jupyter_server", *KERNEL_PACKAGES)
NOTEBOOK_PACKAGES = ("nbformat",)


def require(*packages: str, feature: str) -> None:
    """Raise if one of ``packages`` cannot be imported.

    Only looks the packages up (nothing is imported), so it is cheap.

    Args:
        *packages: Importable names, e.g. ``"jupyter_client"``.
        feature: What the user tried to do, e.g. ``"proj kernel install"``.

    Raises:
        MissingDependencyError: The first missing package, with the hint
            ``pip install "proj[jupyter]"``.
    """
    for package in packages:
        if importlib.util.find_spec(package) is None:
            raise MissingDependencyError(package, "jupyter", feature)
