"""The exception tree of proj: every error a user can act on.

Every error proj raises on purpose derives from :class:`ProjError`, and each subsystem
has one base of its own. Each base also inherits the built-in exception that fits, so
code that catches ``ValueError`` or ``LookupError`` keeps working::

    ProjError (Exception)
    ├── ConfigError (ValueError)                     conf/ files, environments, params
    │   ├── ConfigSyntaxError                        YAML/JSON that does not parse
    │   ├── DuplicateConfigKeyError                  one key in two files of one env
    │   └── MissingConfigError (LookupError)         no such environment / conf folder
    │       └── UnknownEnvironmentError              --env names no folder (usage, exit 2)
    ├── PipelineError (ValueError)                   nodes and pipelines
    │   ├── NodeDefinitionError (TypeError)          bad arguments to node()
    │   ├── DuplicateNodeError                       two nodes with one name
    │   ├── OutputNotUniqueError                     a dataset produced by two nodes
    │   ├── ConfirmNotUniqueError                    a dataset confirmed by two nodes
    │   ├── CircularDependencyError                  a cycle (named)
    │   └── UnknownNameError (LookupError)           a filter names nothing known
    ├── DatasetError                                 the data catalog and datasets
    │   ├── DatasetNotFoundError (LookupError)       no dataset of that name
    │   ├── DatasetTypeError (ValueError)            unknown or invalid dataset type
    │   └── VersionNotFoundError (LookupError)       a pinned version that is not there
    ├── RunnerError (RuntimeError)                   scheduling and running
    │   ├── NodeFailedError                          a node raised; carries resume info
    │   ├── NodeExitError                            a node called sys.exit()
    │   └── NotPicklableError (TypeError)            ParallelRunner cannot ship a node
    ├── HookError (RuntimeError)                     a hook implementation failed
    ├── ProjectError                                 project discovery and metadata
    │   ├── ProjectNotFoundError (LookupError)       no [tool.proj] table found
    │   ├── ProjectExistsError (FileExistsError)     `proj new` target already there
    │   └── RunStoreError                            the SQLite run store
    ├── NotebookError (ValueError)                   notebooks and their conversion
    ├── KernelError                                  kernel specs and running kernels
    ├── VizError                                     the visualisation
    └── MissingDependencyError (ImportError)         an optional extra is not installed

Every error carries an optional ``hint``: one sentence saying what to do. The CLI prints
``Error: <message>`` and then the hint, in one red block, and exits 1 (STYLE.md 8).
Message and hint pass through :func:`proj.redaction.redact_text` when the error is
created, so no error proj raises carries a password or token into a terminal, a cell,
the run store or the visualisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from proj.redaction import redact_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


class ProjError(Exception):
    """Root of every error proj raises on purpose.

    Args:
        message: What was wrong and where (file, line, dataset, node, cell); secrets in
            it are replaced by ``***``.
        hint: What to do about it, one sentence; shown after the message by the CLI.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        message = redact_text(message)
        super().__init__(message)
        self.message = message
        self.hint = None if hint is None else redact_text(hint)

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


# --------------------------------------------------------------------------- config


class ConfigError(ProjError, ValueError):
    """Configuration under ``conf/`` could not be read or merged."""


class ConfigSyntaxError(ConfigError):
    """A configuration file is not valid YAML or JSON (message names file:line:column)."""


class DuplicateConfigKeyError(ConfigError):
    """The same top-level key appears in two files of one environment."""


class MissingConfigError(ConfigError, LookupError):
    """A configuration environment or source folder does not exist."""


class UnknownEnvironmentError(MissingConfigError):
    """The requested environment (``--env``, ``PROJ_ENV``) has no folder in the
    configuration source: a usage error, so the CLI exits 2."""


# --------------------------------------------------------------------------- pipeline


class PipelineError(ProjError, ValueError):
    """A node or pipeline is malformed, or a filter cannot be applied."""


class NodeDefinitionError(PipelineError, TypeError):
    """``node()`` was called with arguments that cannot describe a node."""


class DuplicateNodeError(PipelineError):
    """Two different nodes of one pipeline share a name."""


class OutputNotUniqueError(PipelineError):
    """One dataset is produced by more than one node."""


class ConfirmNotUniqueError(PipelineError):
    """Two nodes of one pipeline confirm the same dataset."""


class CircularDependencyError(PipelineError):
    """The nodes' datasets form a cycle; the message names it."""


class UnknownNameError(PipelineError, LookupError):
    """A filter or lookup names nodes, tags, datasets or pipelines that do not exist.

    Attributes:
        kind: What was looked up: ``"node"``, ``"tag"``, ``"dataset"``, ...
        unknown: The names that were not found, in the order given.
        suggestions: For each unknown name, the closest known names (possibly empty).
    """

    def __init__(
        self,
        kind: str,
        unknown: Sequence[str],
        known: Iterable[str],
        *,
        where: str = "",
        hint: str | None = None,
    ) -> None:
        import difflib

        known_list = sorted(set(known))
        self.kind = kind
        self.unknown = list(unknown)
        self.suggestions = {
            name: difflib.get_close_matches(name, known_list, n=3, cutoff=0.5)
            for name in self.unknown
        }
        plural = "s" if len(self.unknown) > 1 else ""
        parts = []
        for name in self.unknown:
            close = self.suggestions[name]
            parts.append(
                f"'{name}' (did you mean {', '.join(repr(c) for c in close)}?)"
                if close
                else f"'{name}'"
            )
        location = f" in {where}" if where else ""
        message = f"Unknown {kind}{plural}{location}: {', '.join(parts)}."
        if hint is None:
            shown = ", ".join(known_list[:10]) + (", ..." if len(known_list) > 10 else "")
            hint = f"Known {kind}s: {shown}." if known_list else f"There are no {kind}s."
        super().__init__(message, hint=hint)


# --------------------------------------------------------------------------- io


class DatasetError(ProjError):
    """A dataset could not be built, loaded, saved or found.

    Attributes:
        dataset: The catalog entry the error is about, when it comes from building a
            catalog from configuration (so callers can point at the file and line).
    """

    dataset: str | None = None


class DatasetNotFoundError(DatasetError, LookupError):
    """No dataset of that name is in the catalog and no factory pattern matches it."""


class DatasetTypeError(DatasetError, ValueError):
    """A catalog entry names a dataset type that does not exist or cannot be built."""


class VersionNotFoundError(DatasetError, LookupError):
    """A versioned dataset has no version to load (or not the pinned one)."""


# --------------------------------------------------------------------------- runner


class RunnerError(ProjError, RuntimeError):
    """A pipeline could not be scheduled or run."""


class NodeFailedError(RunnerError):
    """A node raised an exception while a pipeline was running.

    The original exception is chained as ``__cause__``.

    Attributes:
        node_name: The name of the node that failed.
        not_run: Names of the nodes of the run that did not complete, in topological
            order (the failed node included).
        resume_nodes: The smallest set of node names to pass to ``from_nodes`` so that
            a new run restarts from persisted data only (parameters count as persisted).
        where: ``file:line`` of the user's code that raised, when known.
        run_id: The id of the recorded run (set by the session), whose store entry
            keeps the full traceback.
    """

    def __init__(
        self,
        message: str,
        *,
        node_name: str,
        not_run: Sequence[str],
        resume_nodes: Sequence[str],
        hint: str | None = None,
        where: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.node_name = node_name
        self.not_run = list(not_run)
        self.resume_nodes = list(resume_nodes)
        self.where = where
        self.run_id: str | None = None


class NodeExitError(RunnerError):
    """A node's function called ``sys.exit()``; reported as a failure of that node."""


class NotPicklableError(RunnerError, TypeError):
    """ParallelRunner cannot send a node or dataset to a worker process."""


class HookError(ProjError, RuntimeError):
    """A hook implementation could not be loaded or raised.

    Attributes:
        hook_name: The hook specification whose implementation raised (e.g.
            ``after_context_created``), or None when the hook could not be loaded.
        where: ``file:line`` of the hook's code that raised, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        hook_name: str | None = None,
        where: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.hook_name = hook_name
        self.where = where


# --------------------------------------------------------------------------- framework


class ProjectError(ProjError):
    """A project's layout, metadata, settings or registry is wrong."""


class ProjectNotFoundError(ProjectError, LookupError):
    """No directory with a ``[tool.proj]`` table in its pyproject.toml was found."""


class ProjectExistsError(ProjectError, FileExistsError):
    """``proj new`` would write into a folder that already exists."""


class RunStoreError(ProjectError):
    """The SQLite run store could not be read or written."""


# --------------------------------------------------------------------------- interactive


class NotebookError(ProjError, ValueError):
    """A notebook cannot be read, created or converted."""


class KernelError(ProjError):
    """A kernel spec or a running kernel could not be managed."""


class VizError(ProjError):
    """The pipeline visualisation could not be built or served."""


class MissingDependencyError(ProjError, ImportError):
    """A feature needs an optional extra that is not installed.

    Args:
        package: The import that failed, e.g. ``"jupyter_client"``.
        extra: The extra that provides it, e.g. ``"jupyter"``.
        feature: What the user tried to do, e.g. ``"proj kernel install"``.
    """

    def __init__(self, package: str, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs '{package}', which is not installed.",
            hint=f'Install it with: pip install "proj[{extra}]"',
        )
        self.package = package
        self.extra = extra
