"""Optional libraries of the built-in datasets: checking that one is installed.

A dataset whose library is missing fails when it is built, with a
:class:`~proj.exceptions.MissingDependencyError` that names the extra to install
(``pip install "proj[excel]"``). The check looks for the package without importing it,
so building a catalog stays cheap.
"""

from __future__ import annotations

import importlib.util

from proj.exceptions import MissingDependencyError


def is_installed(package: str) -> bool:
    """Whether ``package`` can be imported, without importing it.

    Args:
        package: A top-level import name, e.g. ``"openpyxl"``.

    Returns:
        ``False`` when no such package is found (or it was blocked by setting
        ``sys.modules[package] = None``), ``True`` otherwise.
    """
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):  # ValueError: sys.modules[package] is None
        return False


def require(packages: tuple[str, ...] | str, extra: str, feature: str) -> None:
    """Raise unless every package in ``packages`` is installed.

    Args:
        packages: Import names, e.g. ``("sqlalchemy",)``.
        extra: The proj extra that installs them, e.g. ``"sql"``.
        feature: What needs them, for the message, e.g. ``"pandas.SQLTableDataset"``.

    Raises:
        MissingDependencyError: The first package that is missing, with the command
            ``pip install "proj[<extra>]"`` as the hint.
    """
    for package in (packages,) if isinstance(packages, str) else packages:
        if not is_installed(package):
            raise MissingDependencyError(package, extra, feature)
