"""``proj viz``: the pipeline as an interactive graph: serve it, build a static site, or
export it as JSON, Mermaid or Graphviz DOT.

``proj viz`` alone serves the page (the same as ``proj viz run``).
"""

from __future__ import annotations

import enum
from pathlib import Path

import typer

from proj.cli.completion import complete_from_cache
from proj.cli.options import EnvOption

app = typer.Typer(
    add_completion=False,
    help="Show the pipeline as an interactive graph: serve it (default), build a static "
    "site, or export it.",
)


class ExportFormat(str, enum.Enum):
    """Formats of ``proj viz export``."""

    json = "json"
    mermaid = "mermaid"
    dot = "dot"


_HOST = typer.Option(
    "127.0.0.1",
    "--host",
    help="Interface to listen on. Any address but loopback makes the page reachable from "
    "the network and requires a token (printed in the URL).",
)
_TOKEN = typer.Option(
    None,
    "--token",
    envvar="PROJ_VIZ_TOKEN",
    help="The token every request must carry (default off loopback: a random one).",
    show_envvar=True,
)
_PORT = typer.Option(4141, "--port", min=0, max=65535, help="Port to listen on (0: any free).")
_NO_BROWSER = typer.Option(False, "--no-browser", help="Do not open a browser.")
_PIPELINE = typer.Option(
    None,
    "--pipeline",
    "-p",
    help="The pipeline to show first (default: __default__).",
    autocompletion=complete_from_cache("pipelines"),
)
_AUTORELOAD = typer.Option(
    False, "--autoreload", help="Rebuild the graph when files under src/ or conf/ change."
)


def _serve(
    host: str,
    port: int,
    no_browser: bool,
    pipeline: str | None,
    env: str | None,
    autoreload: bool,
    token: str | None,
) -> None:
    import webbrowser

    from rich.markup import escape

    from proj.cli.output import console, setup_logging
    from proj.viz.server import VizServer

    setup_logging()
    if env is not None:
        from proj.framework.envs import check_environment

        check_environment(env)
    server = VizServer(
        env=env, pipeline=pipeline, host=host, port=port, autoreload=autoreload, token=token
    )
    url = server.start()
    out = console()
    out.print(f"Serving the pipeline graph at [bold]{escape(url)}[/] (Ctrl-C to stop)")
    if not server.local:
        out.print(
            f"[yellow]Warning:[/] listening on {escape(host)}: the page is reachable from "
            "the network. Anyone with this URL (it holds the token) sees the pipeline, its "
            "code and previews of its data."
        )
    if autoreload:
        out.print("Watching src/ and conf/: the page redraws when they change.")
    out.file.flush()
    if not no_browser:
        webbrowser.open(url)
    try:
        server.wait()
    except KeyboardInterrupt:
        out.print("Stopped.")
    finally:
        server.stop()


@app.callback(invoke_without_command=True)
def viz(
    ctx: typer.Context,
    host: str = _HOST,
    port: int = _PORT,
    no_browser: bool = _NO_BROWSER,
    pipeline: str | None = _PIPELINE,
    env: EnvOption = None,
    autoreload: bool = _AUTORELOAD,
    token: str | None = _TOKEN,
) -> None:
    """Serve the pipeline graph on http://127.0.0.1:4141 (see `proj viz run`)."""
    if ctx.invoked_subcommand is None:
        _serve(host, port, no_browser, pipeline, env, autoreload, token)
        return
    sources = {
        param.opts[0]: ctx.get_parameter_source(param.name or "") for param in ctx.command.params
    }
    given = [opt for opt, source in sources.items() if source and source.name == "COMMANDLINE"]
    if given:  # they would be ignored silently: say where options go
        sub = ctx.invoked_subcommand
        ctx.fail(
            f"{', '.join(given)} must come after the subcommand: "
            f"proj viz {sub} [OPTIONS] (see proj viz {sub} --help)."
        )


@app.command(name="run")
def run(
    host: str = _HOST,
    port: int = _PORT,
    no_browser: bool = _NO_BROWSER,
    pipeline: str | None = _PIPELINE,
    env: EnvOption = None,
    autoreload: bool = _AUTORELOAD,
    token: str | None = _TOKEN,
) -> None:
    """Serve the pipeline graph in the browser, with run statuses that follow the runs.

    The server listens on 127.0.0.1 only unless --host says otherwise, and serves the
    page, the graph, the run store's statuses and previews of catalog datasets, nothing
    else. Off loopback every request needs the token in the printed URL.
    """
    _serve(host, port, no_browser, pipeline, env, autoreload, token)


@app.command(name="build")
def build(
    output: Path = typer.Option(
        Path("build/viz"), "--output", "-o", help="Folder to write (created if missing)."
    ),
    pipeline: str | None = _PIPELINE,
    env: EnvOption = None,
    force: bool = typer.Option(
        False,
        "--force",
        help="Replace index.html and snapshot.json even if proj did not write them.",
    ),
) -> None:
    """Write the graph as a static site (index.html) that works opened from disk.

    A rebuild replaces the files of an earlier build; files proj did not write are kept
    unless --force.
    """
    from proj.cli.output import console, setup_logging
    from proj.viz.page import build_site
    from proj.viz.snapshot import build_snapshot, load_session

    setup_logging()
    snapshot = build_snapshot(load_session(env=env), pipeline=pipeline)
    index = build_site(snapshot, output, force=force)
    console().print(
        f"Wrote {len(snapshot['nodes'])} nodes and {len(snapshot['datasets'])} datasets to "
        f"{index} (open it in a browser)."
    )


@app.command(name="export")
def export(
    fmt: ExportFormat = typer.Option(
        ..., "--format", "-f", case_sensitive=False, help="json, mermaid or dot."
    ),
    pipeline: str | None = typer.Option(
        None,
        "--pipeline",
        "-p",
        help="Only this pipeline (default: all of them).",
        autocompletion=complete_from_cache("pipelines"),
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to this file instead of stdout."
    ),
    env: EnvOption = None,
    force: bool = typer.Option(
        False, "--force", help="Replace the --output file even if proj did not write it."
    ),
) -> None:
    """Print the graph as JSON (the page's snapshot), Mermaid or Graphviz DOT.

    With --output the file is written atomically; it replaces an earlier export, but a
    file proj did not write is kept unless --force.
    """
    from proj.cli.output import console, setup_logging
    from proj.viz.exporters import export as write
    from proj.viz.files import write_output
    from proj.viz.snapshot import build_snapshot, load_session, restrict

    setup_logging(quiet=output is None)
    snapshot = build_snapshot(load_session(env=env), pipeline=pipeline)
    if pipeline is not None:
        snapshot = restrict(snapshot, pipeline)
    text = write(snapshot, fmt.value)
    if output is None:
        typer.echo(text, nl=False)
        return
    write_output(output, text, force=force)
    console().print(f"Wrote the {fmt.value} graph to {output}.")
