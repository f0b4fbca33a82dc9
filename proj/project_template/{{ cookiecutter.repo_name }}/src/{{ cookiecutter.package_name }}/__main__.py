"""Run {{ cookiecutter.project_name }}: `python -m {{ cookiecutter.package_name }}` or the `{{ cookiecutter.repo_name }}` command.

Both take the options of `proj run`, e.g. `python -m {{ cookiecutter.package_name }} --pipelines data_science`.
"""

from pathlib import Path

from proj.cli.main import run_project


def main(argv: list[str] | None = None) -> None:
    """Run the project's pipelines with `proj run`'s options (default: the command line)."""
    run_project(Path(__file__).parent, argv)


if __name__ == "__main__":
    main()
