"""proj/framework/migrate: planning and applying the migration of Kedro-style projects."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from proj.exceptions import ProjectError
from proj.framework.migrate import apply_migration, plan_migration
from proj.framework.migrate.files import proj_type, rewrite_catalog, rewrite_pyproject
from proj.framework.migrate.python_code import resolve_name, rewrite_python
from proj.io.registry import BUILTIN_TYPES
from tests.kedro_projects import kedro_019_project, kedro_1x_project


def test_a_plan_writes_nothing_and_shows_a_diff(tmp_path: Path) -> None:
    project = kedro_019_project(tmp_path / "old")
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    plan = plan_migration(project)
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
    diff = plan.diff()
    assert "-[tool.kedro]\n+[tool.proj]\n" in diff
    assert "+from proj.pipeline import Pipeline, node, pipeline\n" in diff
    assert "--- a/src/adder_old/settings.py" in diff


def test_applying_migrates_every_kind_of_file_and_twice_changes_nothing(tmp_path: Path) -> None:
    project = kedro_019_project(tmp_path / "old")
    written = apply_migration(plan_migration(project))
    assert project / "pyproject.toml" in written
    meta = tomllib.loads((project / "pyproject.toml").read_text())
    assert meta["tool"]["proj"] == {
        "package_name": "adder_old",
        "project_name": "Adder_Old",
        "source_dir": "src",
    }
    assert "kedro" not in meta["tool"]
    assert meta["project"]["dependencies"][0] == "proj[jupyter]"
    assert "proj.hooks" in meta["project"]["entry-points"]
    assert (project / "requirements.txt").read_text().splitlines()[0] == "proj"
    settings = (project / "src" / "adder_old" / "settings.py").read_text()
    assert "from proj.config import OmegaConfigLoader  # noqa: E402" in settings
    assert "# from kedro.io import DataCatalog" in settings  # comments are left alone
    test_run = (project / "tests" / "test_run.py").read_text()
    assert "from proj.framework import Session" in test_run
    assert "with Session.create(project_path=Path.cwd()) as session:" in test_run
    main = (project / "src" / "adder_old" / "__main__.py").read_text()
    assert "from proj.cli.main import run_project" in main
    assert "kedro" not in main
    catalog = (project / "conf" / "base" / "catalog.yml").read_text()
    assert "# The raw numbers (a comment proj migrate must keep)." in catalog
    assert "  type: pandas.CSVDataset  # full path, as 0.19 projects often write" in catalog
    assert "  type: MemoryDataset\n" in catalog
    logging_yml = (project / "conf" / "logging.yml").read_text()
    assert "class: rich.logging.RichHandler" in logging_yml

    again = plan_migration(project)
    assert again.already_proj
    assert again.edits == []


def test_what_cannot_be_ported_is_listed_by_file_and_line(tmp_path: Path) -> None:
    project = kedro_1x_project(tmp_path / "new")
    (project / "conf" / "base" / "catalog.yml").write_text(
        "report:\n  type: plotly.SomeFigureDataset\n  filepath: x.json\n"
    )
    plan = plan_migration(project)
    found = {(item.where(project), item.what) for item in plan.unported}
    assert ("conf/base/catalog.yml:2", "dataset type plotly.SomeFigureDataset (report)") in found
    assert ("requirements.txt:2", "requirement kedro-viz>=6") in found
    assert all(item.todo for item in plan.unported)


def test_refuses_a_folder_that_is_not_a_kedro_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"is not a Kedro project: it has no pyproject\.toml"):
        plan_migration(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    with pytest.raises(ProjectError, match=r"has no \[tool.kedro\] table"):
        plan_migration(tmp_path)


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    project = kedro_1x_project(tmp_path / "new")
    plan = plan_migration(project)
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text() + "\n")
    with pytest.raises(ProjectError, match="changed while proj migrate was running"):
        apply_migration(plan)


def test_imports_go_where_proj_really_exports_the_name() -> None:
    assert resolve_name("kedro.io", "DatasetError").module == "proj.exceptions"
    assert resolve_name("kedro.framework.session", "KedroSession").name == "Session"
    missing = resolve_name("kedro.pipeline", "LambdaThing")
    assert missing.module is None and "proj.pipeline has no 'LambdaThing'" in missing.todo
    assert resolve_name("kedro_datasets.pandas", "CSVDataset").module == ("proj.io.datasets.pandas")
    result = rewrite_python(
        "import kedro.pipeline\nfrom kedro.io import *\nfrom kedro.framework.cli import x\n"
    )
    assert [line for line, _, _ in result.unported] == [1, 2, 3]


def test_catalog_types_come_from_the_registry_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    assert proj_type("kedro_datasets.pandas.CSVDataset") == ("pandas.CSVDataset", True)
    assert proj_type("pandas.CSVDataSet") == ("pandas.CSVDataset", True)  # Kedro 0.18
    assert proj_type("my_pkg.datasets.Mine") == (None, True)
    assert proj_type("pandas.ExcelDatasetX") == (None, False)
    monkeypatch.setitem(BUILTIN_TYPES, "pandas.ExcelDatasetX", "proj.io.memory:MemoryDataset")
    assert proj_type("kedro_datasets.pandas.ExcelDatasetX") == ("pandas.ExcelDatasetX", True)


def test_only_dataset_types_change_in_a_catalog() -> None:
    text = (
        "plot:  # keep\n"
        "  type: 'kedro_datasets.plotly.JSONDataset'\n"
        "  plotly_args:\n    type: bar\n"
        "parts:\n  type: partitions.PartitionedDataset\n"
        "  dataset:\n    type: kedro_datasets.pandas.CSVDataset\n"
    )
    result = rewrite_catalog(text)
    assert "    type: bar\n" in result.text
    assert "    type: pandas.CSVDataset\n" in result.text
    assert "plot:  # keep\n" in result.text


def test_pyproject_rewrite_is_checked_toml() -> None:
    text = (
        '[project]\ndependencies = ["kedro>=0.19",\n  "pandas"]\n[tool.kedro]\npackage_name = "a"\n'
    )
    result = rewrite_pyproject(text)
    assert tomllib.loads(result.text)["project"]["dependencies"] == ["proj", "pandas"]
    assert rewrite_pyproject(result.text).text == result.text


def test_kedro_logger_names_become_projs() -> None:
    """Tests of Kedro projects listen on the 'kedro' logger (caplog.set_level(...,
    logger="kedro")); proj logs under 'proj', so the names move with the imports."""
    from proj.runner import SequentialRunner

    source = (
        "import logging\nfrom kedro.runner import SequentialRunner\n\n"
        'log = logging.getLogger("kedro.runner")\n'
        "def test(caplog):\n"
        "    caplog.set_level(logging.DEBUG, logger='kedro')\n"
        '    other = logging.getLogger("kedrox")\n'
    )
    result = rewrite_python(source)
    assert 'logging.getLogger("proj")' in result.code
    assert "logger='proj'" in result.code
    assert 'getLogger("kedrox")' in result.code  # not a Kedro logger
    assert any("logger 'kedro.runner' -> 'proj'" in note for note in result.notes)
    assert SequentialRunner  # the import the rewritten code now uses exists


def test_a_complete_run_logs_kedros_success_line(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from proj.io import DataCatalog
    from proj.pipeline import Pipeline, node
    from proj.runner import SequentialRunner

    caplog.set_level(logging.DEBUG, logger="proj")
    catalog = DataCatalog()
    catalog["x"] = 1
    SequentialRunner().run(Pipeline([node(lambda x: x + 1, "x", "y", name="inc")]), catalog)
    assert "Pipeline execution completed successfully" in caplog.text
