"""FileDataset: the base of datasets kept in one file, reached through fsspec.

It owns what every file dataset shares: turning ``filepath`` (local or ``s3://``-style)
into an fsspec filesystem, ``load_args``/``save_args``/``fs_args``/``credentials``,
versioned paths, and atomic saves. Subclasses only read and write an open binary file.

Atomic saves: data is written to a hidden temporary file in the destination folder
(``.<basename>.<host>-<pid>-<start>.<random>.tmp``) and then renamed over the
destination; a save that fails part-way removes the temporary file and leaves the
previous file untouched. A process killed during a save (``kill -9``, power cut) cannot
clean up: the first load or save of the dataset by a later process removes, for local
files, the temporary files of this host whose process has ended. A
local symbolic link is followed (its target gets the new data, the link stays), and the
new file keeps the permission bits of the one it replaces.
"""

from __future__ import annotations

import abc
import logging
import os
import posixpath
import stat
from collections.abc import Mapping
from typing import IO, Any, ClassVar

from proj.exceptions import DatasetError, VersionNotFoundError
from proj.io.core import AbstractDataset
from proj.io.versioning import Version, generate_timestamp, validate_version, versioned_path
from proj.processes import host_name, process_gone, start_token

logger = logging.getLogger(__name__)

_LOCAL_PROTOCOLS = frozenset({"file", "local"})


def _temp_owner() -> str:
    """``<host>-<pid>-<start>`` of this process, for temporary file names."""
    import hashlib

    host = hashlib.sha1(host_name().encode(), usedforsecurity=False).hexdigest()[:6]
    return f"{host}-{os.getpid()}-{start_token() or 0}"


def remove_stale_temporaries(path: str) -> list[str]:
    """Remove the temporary files that interrupted saves of the local file ``path`` left.

    Only files named by :meth:`FileDataset._atomic_write` (and, for versioned datasets,
    those in every version folder) of a process of this host that has ended are
    removed; a save in progress in another process is left alone.

    Args:
        path: The local destination path (unversioned).

    Returns:
        The paths removed.
    """
    import glob

    parent, basename = os.path.split(path)
    pattern = f".{glob.escape(basename)}.*-*-*.*.tmp"
    candidates = glob.glob(os.path.join(glob.escape(parent or "."), pattern))
    candidates += glob.glob(os.path.join(glob.escape(path), "*", pattern))
    mine = _temp_owner().split("-", 1)[0]
    removed = []
    for candidate in candidates:
        owner = os.path.basename(candidate)[len(basename) + 2 :].split(".", 1)[0]
        host, _, rest = owner.partition("-")
        pid, _, start = rest.partition("-")
        if host != mine or not pid.isdigit():
            continue
        if process_gone(int(pid), None if start == "0" else start, host_name()):
            try:
                os.remove(candidate)
            except OSError:
                continue
            logger.info("Removed %s, left by an interrupted save", candidate)
            removed.append(candidate)
    return removed


def _as_dict(value: object, what: str, filepath: str) -> dict[str, Any]:
    """Return ``value`` (a mapping or None) as a new dict, or raise a DatasetError."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise DatasetError(
            f"{what} of the dataset at '{filepath}' must be a mapping, got {type(value).__name__}."
        )
    return dict(value)


class FileDataset(AbstractDataset):
    """A dataset stored in one file, on any filesystem fsspec knows.

    Args:
        filepath: Where the file is: a local path (relative paths are resolved against
            the current directory at each load and save) or a URL such as
            ``s3://bucket/key.csv`` (needs the matching fsspec package, e.g. s3fs).
        load_args: Keyword arguments for the reader (see each subclass); merged over
            the subclass's ``DEFAULT_LOAD_ARGS``.
        save_args: Keyword arguments for the writer; merged over ``DEFAULT_SAVE_ARGS``.
        fs_args: Options for the fsspec filesystem; the keys ``open_args_load`` and
            ``open_args_save`` are passed to ``fs.open`` instead.
        credentials: Secrets for the filesystem (merged over ``fs_args``); never shown
            by ``describe()`` or ``repr()``.
        version: Set by the catalog for ``versioned: true`` entries: which version to
            load (``None``: the latest) and save (``None``: a new timestamp).
        metadata: Free-form information, kept and shown by ``describe()``.

    Raises:
        DatasetError: An argument has the wrong shape, or the filesystem for the path
            is unknown or not installed.
    """

    DEFAULT_LOAD_ARGS: ClassVar[Mapping[str, Any]] = {}
    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, Any]] = {}

    def __init__(
        self,
        filepath: str,
        *,
        load_args: Mapping[str, Any] | None = None,
        save_args: Mapping[str, Any] | None = None,
        fs_args: Mapping[str, Any] | None = None,
        credentials: Mapping[str, Any] | None = None,
        version: Version | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        if not isinstance(filepath, str) or not filepath.strip():
            raise DatasetError(
                f"{type(self).__name__} needs a non-empty 'filepath' string, got {filepath!r}."
            )
        self._filepath = filepath
        self._load_args = {**self.DEFAULT_LOAD_ARGS, **_as_dict(load_args, "load_args", filepath)}
        self._save_args = {**self.DEFAULT_SAVE_ARGS, **_as_dict(save_args, "save_args", filepath)}
        options = _as_dict(fs_args, "fs_args", filepath)
        self._open_args_load = _as_dict(
            options.pop("open_args_load", None), "open_args_load", filepath
        )
        self._open_args_save = _as_dict(
            options.pop("open_args_save", None), "open_args_save", filepath
        )
        self._fs_args_shown = sorted(options)  # names only: values may be secret
        options.update(_as_dict(credentials, "credentials", filepath))
        self.metadata = dict(metadata) if metadata else None
        if version is not None:
            if version.load is not None:
                validate_version(version.load, what="load version")
            if version.save is not None:
                validate_version(version.save, what="save version")
        self._version = version

        self._fs_options = options
        self._swept = False
        self._filesystem: Any = None
        self._filesystem_path = ""
        protocol, sep, _ = filepath.partition("://")
        if not sep or protocol == "file":
            # A local file: fsspec (about 0.1 s to import) is loaded on first use, so
            # building a catalog of local files costs nothing up front.
            self._protocol = "file"
            self._is_local = True
            self._fs_path = filepath.removeprefix("file://")
            return
        # Any other protocol is opened now, so that an unknown protocol or a missing
        # filesystem package is reported when the catalog is built.
        protocols = self._fs.protocol
        self._protocol = protocols if isinstance(protocols, str) else protocols[0]
        self._is_local = bool(
            _LOCAL_PROTOCOLS.intersection([protocols] if isinstance(protocols, str) else protocols)
        )
        # Local paths stay as given (relative ones follow the current directory);
        # other filesystems use the path fsspec stripped of its protocol.
        self._fs_path = (
            filepath.removeprefix("file://") if self._is_local else str(self._filesystem_path)
        )

    @property
    def _fs(self) -> Any:
        """The fsspec filesystem of the path, opened on first use.

        Raises:
            DatasetError: The protocol is unknown, its package is not installed, or
                ``fs_args``/``credentials`` are not accepted by the filesystem.
        """
        if self._filesystem is None:
            from fsspec.core import url_to_fs

            try:
                self._filesystem, self._filesystem_path = url_to_fs(
                    self._filepath, **self._fs_options
                )
            except Exception as exc:  # unknown protocol, missing package, bad options
                raise DatasetError(
                    f"Cannot open a filesystem for '{self._filepath}' "
                    f"({type(self).__name__}): {type(exc).__name__}: {exc}",
                    hint="Check the path's protocol and install its fsspec package "
                    "(for example `pip install s3fs` for s3://).",
                ) from exc
        return self._filesystem

    # ------------------------------------------------------------------ subclass API

    @abc.abstractmethod
    def _read(self, file: IO[bytes]) -> Any:
        """Read the data from an open binary file, using ``self._load_args``."""

    @abc.abstractmethod
    def _write(self, file: IO[bytes], data: Any) -> None:
        """Write ``data`` to an open binary file, using ``self._save_args``."""

    # ------------------------------------------------------------------ paths

    def _path(self) -> str:
        """The unversioned path, resolved now (for local relative paths: against cwd)."""
        if self._is_local:
            from fsspec.implementations.local import make_path_posix

            return str(make_path_posix(self._fs_path))
        return self._fs_path

    def _refuse_unversioned_file(self) -> None:
        """A versioned dataset's path must be a folder of versions, not a plain file.

        Raises:
            DatasetError: A file saved before ``versioned: true`` was set is in the way;
                the message says how to keep it as a version or set it aside.
        """
        root = self._path().rstrip("/")
        self._fs.invalidate_cache(root)
        if not self._fs.isfile(root):
            return
        version = generate_timestamp()
        name = posixpath.basename(root)
        raise DatasetError(
            f"{self._label()} is declared `versioned: true`, but that path is a plain "
            "file saved before versioning was switched on; versions live in a folder of "
            f"that name ('{versioned_path(root, '<version>')}').",
            hint=f"Keep the file as the first version: `mv {root} {root}.tmp && mkdir -p "
            f"{root}/{version} && mv {root}.tmp {root}/{version}/{name}`; or move it "
            "elsewhere, or remove `versioned: true`.",
        )

    def _versions(self) -> list[str]:
        """Existing versions that hold the file, newest first."""
        self._refuse_unversioned_file()
        root = self._path().rstrip("/")
        self._fs.invalidate_cache(root)
        try:
            entries = self._fs.ls(root, detail=False)
        except (FileNotFoundError, NotADirectoryError):
            return []
        names = sorted(
            (posixpath.basename(str(entry).rstrip("/")) for entry in entries), reverse=True
        )
        return [
            name
            for name in names
            if not name.startswith(".") and self._fs.isfile(versioned_path(root, name))
        ]

    def _load_path(self) -> str:
        """The file to load: the plain path, the pinned version, or the latest one."""
        if self._version is None:
            return self._path()
        if self._version.load is not None:
            path = versioned_path(self._path(), self._version.load)
            if not self._fs.isfile(path):
                self._refuse_unversioned_file()
                available = self._versions()
                raise VersionNotFoundError(
                    f"Version '{self._version.load}' of {self._label()} does not exist "
                    f"(no file at '{path}').",
                    hint=(
                        f"Available versions, newest first: {', '.join(available[:5])}."
                        if available
                        else "No version has been saved yet."
                    ),
                )
            return path
        available = self._versions()
        if not available:
            raise VersionNotFoundError(
                f"No version of {self._label()} has been saved yet (looked for "
                f"'{versioned_path(self._path(), '<version>')}').",
                hint="Run the node that produces it first.",
            )
        return versioned_path(self._path(), available[0])

    def _save_path(self) -> str:
        """The file to save to; for versioned datasets it must not exist yet."""
        if self._version is None:
            return self._path()
        save = self._version.save
        if save is None:
            save = generate_timestamp()
        if self._version.load is not None and self._version.load != save:
            logger.warning(
                "%s: saving version '%s' while loads stay pinned to version '%s'",
                self._label(),
                save,
                self._version.load,
            )
        self._refuse_unversioned_file()
        path = versioned_path(self._path(), save)
        if self._fs.exists(path):
            raise DatasetError(
                f"Version '{save}' of {self._label()} already exists at '{path}'; "
                "versioned datasets never overwrite a version.",
                hint="Save with a new save_version (each run gets its own by default).",
            )
        return path

    # ------------------------------------------------------------------ operations

    def _sweep(self) -> None:
        """Once per dataset object: remove temporary files of interrupted saves."""
        if self._swept or not self._is_local:
            return
        self._swept = True
        try:
            remove_stale_temporaries(self._path())
        except OSError as exc:  # a read-only folder still loads
            logger.debug("Could not look for stale temporary files: %s", exc)

    def _load(self) -> Any:
        self._sweep()
        path = self._load_path()
        try:
            with self._fs.open(path, "rb", **self._open_args_load) as file:
                return self._read(file)
        except FileNotFoundError as exc:
            raise DatasetError(
                f"Cannot load {self._label()}: no file at '{path}'.",
                hint="Run the node that produces it first, or fix its filepath.",
            ) from exc

    def _save(self, data: Any) -> None:
        self._check_data(data)
        self._sweep()
        path = self._save_path()
        self._atomic_write(path, data)
        self._fs.invalidate_cache(path)

    def _check_data(self, data: Any) -> None:
        """Refuse data of the wrong type before anything is written (default: accept)."""

    def _atomic_write(self, path: str, data: Any) -> None:
        """Write ``data`` to a temporary file next to ``path``, then move it into place.

        A local ``path`` that is a symbolic link is followed: the link's target is
        replaced (next to it), so the link keeps pointing at the new data. An existing
        local file's permission bits are given to the new file.
        """
        fs = self._fs
        mode: int | None = None
        if self._is_local:
            path = os.path.realpath(path)
            try:
                mode = stat.S_IMODE(os.stat(path).st_mode)
            except FileNotFoundError:
                mode = None
        parent, basename = posixpath.split(path)
        if parent:
            fs.makedirs(parent, exist_ok=True)
        temp = posixpath.join(parent, f".{basename}.{_temp_owner()}.{os.urandom(4).hex()}.tmp")
        try:
            with fs.open(temp, "wb", **self._open_args_save) as file:
                self._write(file, data)
            if self._is_local:
                if mode is not None:
                    os.chmod(temp, mode)
                os.replace(temp, path)  # atomic on POSIX and Windows
                return
            try:
                # Object stores copy then delete: each object appears whole or not at all.
                fs.mv(temp, path)
            except NotImplementedError:
                # This filesystem cannot move files: write in place instead. That write
                # is not atomic: a failure part-way can leave a partial file behind.
                self._discard(temp)
                with fs.open(path, "wb", **self._open_args_save) as file:
                    self._write(file, data)
        except BaseException:
            self._discard(temp)
            raise

    def _discard(self, temp: str) -> None:
        """Remove a temporary file if it is there; never raise."""
        try:
            if self._fs.exists(temp):
                self._fs.rm(temp)
        except Exception:  # cleanup must not mask the error being raised
            logger.warning("Could not remove the temporary file '%s'", temp, exc_info=True)

    def _exists(self) -> bool:
        if self._version is None:
            return bool(self._fs.isfile(self._path()))
        try:
            self._load_path()
        except VersionNotFoundError:
            if self._version.load is not None:
                raise  # a pinned version that is missing is an error, not "no data yet"
            return False
        return True

    def _release(self) -> None:
        self._fs.invalidate_cache(self._path())

    def _fingerprint(self) -> str | None:
        """The loaded version's id for versioned data; else the file's size and
        modification time, or a BLAKE2b digest of its bytes when ``metadata`` says
        ``fingerprint: content``. ``None`` when there is no file."""
        try:
            path = self._load_path()
            if (self.metadata or {}).get("fingerprint") == "content":
                return self._content_digest(path)
            if self._version is not None:
                return "version:" + posixpath.basename(posixpath.dirname(path))
            if self._is_local:
                stat = os.stat(path)
                return f"stat:{stat.st_size}:{stat.st_mtime_ns}"
            info = self._fs.info(path)
        except (VersionNotFoundError, FileNotFoundError):
            return None
        marker = next(
            (info[key] for key in ("ETag", "etag", "mtime", "LastModified") if key in info), None
        )
        return f"info:{info.get('size')}:{marker}"

    def _content_digest(self, path: str) -> str:
        import hashlib

        hasher = hashlib.blake2b(digest_size=16)
        with self._fs.open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                hasher.update(block)
        return "content:" + hasher.hexdigest()

    def _describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "filepath": self._filepath,
            "protocol": self._protocol,
            "load_args": dict(self._load_args),
            "save_args": dict(self._save_args),
        }
        if self._fs_args_shown:
            info["fs_args"] = self._fs_args_shown
        if self._version is not None:
            info["version"] = {
                "load": self._version.load or "latest",
                "save": self._version.save or "new timestamp",
            }
        return info
