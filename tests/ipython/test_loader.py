"""The extension in a real IPython shell: the four variables, reloading, broken projects."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import ConfigSyntaxError, DatasetTypeError, MissingConfigError, ProjectError
from proj.ipython.standins import Unavailable


def run(shell: Any, code: str) -> Any:
    """Run a cell; fail the test if it raised. Returns the cell's value."""
    result = shell.run_cell(code)
    if result.error_in_exec is not None:
        raise result.error_in_exec
    assert result.error_before_exec is None, result.error_before_exec
    return result.result


def load(shell: Any, where: Path) -> None:
    os.chdir(where)
    shell.run_line_magic("load_ext", "proj.ipython")


def test_load_ext_defines_catalog_context_pipelines_session(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from proj.framework import Session
    from proj.io import DataCatalog

    load(shell, project / "notebooks")
    ns = shell.user_ns
    assert isinstance(ns["catalog"], DataCatalog)
    assert ns["context"].project_path == project.resolve()
    assert set(ns["pipelines"]) == {"__default__", "data_processing", "data_science"}
    assert isinstance(ns["session"], Session)
    assert run(shell, 'catalog.load("iris").shape') == (150, 5)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Loaded")]
    assert len(lines) == 1
    for name in ("catalog", "context", "pipelines", "session"):
        assert name in lines[0]


def test_load_ext_proj_is_the_same_extension(shell: Any, project: Path) -> None:
    load_dir = project / "src"
    os.chdir(load_dir)
    shell.run_line_magic("load_ext", "proj")
    assert run(shell, "sorted(pipelines)") == ["__default__", "data_processing", "data_science"]
    assert "reload_project" in shell.magics_manager.magics["line"]


def test_outside_a_project_tells_to_run_reload_project_with_a_path(
    shell: Any, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    load(shell, elsewhere)
    err = capsys.readouterr().err
    assert "%reload_project PATH" in err
    assert "catalog" not in shell.user_ns

    shell.run_line_magic("reload_project", str(project))
    assert run(shell, "context.project_path") == project.resolve()
    # The path is remembered: a bare reload from another folder loads the same project.
    shell.run_line_magic("reload_project", "")
    assert run(shell, "context.project_path") == project.resolve()


def test_kernel_spec_variable_names_the_project(
    shell: Any, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROJ_PROJECT_PATH", str(project))
    load(shell, tmp_path)
    assert run(shell, "context.project_path") == project.resolve()


def test_edited_node_code_is_picked_up_by_reload(shell: Any, project: Path) -> None:
    load(shell, project)
    call = (
        "node = next(n for n in pipelines['__default__'].nodes if n.name == 'clean_iris')\n"
        "list(node.func(catalog.load('iris'), catalog.load('params:columns')).columns)"
    )
    assert "edited" not in run(shell, call)
    nodes = project / "src/iris_demo/pipelines/data_processing/nodes.py"
    source = nodes.read_text()
    marker = "    table[target] = table[target].astype(str).str.strip()\n"
    assert marker in source
    nodes.write_text(source.replace(marker, marker + '    table["edited"] = True\n'))

    shell.run_line_magic("reload_project", "")
    assert run(shell, call)[-1] == "edited"


def test_edited_catalog_is_picked_up_by_reload(shell: Any, project: Path) -> None:
    load(shell, project)
    assert run(shell, '"iris_copy" in catalog') is False
    catalog_yml = project / "conf/base/catalog.yml"
    catalog_yml.write_text(
        catalog_yml.read_text()
        + "\niris_copy:\n  type: pandas.CSVDataset\n  filepath: data/01_raw/iris.csv\n"
    )
    shell.run_line_magic("reload_project", "")
    assert run(shell, 'catalog.load("iris_copy").shape') == (150, 5)


def test_broken_catalog_yaml_shows_file_and_line_and_replaces_catalog(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, project)
    capsys.readouterr()
    catalog_yml = project / "conf/base/catalog.yml"
    catalog_yml.write_text("iris:\n  type: pandas.CSVDataset\n  filepath: [unclosed\n")

    shell.run_line_magic("reload_project", "")
    err = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(catalog_yml))}:\d+", err), err
    assert "`catalog` not loaded" in err
    stale = shell.user_ns["catalog"]
    assert isinstance(stale, Unavailable)
    with pytest.raises(ConfigSyntaxError, match=r"catalog\.yml:\d+"):
        run(shell, "catalog.list()")
    with pytest.raises(ConfigSyntaxError):
        run(shell, 'catalog["iris"]')
    assert "unavailable" in repr(stale)
    assert "%reload_project" in repr(stale)
    # The rest of the project still loaded.
    assert run(shell, "sorted(pipelines)")[0] == "__default__"


def test_unknown_dataset_type_names_the_entry_file_and_line(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, project)
    catalog_yml = project / "conf/base/catalog.yml"
    lines = catalog_yml.read_text().splitlines()
    entry = lines.index("iris:") + 1
    lines[entry] = "  type: pandas.CVSDataset"
    catalog_yml.write_text("\n".join(lines) + "\n")
    capsys.readouterr()

    shell.run_line_magic("reload_project", "")
    err = capsys.readouterr().err
    assert f"{catalog_yml.resolve()}:{entry}" in err
    assert "pandas.CSVDataset" in err  # the suggestion
    with pytest.raises(DatasetTypeError, match=f"catalog.yml:{entry}"):
        run(shell, 'catalog.load("iris")')


def test_broken_settings_makes_every_variable_unavailable(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, project)
    settings = project / "src/iris_demo/settings.py"
    settings.write_text(settings.read_text() + "\nHOOKS = (1 / 0,)\n")
    line = len(settings.read_text().splitlines())
    capsys.readouterr()

    shell.run_line_magic("reload_project", "")
    err = capsys.readouterr().err
    assert f"settings.py:{line}" in err
    for name in ("catalog", "context", "pipelines", "session"):
        assert isinstance(shell.user_ns[name], Unavailable), name
    with pytest.raises(ProjectError, match=f"settings.py:{line}"):
        run(shell, "session.run()")


def test_syntax_error_in_a_node_module_leaves_the_catalog_usable(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, project)
    nodes = project / "src/iris_demo/pipelines/data_science/nodes.py"
    nodes.write_text(nodes.read_text() + "\ndef broken(:\n")
    capsys.readouterr()

    shell.run_line_magic("reload_project", "")
    assert "data_science/nodes.py:" in capsys.readouterr().err
    assert isinstance(shell.user_ns["pipelines"], Unavailable)
    with pytest.raises(ProjectError, match=r"nodes\.py"):
        run(shell, "pipelines['__default__']")
    assert run(shell, 'catalog.load("iris").shape') == (150, 5)


def test_session_runs_any_number_of_times(shell: Any, project: Path) -> None:
    load(shell, project)
    run(shell, "session.run()")
    run(shell, 'session.run(tags="evaluation")')
    run(shell, "session.run()")
    assert run(shell, 'round(catalog.load("metrics")["accuracy"], 2)') >= 0.8
    assert run(shell, "len(session.store.list_runs())") == 3


def test_reload_with_env_and_params(shell: Any, project: Path) -> None:
    prod = project / "conf/prod"
    prod.mkdir()
    (prod / "parameters.yml").write_text("split_options:\n  test_fraction: 0.5\n")
    load(shell, project)
    assert run(shell, 'catalog.load("params:split_options.test_fraction")') == 0.2

    shell.run_line_magic("reload_project", "--env prod --params model_options.max_iterations=7")
    assert run(shell, "context.env") == "prod"
    assert run(shell, 'catalog.load("params:split_options.test_fraction")') == 0.5
    assert run(shell, 'catalog.load("params:model_options.max_iterations")') == 7


def test_reload_with_another_configuration_folder(
    shell: Any, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other-conf"
    shutil.copytree(project / "conf", other)
    (other / "base/parameters.yml").write_text("split_options:\n  test_fraction: 0.4\n")
    load(shell, project)
    shell.run_line_magic("reload_project", f"--conf-source {other}")
    assert run(shell, 'catalog.load("params:split_options.test_fraction")') == 0.4

    capsys.readouterr()
    run(
        shell,
        "from proj.ipython import reload_project\n"
        f"reload_project(conf_source={str(tmp_path / 'nowhere')!r})",
    )
    assert "nowhere" in capsys.readouterr().err
    assert isinstance(shell.user_ns["catalog"], Unavailable)


def test_reload_project_function_takes_the_same_arguments(shell: Any, project: Path) -> None:
    load(shell, project)
    run(
        shell,
        "from proj.ipython import reload_project\n"
        "reload_project(env='base', params={'model_options': {'max_iterations': 3}})",
    )
    assert run(shell, "context.env") == "base"
    assert run(shell, 'catalog.load("params:model_options.max_iterations")') == 3


def test_unknown_environment_is_reported_and_context_replaced(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, project)
    capsys.readouterr()
    shell.run_line_magic("reload_project", "--env nowhere")
    err = capsys.readouterr().err
    assert "nowhere" in err
    with pytest.raises(MissingConfigError):
        run(shell, "context.params")
    assert isinstance(shell.user_ns["catalog"], Unavailable)


def test_reload_of_a_missing_path_replaces_the_old_variables(
    shell: Any, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, project)
    shell.run_line_magic("reload_project", str(tmp_path / "nothing-here"))
    assert "No proj project found" in capsys.readouterr().err
    assert all(
        isinstance(shell.user_ns[name], Unavailable)
        for name in ("catalog", "context", "pipelines", "session")
    )


def test_bad_magic_arguments_print_usage(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, project)
    capsys.readouterr()
    shell.run_line_magic("reload_project", "--bogus")
    assert "usage: %reload_project" in capsys.readouterr().err
    shell.run_line_magic("reload_project", "--params nokey")
    assert "nokey" in capsys.readouterr().err
    assert run(shell, 'catalog.load("iris").shape') == (150, 5)


def test_unavailable_displays_without_breaking_the_shell(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    error = ProjectError("conf/base/catalog.yml:3: broken", hint="Fix it.")
    shell.user_ns["catalog"] = Unavailable("catalog", error)
    result = shell.run_cell("catalog")
    assert result.error_in_exec is None
    assert "<catalog unavailable: ProjectError: conf/base/catalog.yml:3: broken" in (
        capsys.readouterr().out
    )
    with pytest.raises(AttributeError):
        shell.user_ns["catalog"]._repr_html_()
    with pytest.raises(ProjectError, match="broken"):
        len(shell.user_ns["catalog"])
    with pytest.raises(ProjectError, match="broken"):
        list(shell.user_ns["catalog"])


def test_pipelines_are_read_on_first_use_after_load_ext(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nodes = project / "src/iris_demo/pipelines/data_science/nodes.py"
    nodes.write_text(nodes.read_text() + "\ndef broken(:\n")
    load(shell, project)
    out = capsys.readouterr()
    assert "pipelines (read on first use)" in out.out
    assert out.err == ""
    assert run(shell, 'catalog.load("iris").shape') == (150, 5)
    with pytest.raises(ProjectError, match=r"data_science/nodes.py:\d+"):
        run(shell, "list(pipelines)")
    with pytest.raises(ProjectError, match=r"data_science/nodes.py:\d+"):
        run(shell, "session.run()")
    assert "<pipelines unavailable: ProjectError" in repr(shell.user_ns["pipelines"])


def test_the_projects_own_log_lines_show_in_the_cell(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nodes = project / "src" / "iris_demo" / "pipelines" / "data_processing" / "nodes.py"
    text = nodes.read_text()
    nodes.write_text(
        text.replace(
            '    """Keep the model\'s columns',
            '    __import__("logging").getLogger(__name__).info("cleaning %d rows", len(iris))\n'
            '    """Keep the model\'s columns',
            1,
        )
    )
    load(shell, project)
    capsys.readouterr()
    run(shell, 'session.run(pipeline_name="data_processing")')
    assert "cleaning 150 rows" in capsys.readouterr().out


def test_using_a_standin_shows_one_line_with_file_and_line_not_a_traceback(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, project)
    catalog_yml = project / "conf/base/catalog.yml"
    catalog_yml.write_text("iris:\n  type: pandas.CSVDataset\n  filepath: [unclosed\n")
    shell.run_line_magic("reload_project", "")
    capsys.readouterr()
    result = shell.run_cell('catalog.load("iris")')
    assert isinstance(result.error_in_exec, ConfigSyntaxError)
    shown = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(shown) == 1, shown
    assert shown[0].startswith("ConfigSyntaxError: ")
    assert re.search(rf"{re.escape(str(catalog_yml))}:\d+", shown[0])
    assert "`catalog` was not loaded" in shown[0]
    assert "%reload_project" in shown[0]


def test_other_proj_errors_keep_their_traceback(
    shell: Any, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell, project)
    capsys.readouterr()
    result = shell.run_cell('catalog.load("no_such_dataset")')
    assert result.error_in_exec is not None
    out = capsys.readouterr().out
    assert "no_such_dataset" in out
    assert len([line for line in out.splitlines() if line.strip()]) > 3
