"""Session, context, settings and registry on real scaffolded projects."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from proj.exceptions import (
    DatasetTypeError,
    PipelineError,
    ProjectError,
    ProjectNotFoundError,
    UnknownNameError,
)
from proj.framework import Session, find_project
from proj.framework.project import read_metadata
from proj.framework.scaffold import create_project
from proj.framework.store import RunStore


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return create_project("Iris Demo", output_dir=tmp_path, starter="iris")


def metrics(project: Path) -> dict[str, float]:
    return json.loads((project / "data" / "08_reporting" / "metrics.json").read_text())


def test_session_finds_the_project_from_a_subfolder(project: Path) -> None:
    session = Session.create(project / "notebooks")
    assert session.metadata.project_path == project.resolve()
    assert session.metadata.package_name == "iris_demo"
    assert sorted(session.pipelines) == ["__default__", "data_processing", "data_science"]


def test_a_session_runs_any_number_of_times(project: Path) -> None:
    session = Session.create(project)
    session.run()
    first = metrics(project)
    session.run(tags="evaluation")
    assert metrics(project) == first
    store = session.store
    assert store is not None
    runs = store.list_runs()
    assert [run.status for run in runs] == ["success", "success"]
    assert len({run.run_id for run in runs}) == 2


def test_relative_catalog_paths_resolve_against_the_project_root(
    project: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd = Path.cwd()
    os.chdir(elsewhere)
    try:
        Session.create(project).run()
    finally:
        os.chdir(cwd)
    assert metrics(project)["accuracy"] >= 0.9
    assert not (elsewhere / "data").exists()


def test_runtime_params_reach_nodes(project: Path) -> None:
    session = Session.create(project, runtime_params={"split_options": {"test_fraction": 0.5}})
    assert session.load_context().params["split_options"]["test_fraction"] == 0.5
    session.run()
    assert metrics(project)["n_test"] == 75


def test_unknown_pipeline_suggests_the_closest(project: Path) -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'data_science'"):
        Session.create(project).run("data_sciense")


def test_an_unknown_tag_is_named_with_the_closest_tags(project: Path) -> None:
    # The library's filters select nothing for an unknown tag (Kedro); a run names it.
    with pytest.raises(
        UnknownNameError, match="Unknown tag in pipeline __default__: 'evaluatoin'"
    ) as info:
        Session.create(project).run(tags=["evaluatoin"])
    assert info.value.suggestions["evaluatoin"] == ["evaluation"]
    assert Session.create(project).pipelines["__default__"].only_nodes_with_tags("x").nodes == []


def test_filters_that_leave_nothing_are_explained(project: Path) -> None:
    with pytest.raises(PipelineError, match="Nothing to run"):
        Session.create(project).run(node_names="clean_iris", from_nodes="split_data")


def test_settings_hooks_are_called(project: Path) -> None:
    settings = project / "src" / "iris_demo" / "settings.py"
    settings.write_text(
        "from pathlib import Path\n"
        "from proj.hooks import hook_impl\n"
        "class Note:\n"
        "    @hook_impl\n"
        "    def after_node_run(self, node):\n"
        "        with open(Path(__file__).parent / 'ran.txt', 'a') as f:\n"
        "            f.write(node.name + '\\n')\n"
        "HOOKS = (Note(),)\n"
    )
    Session.create(project).run("data_processing")
    ran = (settings.parent / "ran.txt").read_text().split()
    assert ran == ["clean_iris", "split_data"]


def test_a_broken_settings_file_names_file_and_line(project: Path) -> None:
    settings = project / "src" / "iris_demo" / "settings.py"
    settings.write_text("HOOKS = ()\nCONF_SOURCE = = 'conf'\n")
    with pytest.raises(ProjectError) as caught:
        Session.create(project)
    assert "settings.py:2" in str(caught.value)


def test_settings_with_wrong_types_are_explained(project: Path) -> None:
    (project / "src" / "iris_demo" / "settings.py").write_text("HOOKS = 'not a tuple'\n")
    with pytest.raises(ProjectError, match=r"HOOKS .* must be a tuple"):
        Session.create(project)


def test_a_pipeline_module_that_raises_names_its_line(project: Path) -> None:
    module = project / "src" / "iris_demo" / "pipelines" / "data_science" / "pipeline.py"
    module.write_text(module.read_text() + "\nraise KeyError('typo in the pipeline')\n")
    with pytest.raises(ProjectError) as caught:
        Session.create(project).pipelines  # noqa: B018
    message = str(caught.value)
    assert "pipelines/data_science/pipeline.py" in message
    assert "KeyError" in message and "typo in the pipeline" in message


def test_registry_returning_the_wrong_type_is_explained(project: Path) -> None:
    registry = project / "src" / "iris_demo" / "pipeline_registry.py"
    registry.write_text("def register_pipelines():\n    return ['not', 'a', 'dict']\n")
    with pytest.raises(ProjectError, match="must return a dict"):
        Session.create(project).pipelines  # noqa: B018


def test_two_projects_with_one_package_name_do_not_mix(tmp_path: Path) -> None:
    first = create_project("Iris Demo", output_dir=tmp_path / "a", starter="iris")
    second = create_project("Iris Demo", output_dir=tmp_path / "b", starter="empty")
    assert "data_science" in Session.create(first).pipelines
    assert sorted(Session.create(second).pipelines) == ["__default__"]


def test_the_completion_cache_is_written_with_the_projects_names(project: Path) -> None:
    session = Session.create(project)
    session.pipelines  # noqa: B018 - reading the pipelines writes nothing
    assert not (project / ".proj" / "completion.json").exists()
    session.write_completion_cache()
    cache = json.loads((project / ".proj" / "completion.json").read_text())
    assert "train_model" in cache["names"]["nodes"]
    assert cache["names"]["tags"] == ["evaluation", "preprocessing", "training"]
    assert "local" in cache["names"]["envs"]


def test_run_store_path_can_be_moved_in_settings(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "runs.sqlite"
    (project / "src" / "iris_demo" / "settings.py").write_text(
        f"RUN_STORE_PATH = {str(target)!r}\n"
    )
    Session.create(project).run("data_processing")
    assert [run.status for run in RunStore(target).list_runs()] == ["success"]
    assert not (project / ".proj" / "runs.db").exists()


def test_find_project_outside_any_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError) as caught:
        find_project(tmp_path)
    assert str(tmp_path.resolve()) in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[tool.proj\n", "not valid TOML"),
        ("[tool.other]\nx = 1\n", "has no \\[tool.proj\\] table"),
        ("[tool.proj]\nproject_name = 'x'\n", "needs package_name"),
        ("[tool.proj]\npackage_name = 'ghost'\n", "'ghost' .* is not in"),
    ],
)
def test_bad_project_metadata_is_explained(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(content)
    with pytest.raises(ProjectError, match=message):
        read_metadata(tmp_path)


def test_an_empty_project_says_how_to_add_a_pipeline(tmp_path: Path) -> None:
    project = create_project("Blank Slate", output_dir=tmp_path, starter="empty")
    with pytest.raises(PipelineError, match="has no nodes yet") as caught:
        Session.create(project).run()
    assert "proj jupyter convert" in (caught.value.hint or "")


def test_a_bad_catalog_entry_names_its_file_and_line(project: Path) -> None:
    catalog = project / "conf" / "base" / "catalog.yml"
    lines = catalog.read_text(encoding="utf-8").splitlines()
    number = lines.index("iris:") + 1
    assert lines[number] == "  type: pandas.CSVDataset"
    lines[number] = "  type: pandas.CSVDatset"
    catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DatasetTypeError) as caught:
        Session.create(project).load_context().catalog  # noqa: B018
    assert caught.value.message.startswith(f"{catalog}:{number}: Unknown dataset type")
    assert caught.value.dataset == "iris"
    assert "pandas.CSVDataset" in caught.value.message  # the closest type is suggested


# ---------------------------------------------------------------- Kedro conventions


def _settings(project: Path, text: str) -> None:
    from proj.framework.project import purge_package

    (project / "src" / "iris_demo" / "settings.py").write_text(text)
    purge_package("iris_demo")


def test_session_is_a_context_manager_and_takes_pipeline_name(project: Path) -> None:
    with Session.create(project) as session:
        session.run(pipeline_name="data_processing")
        store = session.store
        assert store is not None
        assert [run.pipelines for run in store.list_runs()] == [["data_processing"]]
    with pytest.raises(PipelineError, match="both pipeline_name and pipeline_names"):
        session.run(pipeline_name="a", pipeline_names=["b"])


def test_settings_may_import_omegaconfigloader_with_custom_resolvers(project: Path) -> None:
    _settings(
        project,
        "from proj.config import OmegaConfigLoader\n"
        "CONFIG_LOADER_CLASS = OmegaConfigLoader\n"
        "CONFIG_LOADER_ARGS = {'base_env': 'base', 'default_run_env': 'local',\n"
        "    'merge_strategy': {'parameters': 'soft'},\n"
        "    'custom_resolvers': {'twice': lambda x: 2 * int(x)}}\n",
    )
    params = project / "conf" / "base" / "parameters.yml"
    params.write_text(params.read_text() + "\ndoubled: ${twice:21}\n")
    assert Session.create(project).load_context().params["doubled"] == 42


def test_class_settings_are_honoured_for_subclasses(project: Path) -> None:
    _settings(
        project,
        "from proj.framework import Context, Session\n"
        "from proj.io import DataCatalog\n"
        "class MyContext(Context): pass\n"
        "class MyCatalog(DataCatalog): pass\n"
        "class MySession(Session): pass\n"
        "CONTEXT_CLASS = MyContext\nDATA_CATALOG_CLASS = MyCatalog\nSESSION_CLASS = MySession\n",
    )
    session = Session.create(project)
    assert type(session).__name__ == "MySession"
    context = session.load_context()
    assert type(context).__name__ == "MyContext"
    assert type(context.catalog).__name__ == "MyCatalog"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("CONTEXT_CLASS = dict\n", "CONTEXT_CLASS in .* must be proj.framework.context.Context"),
        (
            "CONFIG_LOADER_ARGS = {'base_env': 'base', 'conf_patterns': {}}\n",
            "CONFIG_LOADER_ARGS in .* has an unknown key 'conf_patterns' "
            r"\(did you mean 'config_patterns'\?\)",
        ),
        ("SESSION_STORE_CLASS = object\n", "SESSION_STORE_CLASS in .* is not supported"),
    ],
)
def test_settings_proj_cannot_honour_are_one_line_errors(
    project: Path, text: str, message: str
) -> None:
    _settings(project, text)
    with pytest.raises(ProjectError, match=message) as caught:
        Session.create(project)
    assert "\n" not in caught.value.message


def test_find_pipelines_can_leave_a_broken_pipeline_out(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from proj.framework import find_pipelines

    broken = project / "src" / "iris_demo" / "pipelines" / "broken"
    broken.mkdir()
    (broken / "__init__.py").write_text("")
    (broken / "pipeline.py").write_text("def create_pipeline():\n    raise ValueError('no')\n")
    Session.create(project)  # puts the project on sys.path
    with pytest.raises(ProjectError, match="raised ValueError: no"):
        find_pipelines("iris_demo")
    found = find_pipelines("iris_demo", raise_errors=False)
    assert sorted(found) == ["data_processing", "data_science"]
    assert "Pipeline 'broken' is left out" in caplog.text
