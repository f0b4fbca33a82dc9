"""The ``proj`` command line: a Typer app whose command groups load on demand."""
