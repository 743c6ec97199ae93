"""``ssr-course``: the course's own command line (for now, building the offline edition)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def main() -> None:
    """Introduction to Security Sector Reform: the course's tools."""


@main.command("build-offline")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--pyodide-dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="The npm 'pyodide' package's folder (default: offline/node_modules/pyodide, installed with npm ci).")
def build_offline(out_dir: Path, pyodide_dir: Path | None) -> None:
    """Build the offline edition into OUT_DIR: a static site that any web server can serve, needing no internet."""
    try:
        from .build import OfflineBuildError, build_site
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise click.ClickException(f"{exc}: install the 'offline' extra (pip install 'ssr-course[offline]')") from None
    try:
        build_site(out_dir, pyodide_dir=pyodide_dir, log=lambda m: click.echo(m, err=True))
    except OfflineBuildError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Serve it with any static web server, e.g.: python -m http.server -d {out_dir} -b 127.0.0.1 8000")
