"""The configuration loader: environments, OmegaConf interpolation, runtime parameters.

``ConfigLoader("conf", env="prod")["parameters"]`` reads ``conf/base`` overlaid by
``conf/prod``; ``parse_params("model.lr=0.1")`` parses a ``--params`` string.

Importing this package imports neither PyYAML nor OmegaConf; they are loaded when a
configuration file is first read or interpolated.
"""

from __future__ import annotations

from proj.config.loader import ConfigLoader, OmegaConfigLoader
from proj.config.params import parse_params

__all__ = ["ConfigLoader", "OmegaConfigLoader", "parse_params"]
