"""{{ cookiecutter.project_name }}: a data pipeline project made with proj."""

__version__ = "0.1.0"
