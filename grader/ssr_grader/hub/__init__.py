"""The cohort server: hub accounts from the roster, and JupyterHub started with the course's config (``hub/``).

``ssr-trainer hub accounts`` and ``ssr-trainer hub start`` call :mod:`.accounts` and :mod:`.launch`;
:mod:`.auth` is the hub's login, loaded by ``hub/jupyterhub_config.py``.
"""
