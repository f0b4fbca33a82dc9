"""``proj ipython``: IPython with the project extension loaded."""

from __future__ import annotations

import typer

from proj.cli.options import EnvOption

app = typer.Typer(add_completion=False)


@app.command(
    name="ipython",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def ipython(
    ctx: typer.Context,
    env: EnvOption = None,
) -> None:
    """Start IPython with catalog, context, pipelines and session defined.

    Further arguments go to IPython unchanged, e.g. `proj ipython -c "catalog.list()"`.
    """
    import os

    from proj.framework.envs import check_environment
    from proj.jupyter.deps import require
    from proj.jupyter.kernelspec import ENV_VAR, PROJECT_PATH_VAR

    require("IPython", feature="proj ipython")
    metadata = check_environment(env)
    os.environ[PROJECT_PATH_VAR] = str(metadata.project_path)
    if env:
        os.environ[ENV_VAR] = env
    import IPython

    IPython.start_ipython(argv=["--ext", "proj.ipython", *ctx.args])
