"""Kedro-style projects written by the tests themselves (no Kedro code or data): the
0.19 and the 1.x layouts, with namespaces and parameters, custom resolvers, project
hooks and a hook entry point, logging.yml, a ``__main__.py`` built on Kedro's CLI and a
test file that uses ``with KedroSession.create(...)``.

Each project adds numbers: ``numbers.csv`` (1, 2, 3) -> doubled by a parameter computed
by a custom resolver -> ``total.json``; its node logs ``TOTAL=<n>`` through a logger of
the project's package.
"""

from __future__ import annotations

import textwrap
from pathlib import Path


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def _common(root: Path, package: str, version: str) -> None:
    _write(
        root,
        {
            "pyproject.toml": f"""
                [build-system]
                requires = ["setuptools"]
                build-backend = "setuptools.build_meta"

                [project]
                name = "{package}"
                version = "0.1"
                dependencies = [
                    "kedro[jupyter]~={version}",
                    "kedro-datasets[pandas-csvdataset]>=3.0",
                ]

                [project.scripts]
                "{package}" = "{package}.__main__:main"

                [project.entry-points."kedro.hooks"]
                counting = "{package}.plugin:hooks"

                [tool.kedro]
                package_name = "{package}"
                project_name = "{package.title()}"
                kedro_init_version = "{version}"
                tools = "['None']"
                example_pipeline = "False"
                source_dir = "src"
                """,
            "requirements.txt": f"kedro~={version}\nkedro-viz>=6\n",
            "data/01_raw/numbers.csv": "n\n1\n2\n3\n",
            f"src/{package}/__init__.py": '__version__ = "0.1"\n',
            f"src/{package}/__main__.py": f'''
                """Run {package} as Kedro does."""
                import sys
                from pathlib import Path

                from kedro.framework.cli.utils import find_run_command
                from kedro.framework.project import configure_project


                def main(*args, **kwargs):
                    package_name = Path(__file__).parent.name
                    configure_project(package_name)
                    kwargs["standalone_mode"] = not hasattr(sys, "ps1")
                    return find_run_command(package_name)(*args, **kwargs)


                if __name__ == "__main__":
                    main()
                ''',
            f"src/{package}/plugin.py": """
                from kedro.framework.hooks import hook_impl


                class _Counting:
                    @hook_impl
                    def after_context_created(self, context):
                        pass


                hooks = _Counting()
                """,
            f"src/{package}/hooks.py": """
                import logging

                from kedro.framework.hooks import hook_impl

                logger = logging.getLogger(__name__)


                class ProjectHooks:
                    @hook_impl
                    def after_catalog_created(self, catalog, feed_dict):
                        logger.info("HOOK catalog with %d parameter dataset(s)", len(feed_dict))

                    @hook_impl
                    def before_node_run(self, node, session_id):
                        logger.info("HOOK before %s in run %s", node.name, session_id)
                """,
            f"src/{package}/settings.py": """
                \"\"\"Settings as a Kedro project has them.\"\"\"
                from kedro.config import OmegaConfigLoader  # noqa: E402

                from .hooks import ProjectHooks

                HOOKS = (ProjectHooks(),)

                CONFIG_LOADER_CLASS = OmegaConfigLoader
                CONFIG_LOADER_ARGS = {
                    "base_env": "base",
                    "default_run_env": "local",
                    "custom_resolvers": {"times": lambda a, b: int(a) * int(b)},
                }

                # Class that manages the Data Catalog.
                # from kedro.io import DataCatalog
                # DATA_CATALOG_CLASS = DataCatalog
                """,
            f"src/{package}/pipelines/__init__.py": "",
            f"src/{package}/pipelines/adding/__init__.py": "",
            f"src/{package}/pipelines/adding/nodes.py": """
                import logging

                import pandas as pd

                logger = logging.getLogger(__name__)


                def scale(numbers: pd.DataFrame, factor: int) -> pd.Series:
                    return numbers["n"] * factor


                def total(scaled: pd.Series, offset: int) -> dict:
                    value = int(scaled.sum()) + offset
                    logger.info("TOTAL=%d", value)
                    return {"total": value}
                """,
            "conf/base/parameters.yml": """
                factor: ${times:1,2}
                offset: 0
                # parameters of the namespaced copy
                shifted:
                  offset: 100
                """,
            "conf/local/.gitkeep": "",
            "tests/test_run.py": """
                from pathlib import Path

                from kedro.framework.session import KedroSession
                from kedro.framework.startup import bootstrap_project


                def test_kedro_run():
                    bootstrap_project(Path.cwd())
                    with KedroSession.create(project_path=Path.cwd()) as session:
                        outputs = session.run(pipeline_name="__default__")
                    assert outputs is not None
                    assert (Path.cwd() / "data" / "total.json").exists()
                """,
        },
    )


CATALOG = """
# The raw numbers (a comment proj migrate must keep).
numbers:
  type: kedro_datasets.pandas.CSVDataset  # full path, as 0.19 projects often write
  filepath: data/01_raw/numbers.csv

scaled:
  type: kedro.io.MemoryDataset

total:
  type: json.JSONDataset
  filepath: data/total.json

shifted.total:
  type: json.JSONDataset
  filepath: data/shifted_total.json
"""


def kedro_019_project(root: Path, package: str = "adder_old") -> Path:
    """A Kedro 0.19-style project: ``pipeline()`` / ``node()``, ``find_pipelines()``,
    ``conf/logging.yml`` with Kedro's RichHandler and a plain stdout handler."""
    _common(root, package, "0.19.9")
    _write(
        root,
        {
            "conf/base/catalog.yml": CATALOG,
            "conf/logging.yml": f"""
                version: 1
                disable_existing_loggers: False
                formatters:
                  simple:
                    format: "LOGYML %(name)s %(message)s"
                handlers:
                  console:
                    class: logging.StreamHandler
                    formatter: simple
                    stream: ext://sys.stdout
                  rich:
                    class: kedro.logging.RichHandler
                    rich_tracebacks: True
                loggers:
                  {package}:
                    level: INFO
                root:
                  handlers: [console]
                """,
            f"src/{package}/pipeline_registry.py": """
                from kedro.framework.project import find_pipelines
                from kedro.pipeline import Pipeline


                def register_pipelines() -> dict[str, Pipeline]:
                    pipelines = find_pipelines()
                    pipelines["__default__"] = sum(pipelines.values())
                    return pipelines
                """,
            f"src/{package}/pipelines/adding/pipeline.py": """
                from kedro.pipeline import Pipeline, node, pipeline

                from .nodes import scale, total


                def create_pipeline(**kwargs) -> Pipeline:
                    base = pipeline(
                        [
                            node(scale, ["numbers", "params:factor"], "scaled", name="scale"),
                            node(total, ["scaled", "params:offset"], "total", name="total"),
                        ]
                    )
                    shifted = pipeline(
                        pipe=base,
                        namespace="shifted",
                        inputs={"numbers"},
                        parameters={"params:factor": "params:factor"},
                    )
                    return base + shifted
                """,
        },
    )
    return root


def kedro_1x_project(root: Path, package: str = "adder_new") -> Path:
    """A Kedro 1.x-style project: ``Node`` / ``Pipeline`` classes,
    ``find_pipelines(raise_errors=True)``, no logging.yml (proj shows node logs)."""
    _common(root, package, "1.0.0")
    _write(
        root,
        {
            "conf/base/catalog.yml": CATALOG.replace(
                "kedro_datasets.pandas.CSVDataset  # full path, as 0.19 projects often write",
                "pandas.CSVDataset",
            ),
            f"src/{package}/pipeline_registry.py": """
                from kedro.framework.project import find_pipelines
                from kedro.pipeline import Pipeline


                def register_pipelines() -> dict[str, Pipeline]:
                    pipelines = find_pipelines(raise_errors=True)
                    pipelines["__default__"] = sum(pipelines.values())
                    return pipelines
                """,
            f"src/{package}/pipelines/adding/pipeline.py": """
                from kedro.pipeline import Node, Pipeline, pipeline

                from .nodes import scale, total


                def create_pipeline(**kwargs) -> Pipeline:
                    base = Pipeline(
                        [
                            Node(
                                func=scale,
                                inputs=["numbers", "params:factor"],
                                outputs="scaled",
                                name="scale",
                            ),
                            Node(
                                func=total,
                                inputs=["scaled", "params:offset"],
                                outputs="total",
                                name="total",
                            ),
                        ]
                    )
                    shifted = pipeline(
                        pipe=base,
                        namespace="shifted",
                        inputs={"numbers"},
                        parameters={"params:factor": "params:factor"},
                    )
                    return base + shifted
                """,
        },
    )
    return root
