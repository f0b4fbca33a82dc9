"""proj: data pipelines as projects, and a clean path between notebooks and pipelines.

Importing this package is cheap on purpose: it holds the version and nothing else, so
that ``proj --version`` and shell completion start fast (STYLE.md 5).
"""

__version__ = "0.1.0"
