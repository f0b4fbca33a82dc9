"""Datasets and the data catalog: load and save data by name.

Importing this package is light: pandas, fsspec, yaml and pyarrow are imported only
when a dataset that needs them is built, loaded or saved.
"""

from __future__ import annotations

from proj.io.catalog import DataCatalog
from proj.io.core import AbstractDataset
from proj.io.datasets.json import JSONDataset
from proj.io.datasets.pandas import CSVDataset, ParquetDataset
from proj.io.datasets.pickle import PickleDataset
from proj.io.datasets.text import TextDataset
from proj.io.datasets.yaml import YAMLDataset
from proj.io.filesystem import FileDataset
from proj.io.lambda_dataset import LambdaDataset
from proj.io.memory import MemoryDataset
from proj.io.versioning import Version

__all__ = [
    "AbstractDataset",
    "CSVDataset",
    "DataCatalog",
    "FileDataset",
    "JSONDataset",
    "LambdaDataset",
    "MemoryDataset",
    "ParquetDataset",
    "PickleDataset",
    "TextDataset",
    "Version",
    "YAMLDataset",
]
