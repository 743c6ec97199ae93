"""nbgrader on the cohort hub, for every learner's and trainer's server: the shared exchange, found by course.

The hub's config (hub/jupyterhub_config.py) puts this folder on JUPYTER_CONFIG_PATH and sets
SSR_EXCHANGE and SSR_HUB_COURSE for each server.
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = os.environ.get("SSR_HUB_COURSE", "ssr-intro")
c.Exchange.root = os.environ.get("SSR_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True
# A learner's courses are their hub groups (nbgrader-<course>), asked of the hub with their server's token.
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
