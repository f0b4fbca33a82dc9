"""``%%memoize [--disk]``: reuse a cell's outputs while its code and inputs stay the same.

The cell's *inputs* are the names it reads from earlier cells (found by the same
static analysis as the live dataflow, the globals of the functions it calls
included); its *outputs* are the names it binds or changes in place, and its result
(the value of a last expression, which the cell displays). The cache key is the
SHA-256 of the cell's code and a fingerprint of each input:

* a module: its name; a function: its code object (``marshal``) and default values;
* anything else: the SHA-256 of its pickle (protocol 5).

An input that cannot be pickled turns caching off for that cell, said once. Outputs are
stored pickled (modules by name), so a later change to an output object in place does not change the
cache; outputs that cannot be pickled are not cached (said once).

The cache lives in memory; with ``--disk`` also in ``<project>/.proj/cache/memoize/``
(one ``<key>.pkl`` file per entry, written atomically), so it survives a kernel restart.
Each run prints ``memoize: hit`` or ``memoize: miss`` and why.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import marshal
import os
import pickle
import sys
import tempfile
import types
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.ipython.flow import analyse
from proj.ipython.magics import _parse, _Parser

if TYPE_CHECKING:
    from proj.ipython.flow_magics import Flow

logger = logging.getLogger(__name__)

#: Where disk entries go, relative to the project root.
CACHE_FOLDER = Path(".proj") / "cache" / "memoize"


class Unfingerprintable(Exception):
    """A value the cache key cannot be computed from."""


@dataclass(frozen=True)
class _ModuleRef:
    """A module among a cell's outputs, stored by name and imported again on a hit."""

    name: str


def fingerprint(value: Any) -> str:
    """A SHA-256 hex digest that changes when ``value`` changes (see the module docstring).

    Raises:
        Unfingerprintable: The value cannot be pickled.
    """
    digest = hashlib.sha256()
    if isinstance(value, types.ModuleType):
        digest.update(b"module:" + value.__name__.encode())
    elif isinstance(value, types.FunctionType):
        digest.update(b"function:" + marshal.dumps(value.__code__))
        try:
            digest.update(pickle.dumps((value.__defaults__, value.__kwdefaults__), protocol=5))
        except Exception as exc:
            raise Unfingerprintable(f"{type(exc).__name__}: {exc}") from exc
    else:
        try:
            digest.update(pickle.dumps(value, protocol=5))
        except Exception as exc:
            raise Unfingerprintable(f"{type(exc).__name__}: {exc}") from exc
    return digest.hexdigest()


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class Memo:
    """The cache of one shell (in memory, and on disk for ``--disk`` cells).

    Args:
        shell: The running IPython shell.
        flow: The shell's dataflow (for the globals of the functions a cell calls).
    """

    def __init__(self, shell: Any, flow: Flow) -> None:
        self.shell = shell
        self.flow = flow
        self.memory: dict[str, bytes] = {}
        self._said: set[str] = set()

    def _once(self, key: str, text: str) -> None:
        if key not in self._said:
            self._said.add(key)
            _say(text)

    def _folder(self) -> Path | None:
        from proj.ipython.loader import last_load

        result = last_load()
        if result is None or result.metadata is None:
            return None
        return Path(result.metadata.project_path) / CACHE_FOLDER

    def _names(self, cell: str) -> tuple[list[str], list[str]]:
        """The cell's inputs and outputs (names), sorted."""
        steps, _error = analyse(cell)
        deferred = self.flow.dataflow.deferred
        reads: set[str] = set()
        written: set[str] = set()
        for step in steps:
            used = set(step.reads)
            for name in step.reads:
                used |= deferred.get(name, set())
            reads |= used - written
            written |= step.writes
        namespace = self.shell.user_ns
        return sorted(n for n in reads if n in namespace), sorted(written)

    def key(self, cell: str, inputs: list[str]) -> str:
        """The cache key of ``cell`` with its inputs' current values.

        Raises:
            Unfingerprintable: An input cannot be pickled (the message names it).
        """
        digest = hashlib.sha256(cell.strip().encode())
        for name in inputs:
            try:
                print_ = fingerprint(self.shell.user_ns[name])
            except Unfingerprintable as exc:
                raise Unfingerprintable(f"'{name}' cannot be pickled ({exc})") from exc
            digest.update(f"\0{name}\0{print_}".encode())
        return digest.hexdigest()

    def _load(self, key: str, folder: Path | None) -> tuple[bytes, str] | None:
        """The stored outputs and where they came from (``memory`` or ``disk``)."""
        if key in self.memory:
            return self.memory[key], "memory"
        if folder is not None:
            try:
                data = (folder / f"{key}.pkl").read_bytes()
            except OSError:
                return None
            self.memory[key] = data
            return data, "disk"
        return None

    def _store(self, key: str, data: bytes, folder: Path | None) -> None:
        self.memory[key] = data
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{key}.", dir=folder)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            Path(temporary).replace(folder / f"{key}.pkl")
        except OSError as exc:
            logger.warning("memoize: cannot write the disk cache in %s: %s", folder, exc)

    def run(self, line: str, cell: str) -> Any:
        """Run a ``%%memoize`` cell (see the module docstring).

        Args:
            line: The magic's arguments (``--disk``).
            cell: The cell's body.

        Returns:
            The cell's result on a hit (IPython displays it); None on a miss (the cell
            displayed its own result when it ran).
        """
        parser = _Parser(prog="%%memoize")
        parser.add_argument("--disk", action="store_true", help="Keep the cache on disk too.")
        args = _parse(parser, line)
        if args is None:
            return None
        folder = None
        if args.disk:
            folder = self._folder()
            if folder is None:
                logger.error(
                    "%%%%memoize --disk keeps its cache in the project's .proj/cache/, but no "
                    "project is loaded; run %%reload_project PATH, or drop --disk."
                )
                return None
        return self._run(cell, folder)

    def _run(self, cell: str, folder: Path | None) -> Any:
        inputs, outputs = self._names(cell)
        try:
            key = self.key(cell, inputs)
        except Unfingerprintable as exc:
            self._once(f"in:{cell}", f"memoize: not caching this cell: {exc}.")
            self._execute(cell)
            return None
        found = self._load(key, folder)
        if found is not None:
            try:
                stored = pickle.loads(found[0])  # noqa: S301 - our own cache, written by this code
            except Exception as exc:
                logger.warning("memoize: a cache entry could not be read (%s); re-running.", exc)
            else:
                self.shell.user_ns.update(
                    {
                        n: importlib.import_module(v.name) if isinstance(v, _ModuleRef) else v
                        for n, v in stored["names"].items()
                    }
                )
                _say(
                    f"memoize: hit ({found[1]}); skipped the cell, restored "
                    f"{', '.join(stored['names']) or 'its result'}."
                )
                return stored["result"]
        shown = ", ".join(inputs) or "no inputs"
        _say(f"memoize: miss (inputs: {shown}); running the cell.")
        result = self._execute(cell)
        if result is None or not result.success:
            return None
        names = {
            n: _ModuleRef(v.__name__) if isinstance(v, types.ModuleType) else v
            for n, v in self.shell.user_ns.items()
            if n in outputs
        }
        try:
            data = pickle.dumps({"names": names, "result": result.result}, protocol=5)
        except Exception as exc:
            self._once(
                f"out:{cell}",
                f"memoize: not caching this cell: its outputs cannot be pickled "
                f"({type(exc).__name__}: {exc}).",
            )
            return None
        self._store(key, data, folder)
        return None

    def _execute(self, cell: str) -> Any:
        self.flow.inner_runs += 1
        try:
            return self.shell.run_cell(cell, store_history=False)
        finally:
            self.flow.inner_runs -= 1


__all__ = ["CACHE_FOLDER", "Memo", "Unfingerprintable", "fingerprint"]
