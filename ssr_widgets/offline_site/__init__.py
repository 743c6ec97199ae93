"""The offline site: the whole course as a static JupyterLite site that runs Python in the browser (issue 15).

Why a package of its own: the offline edition is built on the trainer's or CI's machine (``ssr-course
build-offline OUT_DIR``) and then needs no server at all, only static files (a USB stick with a small web
server, GitHub Pages, an intranet). Building it needs JupyterLite (the ``offline`` extra) and the Pyodide core
from npm (``offline/package.json``); nothing here is imported by the learner's kernel, so JupyterLab and the
browser run the same ``ssr_widgets`` code.

What goes into the folder, and why (see :mod:`ssr_widgets.offline_site.build`):

- Pyodide's core from the npm ``pyodide`` package, at exactly the version the Pyodide kernel was built against;
- every Python package the kernel and the course import, as wheels next to it, listed in the site's own
  ``pyodide-lock.json``; the PyPI fallback is off, so the site never asks the internet for anything;
- PyYAML as a pure-Python wheel built from PyPI's source release (no registry holds a Pyodide build of it), so
  the browser reads the same YAML content through the same loader as JupyterLab does;
- the learner copies of the notebooks, never the trainer's item bank or answer keys (the build checks).
"""

from __future__ import annotations

__all__ = ["build_site"]


def build_site(*args, **kwargs):
    """See :func:`ssr_widgets.offline_site.build.build_site` (imported on use: it needs the ``offline`` extra)."""
    from .build import build_site as _build

    return _build(*args, **kwargs)
