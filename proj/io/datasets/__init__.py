"""The built-in file datasets, one module per format family (imports stay light)."""

from __future__ import annotations
