"""pandas.SQLTableDataset and pandas.SQLQueryDataset: DataFrames in SQL databases.

Both reach the database through SQLAlchemy (install ``proj[sql]``) with a connection
string in ``credentials: {con: <SQLAlchemy URL>}``; other keys of ``credentials`` are
passed to ``sqlalchemy.create_engine`` (``pool_size``, ``connect_args``...). One engine
is kept per connection string and process, so datasets on the same database share its
connection pool.

The connection string holds secrets: it never appears in ``describe()``, ``repr()``,
log lines or error messages (which are scrubbed of it, of its password and of any URL
user info).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from proj.exceptions import DatasetError
from proj.io.core import AbstractDataset

logger = logging.getLogger(__name__)

_ENGINES: dict[str, Any] = {}
_ENGINES_LOCK = threading.Lock()


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` without the given secret strings, and without what
    :func:`proj.redaction.redact_text` recognises (URL user info, ``password=...``)."""
    from proj.redaction import redact_text

    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return redact_text(text)


def _as_dict(value: object, what: str, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise DatasetError(f"{where}: {what} must be a mapping, got {type(value).__name__}.")
    return dict(value)


class _SQLDataset(AbstractDataset):
    """What both SQL datasets share: the engine, secret scrubbing and error wrapping."""

    _TYPE: ClassVar[str] = ""

    def __init__(self, credentials: Mapping[str, Any] | None, where: str) -> None:
        from proj.io.optional import require

        require("sqlalchemy", "sql", self._TYPE)
        options = _as_dict(credentials, "credentials", where)
        con = options.pop("con", None)
        if not isinstance(con, str) or not con.strip():
            raise DatasetError(
                f"{where} needs a SQLAlchemy URL as `con` in its credentials.",
                hint="Put `con: <URL>` (e.g. sqlite:///data/app.db, or postgresql://host/db "
                "with the user and password written before the host) under a name in "
                "conf/local/credentials.yml and write `credentials: <that name>`.",
            )
        self._con = con
        self._engine_args = options
        self._secrets = self._find_secrets(con)

    @staticmethod
    def _find_secrets(con: str) -> tuple[str, ...]:
        """The connection string and, when it parses, its password."""
        secrets = [con]
        try:
            from sqlalchemy.engine import make_url

            password = make_url(con).password
        except Exception:  # an unparsable URL fails later, with a scrubbed message
            password = None
        if password:
            secrets.append(str(password))
        return tuple(sorted(secrets, key=len, reverse=True))

    def _engine(self) -> Any:
        """The shared engine of this connection string (created on first use)."""
        with _ENGINES_LOCK:
            engine = _ENGINES.get(self._con)
            if engine is None:
                from sqlalchemy import create_engine

                try:
                    engine = create_engine(self._con, **self._engine_args)
                except ModuleNotFoundError as exc:
                    raise DatasetError(
                        f"{self._label()}: the database driver '{exc.name}' is not installed.",
                        hint=f"Install the driver for this database (`pip install {exc.name}` "
                        "or see SQLAlchemy's list of dialects).",
                    ) from None
                except Exception as exc:
                    raise DatasetError(
                        f"{self._label()}: invalid connection string in credentials.con: "
                        f"{_scrub(f'{type(exc).__name__}: {exc}', self._secrets)}"
                    ) from None
                _ENGINES[self._con] = engine
        return engine

    def _guard(self, action: str, func: Any) -> Any:
        """Like AbstractDataset._guard, with the connection string scrubbed from errors.

        The original exception is not chained: its text (and its SQL parameters) may
        hold the connection string.
        """
        try:
            return func()
        except DatasetError as exc:
            if any(secret in exc.message for secret in self._secrets):
                raise DatasetError(_scrub(exc.message, self._secrets), hint=exc.hint) from None
            raise
        except Exception as exc:
            message = _scrub(f"{type(exc).__name__}: {exc}", self._secrets)
            raise DatasetError(f"Failed to {action} {self._label()}: {message}") from None

    def _release(self) -> None:
        """Close the pooled connections of this database (the engine is rebuilt on use)."""
        with _ENGINES_LOCK:
            engine = _ENGINES.pop(self._con, None)
        if engine is not None:
            engine.dispose()


class SQLTableDataset(_SQLDataset):
    """A DataFrame in a database table (catalog type ``pandas.SQLTableDataset``).

    Loading calls ``pandas.read_sql_table(table_name, connection, **load_args)``;
    saving calls ``DataFrame.to_sql(table_name, connection, **save_args)`` inside one
    transaction, so a save that fails part-way leaves the table as it was. The index
    is not written unless ``save_args: {index: true}``; ``save_args: {if_exists: replace}``
    replaces the table, ``append`` adds rows, and the default ``fail`` refuses to write
    over an existing table. ``schema`` goes in both ``load_args`` and ``save_args``.

    Args:
        table_name: The table.
        credentials: ``{con: <SQLAlchemy URL>, ...}``; the other keys go to
            ``sqlalchemy.create_engine``.
        load_args: Keyword arguments of ``pandas.read_sql_table``.
        save_args: Keyword arguments of ``DataFrame.to_sql``.
        metadata: Free-form information, kept and shown by ``describe()``.

    Raises:
        MissingDependencyError: SQLAlchemy is not installed (``pip install "proj[sql]"``).
        DatasetError: No table name or no ``con`` in the credentials.

    Example catalog entry::

        shuttles:
          type: pandas.SQLTableDataset
          table_name: shuttles
          credentials: db
          save_args: {if_exists: replace}
    """

    _TYPE: ClassVar[str] = "pandas.SQLTableDataset"
    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, Any]] = {"index": False}

    def __init__(
        self,
        table_name: str,
        credentials: Mapping[str, Any] | None = None,
        load_args: Mapping[str, Any] | None = None,
        save_args: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        if not isinstance(table_name, str) or not table_name.strip():
            raise DatasetError(
                f"pandas.SQLTableDataset needs a non-empty 'table_name', got {table_name!r}."
            )
        self._table = table_name
        where = f"pandas.SQLTableDataset of table '{table_name}'"
        super().__init__(credentials, where)
        self._load_args = _as_dict(load_args, "load_args", where)
        self._save_args = {**self.DEFAULT_SAVE_ARGS, **_as_dict(save_args, "save_args", where)}
        for args in (self._load_args, self._save_args):
            if "con" in args:
                raise DatasetError(
                    f"{where}: give the connection string in credentials, not in load_args "
                    "or save_args (they are shown in listings and logs)."
                )
        self.metadata = dict(metadata) if metadata else None

    def _load(self) -> Any:
        import pandas as pd

        with self._engine().connect() as connection:
            return pd.read_sql_table(self._table, connection, **self._load_args)

    def _save(self, data: Any) -> None:
        import pandas as pd

        if not isinstance(data, pd.DataFrame):
            raise DatasetError(
                f"{self._label()} saves a pandas DataFrame, got {type(data).__name__}.",
                hint="Return a DataFrame from the node.",
            )
        with self._engine().begin() as connection:  # one transaction: all or nothing
            data.to_sql(self._table, connection, **self._save_args)

    def _exists(self) -> bool:
        from sqlalchemy import inspect

        with self._engine().connect() as connection:
            return bool(
                inspect(connection).has_table(self._table, schema=self._load_args.get("schema"))
            )

    def _describe(self) -> dict[str, Any]:
        return {
            "table_name": self._table,
            "load_args": dict(self._load_args),
            "save_args": dict(self._save_args),
        }

    def _label(self) -> str:
        return f"pandas.SQLTableDataset of table '{self._table}'"

    def preview(self, rows: int = 10) -> dict[str, Any]:
        """The first ``rows`` rows of the table (``LIMIT``) and its row count, for ``proj viz``.

        Returns:
            A table preview (see :mod:`proj.io.preview`).

        Raises:
            DatasetError: The table cannot be read.
        """

        def read() -> dict[str, Any]:
            import pandas as pd
            from sqlalchemy import MetaData, Table, func, select

            from proj.io.preview import pandas_table

            with self._engine().connect() as connection:
                table = Table(
                    self._table,
                    MetaData(),
                    schema=self._load_args.get("schema"),
                    autoload_with=connection,
                )
                head = pd.read_sql_query(select(table).limit(rows), connection)
                total = connection.execute(select(func.count()).select_from(table)).scalar()
            return pandas_table(head, rows, None if total is None else int(total))

        result: dict[str, Any] = self._guard("preview", read)
        return result


class SQLQueryDataset(_SQLDataset):
    """The result of a SQL query as a DataFrame (catalog type ``pandas.SQLQueryDataset``).

    The query is given inline (``sql``) or as a file (``filepath``, read through fsspec
    on each load, so a ``.sql`` file can be edited between runs). Loading calls
    ``pandas.read_sql_query(query, connection, **load_args)`` (``load_args: {params:
    {...}}`` binds ``:name`` parameters); ``execution_options`` are set on the connection
    (e.g. ``{stream_results: true}``). It cannot be saved.

    Args:
        sql: The query text. Give ``sql`` or ``filepath``, not both.
        credentials: ``{con: <SQLAlchemy URL>, ...}``; the other keys go to
            ``sqlalchemy.create_engine``.
        load_args: Keyword arguments of ``pandas.read_sql_query``.
        fs_args: Options for the fsspec filesystem of ``filepath``.
        filepath: A file holding the query.
        execution_options: SQLAlchemy connection execution options.
        metadata: Free-form information, kept and shown by ``describe()``.
        encoding: The encoding of ``filepath`` (default UTF-8).

    Raises:
        MissingDependencyError: SQLAlchemy is not installed (``pip install "proj[sql]"``).
        DatasetError: Neither or both of ``sql`` and ``filepath``; no ``con``.
    """

    _TYPE: ClassVar[str] = "pandas.SQLQueryDataset"

    def __init__(
        self,
        sql: str | None = None,
        credentials: Mapping[str, Any] | None = None,
        load_args: Mapping[str, Any] | None = None,
        fs_args: Mapping[str, Any] | None = None,
        filepath: str | None = None,
        execution_options: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        encoding: str = "utf-8",
    ) -> None:
        where = "pandas.SQLQueryDataset"
        if (sql is None) == (filepath is None):
            raise DatasetError(
                f"{where} needs exactly one of 'sql' (the query) and 'filepath' (a .sql "
                f"file), got {'both' if sql is not None else 'neither'}."
            )
        if sql is not None and (not isinstance(sql, str) or not sql.strip()):
            raise DatasetError(f"{where}: 'sql' must be a non-empty string.")
        self._sql = sql
        self._filepath = filepath
        super().__init__(credentials, where)
        self._load_args = _as_dict(load_args, "load_args", where)
        self._fs_args = _as_dict(fs_args, "fs_args", where)
        self._execution_options = _as_dict(execution_options, "execution_options", where)
        self._encoding = encoding
        self.metadata = dict(metadata) if metadata else None

    def _query(self) -> str:
        if self._sql is not None:
            return self._sql
        from fsspec.core import url_to_fs

        assert self._filepath is not None
        fs, path = url_to_fs(self._filepath, **self._fs_args)
        try:
            with fs.open(path, "rb") as file:
                return str(file.read().decode(self._encoding))
        except FileNotFoundError as exc:
            raise DatasetError(
                f"{self._label()}: the query file '{self._filepath}' does not exist.",
                hint="Create it, or fix the filepath.",
            ) from exc

    def _load(self) -> Any:
        import pandas as pd
        from sqlalchemy import text

        query = text(self._query())
        with self._engine().connect() as connection:
            configured = (
                connection.execution_options(**self._execution_options)
                if self._execution_options
                else connection
            )
            return pd.read_sql_query(query, configured, **self._load_args)

    def _save(self, data: Any) -> None:
        raise DatasetError(
            f"{self._label()} is read-only: a query result cannot be saved.",
            hint="Save to a pandas.SQLTableDataset instead.",
        )

    def _exists(self) -> bool:
        # A query has no stored data to look for; whether it runs shows when it loads.
        return True

    def _describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {}
        if self._filepath is not None:
            info["filepath"] = self._filepath
        else:
            info["sql"] = self._sql
        info["load_args"] = dict(self._load_args)
        if self._execution_options:
            info["execution_options"] = dict(self._execution_options)
        return info

    def _label(self) -> str:
        if self._filepath is not None:
            return f"pandas.SQLQueryDataset at '{self._filepath}'"
        return "pandas.SQLQueryDataset"

    def preview(self, rows: int = 10) -> dict[str, Any]:
        """The first ``rows`` rows of the query's result, for ``proj viz``.

        Returns:
            A table preview (see :mod:`proj.io.preview`).

        Raises:
            DatasetError: The query failed.
        """
        from proj.io.preview import pandas_table

        return pandas_table(self.load(), rows)
