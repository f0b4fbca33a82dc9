"""``proj jupyter stop`` without a criterion is a usage error, before any server is asked."""

from __future__ import annotations

from collections.abc import Callable

from typer.testing import Result


def test_stop_without_a_criterion_is_a_usage_error(cli: Callable[..., Result]) -> None:
    result = cli("jupyter", "stop")
    assert result.exit_code == 2
    assert "say which kernels to stop" in result.output
    assert "--project" in result.output
    assert "Traceback" not in result.output
