"""The shell completion scripts of ``proj`` for bash, zsh and fish, written to ``completions/``.

``make completions`` runs ``python -m proj.cli.completion_scripts completions``. The
scripts are exactly what ``proj --show-completion SHELL`` prints: Typer's templates for
the program ``proj`` and the variable ``_PROJ_COMPLETE``. Each script calls ``proj``
back with that variable set, so the values themselves (nodes, tags, pipelines, ...)
always come from the installed command and the current project. Generation is
deterministic: the same Typer version always writes the same bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path

PROG_NAME = "proj"
COMPLETE_VAR = "_PROJ_COMPLETE"

#: Shell -> file name inside the completions folder.
SCRIPTS = {"bash": "proj.bash", "zsh": "proj.zsh", "fish": "proj.fish"}


def completion_script(shell: str) -> str:
    """The completion script for one shell, ending with a newline.

    Args:
        shell: ``bash``, ``zsh`` or ``fish``.

    Returns:
        The script's text.

    Raises:
        ValueError: ``shell`` is not one of :data:`SCRIPTS`.
    """
    if shell not in SCRIPTS:
        raise ValueError(f"No completion script for {shell!r}; choose one of {', '.join(SCRIPTS)}.")
    from typer.completion import get_completion_script  # type: ignore[attr-defined]

    script = get_completion_script(prog_name=PROG_NAME, complete_var=COMPLETE_VAR, shell=shell)
    return script + "\n"


def write_scripts(folder: str | Path) -> list[Path]:
    """Write every completion script into ``folder`` (created if needed).

    Args:
        folder: The target folder, e.g. ``completions``.

    Returns:
        The files written, in the order of :data:`SCRIPTS`.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for shell, name in SCRIPTS.items():
        path = target / name
        path.write_bytes(completion_script(shell).encode("utf-8"))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m proj.cli.completion_scripts FOLDER``: write the scripts, list them.

    Returns:
        The exit status: 0, or 2 when the folder argument is missing.
    """
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m proj.cli.completion_scripts FOLDER\n")
        return 2
    for path in write_scripts(args[0]):
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
