"""Objects that stand in for the extension's variables: :class:`Unavailable` for one that
could not be loaded, :class:`LazyPipelines` for pipelines read on first use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from proj.framework import Session
    from proj.pipeline import Pipeline

RELOAD_HINT = "Fix it, then run %reload_project."
#: Attribute set on an error raised by a stand-in: the variable's name.
STANDIN_MARK = "_proj_standin"


def _first_line(error: BaseException) -> str:
    message = str(getattr(error, "message", None) or error)
    return message.splitlines()[0] if message else ""


class Unavailable:
    """Stands in for a variable that could not be loaded; any use raises the load error.

    Attribute access, calls, indexing, iteration, ``len()`` and ``in`` raise the
    original exception (same class, same message naming the file and line). Names that
    start with ``_`` raise :class:`AttributeError` instead, so that IPython's display
    and completion machinery, which probes for such attributes, keeps working.

    Args:
        name: The variable it stands for, e.g. ``"catalog"``.
        error: Why it could not be loaded.
    """

    __slots__ = ("_error", "_name")

    def __init__(self, name: str, error: BaseException) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_error", error)

    def _raise(self) -> NoReturn:
        error: BaseException = object.__getattribute__(self, "_error")
        try:  # marks the error for the one-line display of show_standin_errors_briefly
            setattr(error, STANDIN_MARK, object.__getattribute__(self, "_name"))
        except (AttributeError, TypeError):  # an exception class with __slots__
            pass
        raise error.with_traceback(None)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("_"):
            raise AttributeError(attribute)
        self._raise()

    def __setattr__(self, attribute: str, value: object) -> None:
        self._raise()

    def __call__(self, *args: object, **kwargs: object) -> Any:
        self._raise()

    def __getitem__(self, key: object) -> Any:
        self._raise()

    def __iter__(self) -> Any:
        self._raise()

    def __len__(self) -> int:  # noqa: PLE0303 - never returns: it raises the load error
        self._raise()

    def __contains__(self, item: object) -> bool:
        self._raise()

    def __dir__(self) -> list[str]:
        return []

    def __repr__(self) -> str:
        name: str = object.__getattribute__(self, "_name")
        error: BaseException = object.__getattribute__(self, "_error")
        return f"<{name} unavailable: {type(error).__name__}: {_first_line(error)} {RELOAD_HINT}>"


class LazyPipelines(Mapping[str, "Pipeline"]):
    """The project's pipelines by name, read from its registry on first use.

    Reading the pipelines imports the project's node modules and, through them, the
    libraries they use (pandas, numpy, ...); deferring it lets a kernel define
    ``catalog`` sooner. Any use (``pipelines["x"]``, ``list(pipelines)``, ``len``)
    loads them; if that fails it raises the load error (file and line) every time.
    Its repr lists the names once loaded.

    Args:
        session: The session whose ``pipelines`` property reads the registry.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._pipelines: dict[str, Pipeline] | None = None

    def load(self) -> dict[str, Pipeline]:
        """The pipelines, loading them now if needed.

        Raises:
            ProjectError: The registry or a pipeline module fails to import or run.
        """
        if self._pipelines is None:
            self._pipelines = self._session.pipelines
        return self._pipelines

    @property
    def loaded(self) -> bool:
        """Whether the pipelines have been read."""
        return self._pipelines is not None

    def __getitem__(self, name: str) -> Pipeline:
        return self.load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.load())

    def __len__(self) -> int:
        return len(self.load())

    def __repr__(self) -> str:
        try:
            pipelines = self.load()
        except Exception as error:  # the repr must not break the display
            return f"<pipelines unavailable: {type(error).__name__}: {_first_line(error)}>"
        return repr(pipelines)


def standin_error_lines(error: BaseException) -> list[str] | None:
    """How an error raised by a stand-in is shown: one line, or None for other errors.

    The line is ``<Type>: <message's first line> (`<variable>` was not loaded. Fix it,
    then run %reload_project.)``; proj's messages name the file and line.
    """
    name = getattr(error, STANDIN_MARK, None)
    if not isinstance(name, str):
        return None
    kind = type(error).__name__
    return [f"{kind}: {_first_line(error)} (`{name}` was not loaded. {RELOAD_HINT})"]


def show_standin_errors_briefly(shell: Any) -> None:
    """Show errors raised by stand-ins as one line instead of a traceback.

    Registers an IPython custom exception handler for :class:`~proj.exceptions.ProjError`
    (``InteractiveShell.set_custom_exc``): an error a stand-in raised is shown as the
    line of :func:`standin_error_lines`; any other ProjError gets IPython's usual
    traceback.

    Args:
        shell: The running IPython shell.
    """
    from proj.exceptions import ProjError

    def handler(
        self: Any, etype: type[BaseException], value: BaseException, tb: Any, tb_offset: Any = None
    ) -> list[str] | None:
        # IPython leaves the display to the handler; showtraceback does not call it again.
        lines = standin_error_lines(value)
        if lines is None:
            self.showtraceback((etype, value, tb), tb_offset=tb_offset)
            return None
        self._showtraceback(etype, value, lines)
        return lines

    shell.set_custom_exc((ProjError,), handler)


__all__ = [
    "RELOAD_HINT",
    "STANDIN_MARK",
    "LazyPipelines",
    "Unavailable",
    "show_standin_errors_briefly",
    "standin_error_lines",
]
