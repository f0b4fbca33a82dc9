"""Tests of proj/framework/scaffold.py: the project template and create_project()."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from proj.exceptions import ProjectError, ProjectExistsError
from proj.framework.scaffold import (
    STARTERS,
    TEMPLATE_DIR,
    create_project,
    derive_names,
    validate_package_name,
    validate_project_name,
    validate_repo_name,
)

if TYPE_CHECKING:
    from types import ModuleType

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DATA_LAYERS = [
    "01_raw",
    "02_intermediate",
    "03_primary",
    "04_feature",
    "05_model_input",
    "06_models",
    "07_model_output",
    "08_reporting",
]
SHIPPED_IRIS = TEMPLATE_DIR / "{{ cookiecutter.repo_name }}" / "data" / "01_raw" / "iris.csv"


@pytest.fixture(scope="module")
def iris_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One iris project, shared by the read-only tests of this module."""
    return create_project("Iris Demo", output_dir=tmp_path_factory.mktemp("iris"))


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One empty project, shared by the read-only tests of this module."""
    return create_project(
        "Blank Slate", output_dir=tmp_path_factory.mktemp("empty"), starter="empty"
    )


def _files(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def _load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("project_name", "expected"),
    [
        ("Iris Demo", ("iris-demo", "iris_demo")),
        ("sales_Forecast-2024", ("sales-forecast-2024", "sales_forecast_2024")),
        ("My.Project  --  v2", ("my-project-v2", "my_project_v2")),
        ("x", ("x", "x")),
    ],
)
def test_derive_names(project_name: str, expected: tuple[str, str]) -> None:
    assert derive_names(project_name) == expected


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        (" Iris", "must not start or end with whitespace"),
        ("1st project", "must start with a letter"),
        ("_private", "must start with a letter"),
        ("iris/demo", "contains '/'"),
        ('Iris "Demo"', "contains '\"'"),
        ("Café", "contains 'é'"),
        ("a" * 101, "at most 100"),
    ],
)
def test_invalid_project_names_say_which_rule(name: str, rule: str, tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as info:
        create_project(name, output_dir=tmp_path)

    assert rule in info.value.message
    assert info.value.hint
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("Iris", "must be lower case"),
        ("iris-demo", "contains '-'"),
        ("1iris", "does not start with a letter"),
        ("_iris", "does not start with a letter"),
        ("irís", "contains 'í'"),
        ("class", "Python keyword"),
        ("json", "standard-library module 'json'"),
        ("sys", "standard-library module 'sys'"),
        ("test", "reserved"),
        ("proj", "reserved"),
        ("pandas", "installed module 'pandas'"),
        ("pytest", "installed module 'pytest'"),
    ],
)
def test_invalid_package_names_say_which_rule(name: str, rule: str, tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as info:
        create_project("Iris Demo", output_dir=tmp_path, package_name=name)

    assert rule in info.value.message
    assert repr(name) in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_installed_module_message_says_where_it_was_found() -> None:
    import pandas

    with pytest.raises(ProjectError) as info:
        validate_package_name("pandas")

    assert str(Path(pandas.__file__).parent) in info.value.message


def test_a_project_folder_in_the_working_directory_is_not_an_installed_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "weather_report").mkdir()
    monkeypatch.chdir(tmp_path)

    validate_package_name("weather_report")


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "is empty"),
        (".hidden", "must start with a letter or a digit"),
        ("-dash", "must start with a letter or a digit"),
        ("a/b", "contains '/'"),
        ("my demo", "contains ' '"),
        ("r" * 101, "at most 100"),
    ],
)
def test_invalid_repo_names_say_which_rule(name: str, rule: str, tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as info:
        create_project("Iris Demo", output_dir=tmp_path, repo_name=name)

    assert rule in info.value.message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["Iris Demo", "sales-forecast", "A", "v1.2 model_x"])
def test_valid_names_pass_every_check(name: str) -> None:
    repo_name, package_name = derive_names(name)

    validate_project_name(name)
    validate_repo_name(repo_name)
    validate_package_name(package_name)


def test_unknown_starter_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as info:
        create_project("Iris Demo", output_dir=tmp_path, starter="spaceflights")

    assert "'spaceflights'" in info.value.message
    assert info.value.hint == "Choose one of: iris, empty."
    assert list(tmp_path.iterdir()) == []


def test_template_offers_exactly_the_known_starters() -> None:
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))

    assert context["starter"] == list(STARTERS)


# --------------------------------------------------------------------------- existing target


def test_existing_folder_is_left_untouched(tmp_path: Path) -> None:
    target = tmp_path / "iris-demo"
    target.mkdir()
    (target / "notes.txt").write_text("my notes\n", encoding="utf-8")

    with pytest.raises(ProjectExistsError) as info:
        create_project("Iris Demo", output_dir=tmp_path)

    assert str(target) in info.value.message
    assert info.value.hint
    assert isinstance(info.value, FileExistsError)
    assert _files(target) == {"notes.txt"}
    assert (target / "notes.txt").read_text(encoding="utf-8") == "my notes\n"
    assert [p.name for p in tmp_path.iterdir()] == ["iris-demo"]


def test_existing_file_with_the_project_name_is_left_untouched(tmp_path: Path) -> None:
    (tmp_path / "iris-demo").write_text("not a folder", encoding="utf-8")

    with pytest.raises(ProjectExistsError):
        create_project("Iris Demo", output_dir=tmp_path)

    assert (tmp_path / "iris-demo").read_text(encoding="utf-8") == "not a folder"
    assert [p.name for p in tmp_path.iterdir()] == ["iris-demo"]


def test_output_dir_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "somefile").write_text("x", encoding="utf-8")

    with pytest.raises(ProjectError, match="not a folder"):
        create_project("Iris Demo", output_dir=tmp_path / "somefile")


def test_missing_output_dir_is_created(tmp_path: Path) -> None:
    project = create_project("Iris Demo", output_dir=tmp_path / "a" / "b", starter="empty")

    assert project == tmp_path / "a" / "b" / "iris-demo"
    assert (project / "pyproject.toml").is_file()


# --------------------------------------------------------------------------- failures


@pytest.fixture
def broken_template(tmp_path: Path) -> Path:
    """A copy of the real template with a Jinja syntax error in one file."""
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE_DIR, template)
    readme = template / "{{ cookiecutter.repo_name }}" / "README.md"
    readme.write_text("# {{ cookiecutter.project_name\n", encoding="utf-8")
    return template


def test_a_failing_template_leaves_nothing_behind(tmp_path: Path, broken_template: Path) -> None:
    out = tmp_path / "new" / "out"

    with pytest.raises(ProjectError) as info:
        create_project("Iris Demo", output_dir=out, template_dir=broken_template)

    assert "Could not render the project template" in info.value.message
    assert info.value.__cause__ is not None
    assert not (tmp_path / "new").exists()  # the folders it made are gone too


def test_a_failing_template_in_an_existing_folder_leaves_it_as_it_was(
    tmp_path: Path, broken_template: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "other-project").mkdir()

    with pytest.raises(ProjectError):
        create_project("Iris Demo", output_dir=out, template_dir=broken_template)

    assert [p.name for p in out.iterdir()] == ["other-project"]


def test_a_folder_without_cookiecutter_json_is_not_a_template(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"has no cookiecutter\.json"):
        create_project("Iris Demo", output_dir=tmp_path / "out", template_dir=tmp_path)

    assert not (tmp_path / "out").exists()


def test_nothing_is_written_to_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))

    create_project("Iris Demo", output_dir=tmp_path / "out", starter="empty")

    assert list(home.iterdir()) == []


# --------------------------------------------------------------------------- the iris project


def test_iris_project_layout(iris_project: Path) -> None:
    files = _files(iris_project)
    package = "src/iris_demo"

    assert iris_project.name == "iris-demo"
    assert iris_project.is_absolute()
    for layer in DATA_LAYERS:
        assert f"data/{layer}/.gitkeep" in files
    assert {
        "pyproject.toml",
        "README.md",
        ".gitignore",
        "conf/README.md",
        "conf/base/catalog.yml",
        "conf/base/parameters.yml",
        "conf/local/.gitkeep",
        "conf/local/credentials.yml",
        "data/01_raw/iris.csv",
        "notebooks/README.md",
        f"{package}/__init__.py",
        f"{package}/settings.py",
        f"{package}/pipeline_registry.py",
        f"{package}/pipelines/__init__.py",
        f"{package}/pipelines/data_processing/__init__.py",
        f"{package}/pipelines/data_processing/nodes.py",
        f"{package}/pipelines/data_processing/pipeline.py",
        f"{package}/pipelines/data_science/__init__.py",
        f"{package}/pipelines/data_science/nodes.py",
        f"{package}/pipelines/data_science/pipeline.py",
    } <= files
    assert any(name.startswith("tests/") and name.endswith(".py") for name in files)
    assert "gitignore" not in files
    assert not any("__pycache__" in name for name in files)


def test_nothing_is_left_next_to_the_project(iris_project: Path) -> None:
    assert [p.name for p in iris_project.parent.iterdir()] == ["iris-demo"]


def test_iris_csv_is_the_shipped_file(iris_project: Path) -> None:
    copied = iris_project / "data" / "01_raw" / "iris.csv"

    assert copied.read_bytes() == SHIPPED_IRIS.read_bytes()
    lines = copied.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "sepal_length,sepal_width,petal_length,petal_width,species"
    assert len(lines) == 151


def test_pyproject_names_the_project(iris_project: Path) -> None:
    pyproject = tomllib.loads((iris_project / "pyproject.toml").read_text(encoding="utf-8"))

    assert pyproject["tool"]["proj"] == {
        "package_name": "iris_demo",
        "project_name": "Iris Demo",
        "source_dir": "src",
    }
    assert pyproject["project"]["name"] == "iris-demo"
    assert pyproject["project"]["requires-python"] == ">=3.10"
    assert any(dep.startswith("proj>=") for dep in pyproject["project"]["dependencies"])
    assert pyproject["tool"]["pytest"]["ini_options"]["pythonpath"] == ["src"]


def test_custom_names_are_used(tmp_path: Path) -> None:
    project = create_project(
        "Iris Demo", output_dir=tmp_path, repo_name="flowers", package_name="petals"
    )
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))

    assert project == tmp_path / "flowers"
    assert (project / "src" / "petals" / "pipelines" / "data_science" / "nodes.py").is_file()
    assert pyproject["tool"]["proj"]["package_name"] == "petals"
    assert "from petals.pipelines" in (
        project / "tests" / "pipelines" / "test_data_science.py"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize("which", ["iris", "empty"])
def test_every_python_file_compiles_and_nothing_is_left_unrendered(
    which: str, iris_project: Path, empty_project: Path
) -> None:
    project = iris_project if which == "iris" else empty_project

    for path in project.rglob("*"):
        if not path.is_file() or path.suffix == ".csv":
            continue
        text = path.read_text(encoding="utf-8")
        assert "cookiecutter" not in text, path
        assert "{{" not in text and "{%" not in text, path
        if path.suffix == ".py":
            compile(text, str(path), "exec")


def test_yaml_configuration_parses(iris_project: Path) -> None:
    catalog = yaml.safe_load((iris_project / "conf/base/catalog.yml").read_text(encoding="utf-8"))
    parameters = yaml.safe_load(
        (iris_project / "conf/base/parameters.yml").read_text(encoding="utf-8")
    )
    credentials = yaml.safe_load(
        (iris_project / "conf/local/credentials.yml").read_text(encoding="utf-8")
    )

    assert catalog["iris"] == {"type": "pandas.CSVDataset", "filepath": "data/01_raw/iris.csv"}
    assert catalog["model"]["type"] == "pickle.PickleDataset"
    assert catalog["model"]["filepath"].startswith("data/06_models/")
    assert catalog["metrics"] == {
        "type": "json.JSONDataset",
        "filepath": "data/08_reporting/metrics.json",
    }
    for split in ("X_train", "X_test", "y_train", "y_test"):
        assert catalog[split]["filepath"].startswith("data/05_model_input/")
    assert set(parameters) == {"columns", "split_options", "model_options"}
    assert credentials is None  # comments only


def _run_iris_nodes(project: Path) -> dict[str, Any]:
    """Run the starter's node functions in pipeline order, as the runner would."""
    package = project / "src" / "iris_demo" / "pipelines"
    processing = _load_module(package / "data_processing" / "nodes.py", "_iris_processing")
    science = _load_module(package / "data_science" / "nodes.py", "_iris_science")
    parameters = yaml.safe_load((project / "conf/base/parameters.yml").read_text(encoding="utf-8"))
    import pandas as pd

    raw = pd.read_csv(project / "data" / "01_raw" / "iris.csv")
    clean = processing.clean_iris(raw, parameters["columns"])
    X_train, X_test, y_train, y_test = processing.split_data(
        clean, parameters["columns"]["target"], parameters["split_options"]
    )
    model = science.train_model(X_train, y_train, parameters["model_options"])
    y_pred = science.predict(model, X_test)
    metrics: dict[str, Any] = science.report_accuracy(model, y_test, y_pred)
    return metrics


def test_iris_nodes_reach_90_percent_accuracy_on_the_real_data(iris_project: Path) -> None:
    metrics = _run_iris_nodes(iris_project)

    assert metrics["accuracy"] >= 0.9
    assert (metrics["n_train"], metrics["n_test"]) == (120, 30)
    assert set(metrics["per_class_accuracy"]) == {"setosa", "versicolor", "virginica"}
    confusion = metrics["confusion_matrix"]
    assert sum(sum(row.values()) for row in confusion.values()) == 30
    assert json.loads(json.dumps(metrics)) == metrics  # what json.JSONDataset will write


def test_iris_nodes_are_deterministic(iris_project: Path) -> None:
    assert _run_iris_nodes(iris_project) == _run_iris_nodes(iris_project)


def test_gitignore_keeps_data_and_local_conf_out_of_git(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = create_project("Iris Demo", output_dir=tmp_path)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "data" / "02_intermediate" / "iris_clean.pkl").write_bytes(b"x")
    (project / "data" / "01_raw" / "other.csv").write_text("a\n", encoding="utf-8")

    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tracked = {line[3:] for line in status.splitlines()}

    assert "data/01_raw/iris.csv" in tracked
    assert "data/08_reporting/.gitkeep" in tracked
    assert "conf/local/.gitkeep" in tracked
    assert "conf/base/catalog.yml" in tracked
    assert "data/02_intermediate/iris_clean.pkl" not in tracked
    assert "data/01_raw/other.csv" not in tracked
    assert "conf/local/credentials.yml" not in tracked


def test_generated_node_tests_pass(iris_project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/pipelines"],
        cwd=iris_project,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


# --------------------------------------------------------------------------- the empty project


def test_empty_project_has_the_skeleton_without_the_iris_files(empty_project: Path) -> None:
    files = _files(empty_project)
    package = empty_project / "src" / "blank_slate"

    for layer in DATA_LAYERS:
        assert f"data/{layer}/.gitkeep" in files
    assert "data/01_raw/iris.csv" not in files
    assert (package / "pipeline_registry.py").is_file()
    assert [p.name for p in (package / "pipelines").iterdir()] == ["__init__.py"]
    assert not (empty_project / "tests" / "pipelines").exists()
    assert yaml.safe_load((empty_project / "conf/base/catalog.yml").read_text("utf-8")) is None
    assert yaml.safe_load((empty_project / "conf/base/parameters.yml").read_text("utf-8")) is None
    assert "iris" not in (empty_project / ".gitignore").read_text(encoding="utf-8")
    assert "numpy" not in (empty_project / "pyproject.toml").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- with the core


@pytest.mark.parametrize("starter", ["iris", "empty"])
def test_generated_test_suite_passes(starter: str, tmp_path: Path) -> None:
    project = create_project("Suite Check", output_dir=tmp_path, starter=starter)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
