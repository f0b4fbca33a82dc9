"""Scaffolding a new project from the cookiecutter template in ``proj/project_template``.

:func:`create_project` is what ``proj new`` calls once it has asked its questions: it
checks the names, renders the template with cookiecutter (never interactively) into a
temporary folder next to the target and moves the result into place in one rename, so
a failure never leaves a half-written project behind.

The name rules, each reported separately so the message says which one failed:

* project name: ``[A-Za-z][A-Za-z0-9 _.-]*``, at most 100 characters (it is written
  into TOML, YAML and Markdown, so quotes and backslashes are out);
* repository (folder) name: ``[A-Za-z0-9][A-Za-z0-9_.-]*``, at most 100 characters;
* package name: lower-case ASCII identifier starting with a letter, not a Python
  keyword, and not the name of a standard-library, built-in or installed top-level
  module (``proj``, ``pandas``, ``json``, ``test``, ...), which the project's package
  would shadow or be shadowed by.
"""

from __future__ import annotations

import json
import keyword
import logging
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from proj.exceptions import ProjectError, ProjectExistsError

logger = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "project_template"
"""The cookiecutter template shipped with proj (inside the wheel)."""

STARTERS: dict[str, str] = {
    "iris": "two pipelines that train and score a classifier on Fisher's iris data",
    "empty": "the project skeleton with no pipelines and no data",
}
"""Known starters: name -> one-line description (shown by ``proj new --help``)."""

DEFAULT_STARTER = "iris"
MAX_NAME_LENGTH = 100

# Names that are not in sys.stdlib_module_names or not always installed, but that a
# project package must still not take: the CPython test suite and proj itself.
_RESERVED_PACKAGE_NAMES = frozenset({"test", "tests", "proj"})

_PROJECT_NAME_CHAR = re.compile(r"[A-Za-z0-9 _.\-]")
_REPO_NAME_CHAR = re.compile(r"[A-Za-z0-9_.\-]")
_PACKAGE_NAME_CHAR = re.compile(r"[a-z0-9_]")
_PACKAGE_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
_SEPARATORS_RE = re.compile(r"[ _.\-]+")


def validate_project_name(name: str) -> None:
    """Check a human-readable project name, e.g. ``"Iris Demo"``.

    Args:
        name: The name as typed; surrounding whitespace is not allowed.

    Raises:
        ProjectError: The name is empty, too long, does not start with a letter, or
            holds a character other than ASCII letters, digits, spaces, ``-``, ``_``
            and ``.`` (the message names the rule and the offending characters).
    """
    hint = "Use a name like 'Iris Demo' or 'sales-forecast'."
    if not name.strip():
        raise ProjectError("The project name is empty.", hint=hint)
    if name != name.strip():
        raise ProjectError(
            f"The project name {name!r} must not start or end with whitespace.", hint=hint
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ProjectError(
            f"The project name is {len(name)} characters long; "
            f"it must be at most {MAX_NAME_LENGTH}.",
            hint=hint,
        )
    if not ("A" <= name[0] <= "Z" or "a" <= name[0] <= "z"):
        raise ProjectError(
            f"The project name {name!r} must start with a letter (A-Z or a-z).", hint=hint
        )
    bad = _characters_outside(name, _PROJECT_NAME_CHAR)
    if bad:
        raise ProjectError(
            f"The project name {name!r} contains {bad}; it may only contain ASCII "
            "letters, digits, spaces, hyphens, underscores and dots.",
            hint=hint,
        )


def validate_repo_name(name: str) -> None:
    """Check the name of the project's folder, e.g. ``"iris-demo"``.

    Args:
        name: The folder name (no path separators).

    Raises:
        ProjectError: The name is empty, too long, does not start with a letter or a
            digit, or holds a character other than ASCII letters, digits, ``-``,
            ``_`` and ``.`` (which also rules out ``/``, ``..`` and spaces).
    """
    hint = "Use a folder name like 'iris-demo'."
    if not name:
        raise ProjectError("The repository (folder) name is empty.", hint=hint)
    if len(name) > MAX_NAME_LENGTH:
        raise ProjectError(
            f"The repository name is {len(name)} characters long; "
            f"it must be at most {MAX_NAME_LENGTH}.",
            hint=hint,
        )
    if not name[0].isascii() or not name[0].isalnum():
        raise ProjectError(
            f"The repository name {name!r} must start with a letter or a digit.", hint=hint
        )
    bad = _characters_outside(name, _REPO_NAME_CHAR)
    if bad:
        raise ProjectError(
            f"The repository name {name!r} contains {bad}; it may only contain ASCII "
            "letters, digits, hyphens, underscores and dots.",
            hint=hint,
        )


def validate_package_name(name: str) -> None:
    """Check the name of the project's Python package, e.g. ``"iris_demo"``.

    Args:
        name: The importable name the project's code lives under (``src/<name>``).

    Raises:
        ProjectError: The name is empty; is not lower case; does not start with a
            letter or holds a character other than ASCII letters, digits and
            underscores; is a Python keyword; or is the name of a standard-library,
            built-in or installed top-level module (the message says which, and where
            it was found).
    """
    hint = "Use a lower-case name like 'iris_demo', or pass another package name."
    if not name:
        raise ProjectError("The package name is empty.", hint=hint)
    if name != name.lower():
        raise ProjectError(
            f"The package name {name!r} must be lower case (PEP 8), e.g. {name.lower()!r}.",
            hint=hint,
        )
    if not _PACKAGE_NAME_RE.fullmatch(name):
        bad = _characters_outside(name, _PACKAGE_NAME_CHAR)
        problem = f"contains {bad}" if bad else "does not start with a letter"
        raise ProjectError(
            f"The package name {name!r} {problem}; a package name must start with a "
            "letter and contain only ASCII letters, digits and underscores.",
            hint=hint,
        )
    if keyword.iskeyword(name):
        raise ProjectError(
            f"The package name {name!r} is a Python keyword and cannot be imported.",
            hint=hint,
        )
    if name in sys.stdlib_module_names or name in sys.builtin_module_names:
        raise ProjectError(
            f"The package name {name!r} would shadow the standard-library module {name!r}.",
            hint=hint,
        )
    if name in _RESERVED_PACKAGE_NAMES:
        raise ProjectError(
            f"The package name {name!r} is reserved: it would shadow the module {name!r}.",
            hint=hint,
        )
    location = _installed_module_location(name)
    if location is not None:
        raise ProjectError(
            f"The package name {name!r} would shadow the installed module {name!r} ({location}).",
            hint=hint,
        )


def derive_names(project_name: str) -> tuple[str, str]:
    """Derive the folder and package names from a project name.

    Letters are lower-cased and every run of spaces, ``-``, ``_`` and ``.`` becomes
    one ``-`` (folder) or ``_`` (package); separators at either end are dropped.

    Args:
        project_name: A project name, e.g. ``"Iris Demo"``.

    Returns:
        ``(repo_name, package_name)``, e.g. ``("iris-demo", "iris_demo")``. They are
        not validated: pass them to :func:`validate_repo_name` and
        :func:`validate_package_name`.
    """
    words = [word for word in _SEPARATORS_RE.split(project_name.strip().lower()) if word]
    return "-".join(words), "_".join(words)


def create_project(
    project_name: str,
    *,
    output_dir: Path,
    starter: str = DEFAULT_STARTER,
    package_name: str | None = None,
    repo_name: str | None = None,
    template_dir: Path | None = None,
) -> Path:
    """Create a new project folder from the project template, without prompting.

    The names are checked first and nothing is written if one is wrong. The template
    is rendered by cookiecutter into a hidden temporary folder inside ``output_dir``
    (same file system) and renamed to ``output_dir / repo_name`` only once it is
    complete; cookiecutter's replay file goes to that temporary folder too, and the
    user's ``~/.cookiecutterrc`` is not read. On any failure the temporary folder is
    removed, and so is ``output_dir`` if this call created it.

    Args:
        project_name: The human-readable name, e.g. ``"Iris Demo"``; written to
            ``[tool.proj] project_name`` and the README.
        output_dir: The folder in which the project folder is created; made (with its
            parents) if missing.
        starter: What the project starts with: one of :data:`STARTERS` (``"iris"``:
            the example pipelines and data; ``"empty"``: the skeleton only).
        package_name: The project's Python package; default derived from
            ``project_name`` by :func:`derive_names`.
        repo_name: The project folder's name; default derived from ``project_name``.
        template_dir: A cookiecutter template to use instead of proj's own (for
            custom templates and tests); it receives the same variables.

    Returns:
        The absolute path of the new project folder.

    Raises:
        ProjectError: A name breaks a rule (the message names it), the starter is
            unknown (the known ones are listed), ``output_dir`` is not a folder,
            ``template_dir`` has no cookiecutter.json, or cookiecutter failed (its
            error is chained).
        ProjectExistsError: ``output_dir / repo_name`` already exists; it is left
            untouched.
    """
    validate_project_name(project_name)
    if starter not in STARTERS:
        raise ProjectError(
            f"Unknown starter {starter!r}.",
            hint=f"Choose one of: {', '.join(STARTERS)}.",
        )
    derived_repo, derived_package = derive_names(project_name)
    repo_name = derived_repo if repo_name is None else repo_name
    package_name = derived_package if package_name is None else package_name
    validate_repo_name(repo_name)
    validate_package_name(package_name)

    output_dir = Path(output_dir).expanduser().resolve()
    target = output_dir / repo_name
    if target.exists() or target.is_symlink():
        raise ProjectExistsError(
            f"Cannot create the project: {target} already exists.",
            hint="Choose another project or folder name, or another output folder.",
        )
    if output_dir.exists() and not output_dir.is_dir():
        raise ProjectError(f"Cannot create the project in {output_dir}: it is not a folder.")
    template = TEMPLATE_DIR if template_dir is None else Path(template_dir).resolve()
    if not (template / "cookiecutter.json").is_file():
        raise ProjectError(
            f"{template} is not a cookiecutter template (it has no cookiecutter.json).",
            hint="Pass the folder that holds cookiecutter.json.",
        )
    created_root = _first_missing(output_dir)
    staging: Path | None = None
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{repo_name}-", suffix=".proj-new", dir=output_dir)
        )
        generated = _render(
            template,
            staging,
            {
                "project_name": project_name,
                "repo_name": repo_name,
                "package_name": package_name,
                "starter": starter,
                "_proj_version": _proj_version(),
            },
        )
        if target.exists() or target.is_symlink():  # created while we were rendering
            raise ProjectExistsError(
                f"Cannot create the project: {target} appeared while it was being written.",
                hint="Choose another project or folder name, or another output folder.",
            )
        os.replace(generated, target)
    except BaseException:
        if created_root is not None:
            shutil.rmtree(created_root, ignore_errors=True)
        raise
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    logger.debug("Created project %r (starter %r) in %s", project_name, starter, target)
    return target


def _render(template: Path, staging: Path, context: dict[str, str]) -> Path:
    """Run cookiecutter non-interactively into ``staging``; return the generated folder.

    Raises:
        ProjectError: cookiecutter (or the template's hook) failed.
    """
    # A private cookiecutter config: replay files land in the staging folder (deleted
    # afterwards) instead of ~/.cookiecutter_replay, and ~/.cookiecutterrc is not read.
    # JSON is valid YAML, which is what cookiecutter expects here.
    config_file = staging / "cookiecutter-config.yml"
    config_file.write_text(
        json.dumps(
            {
                "replay_dir": str(staging / "replay"),
                "cookiecutters_dir": str(staging / "cookiecutters"),
                "default_context": {},
                "abbreviations": {},
            }
        ),
        encoding="utf-8",
    )
    output = staging / "output"
    try:
        from cookiecutter.main import cookiecutter

        result = cookiecutter(
            str(template),
            no_input=True,
            extra_context=context,
            output_dir=str(output),
            config_file=str(config_file),
        )
    except Exception as exc:
        raise ProjectError(
            f"Could not render the project template {template}: {type(exc).__name__}: {exc}",
            hint="Nothing was written; fix the cause above and run the command again.",
        ) from exc
    generated = Path(result)
    if not generated.is_dir() or generated.parent != output:
        raise ProjectError(
            f"The project template {template} produced {generated}, not a folder "
            f"named after the repository ({context['repo_name']}).",
            hint="Its top folder must be named '{{ cookiecutter.repo_name }}'.",
        )
    return generated


def _characters_outside(name: str, allowed: re.Pattern[str]) -> str:
    """The characters of ``name`` that ``allowed`` does not match, quoted, or ``""``."""
    bad = sorted({char for char in name if not allowed.fullmatch(char)})
    return ", ".join(repr(char) for char in bad)


def _is_project_source(entry: Path) -> bool:
    """Whether a sys.path entry is the source folder of a proj project (put there when a
    session loaded it): its packages belong to that project, they are not installed."""
    marker = entry.parent / "pyproject.toml"
    try:
        return marker.is_file() and "[tool.proj]" in marker.read_text(encoding="utf-8")
    except OSError:
        return False


def _installed_module_location(name: str) -> str | None:
    """Where a top-level module ``name`` is importable from, or None.

    Searches the import path without the current folder (whose contents are not
    "installed"), plus any import hooks (editable installs).
    """
    import importlib.machinery

    cwd = Path.cwd().resolve()
    paths = [
        entry
        for entry in sys.path
        if entry and Path(entry).resolve() != cwd and not _is_project_source(Path(entry))
    ]
    spec = importlib.machinery.PathFinder.find_spec(name, paths)
    if spec is None:
        for finder in sys.meta_path:
            if finder is importlib.machinery.PathFinder or not hasattr(finder, "find_spec"):
                continue
            try:
                spec = finder.find_spec(name, None)
            except Exception:  # noqa: S112 - a broken import hook must not stop `proj new`
                continue
            if spec is not None:
                break
    if spec is None:
        return None
    if spec.origin and spec.origin not in ("built-in", "frozen"):
        return spec.origin
    locations = list(spec.submodule_search_locations or [])
    return locations[0] if locations else (spec.origin or "an import hook")


def _first_missing(path: Path) -> Path | None:
    """The highest ancestor of ``path`` (or itself) that does not exist yet, or None."""
    missing = None
    for candidate in (path, *path.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


def _proj_version() -> str:
    """The running proj's version, pinned as the generated project's minimum."""
    from proj import __version__

    return __version__
