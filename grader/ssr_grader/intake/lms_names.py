"""Map the files of an LMS "download all submissions" zip to learner ids, for ``nbgrader zip_collect``.

Expected names: ``<learner id>_<notebook>.ipynb`` or, when the LMS adds the upload time,
``<learner id>_<YYYY-MM-DDTHH-MM-SS>_<notebook>.ipynb``. A browser's copy suffix
(``quiz (1).ipynb``) is tolerated. When a learner uploaded twice, the newest upload is kept
(by the time in the name, else the file's own time), so a second upload never stops the batch.
Files that match no learner id or no quiz notebook are skipped by nbgrader and listed by the
cohort tool, never silently dropped.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

from nbgrader.plugins import FileNameCollectorPlugin
from traitlets import List, Unicode

__all__ = ["LmsFileNameCollector", "parse_upload_name"]

_NAME = re.compile(
    r"^(?P<student_id>[A-Za-z0-9][A-Za-z0-9.-]*)_"
    r"(?:(?P<timestamp>\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})_)?"
    r"(?P<notebook>.+?)(?: ?\(\d+\))?\.ipynb$"
)


def parse_upload_name(filename: str) -> dict | None:
    """``{"student_id", "notebook", "timestamp"}`` for an upload's base name, or None if it does not fit."""
    m = _NAME.match(os.path.basename(filename))
    if not m:
        return None
    gd = m.groupdict()
    if gd["timestamp"]:
        date, time = gd["timestamp"].split("T")
        gd["timestamp"] = f"{date} {time.replace('-', ':')}"
    return gd


class LmsFileNameCollector(FileNameCollectorPlugin):
    """nbgrader collector plugin for LMS uploads named ``<learner id>_[<time>_]<notebook>.ipynb``."""

    notebooks = List(Unicode(), help="Only collect these notebook file names (default: any .ipynb).").tag(config=True)

    def collect(self, submitted_file: str) -> dict | None:
        if os.path.splitext(submitted_file)[1] not in self.valid_ext:
            return None
        gd = parse_upload_name(submitted_file)
        if gd is None:
            self.log.warning("Not a learner upload (expected <learner id>_<notebook>.ipynb): %s",
                             os.path.basename(submitted_file))
            return None
        file_id = f"{gd['notebook']}.ipynb"
        if self.notebooks and file_id not in self.notebooks:
            self.log.warning("Wrong notebook name %s (expected %s): %s", file_id, " or ".join(self.notebooks),
                             os.path.basename(submitted_file))
            return None
        timestamp = gd["timestamp"] or datetime.fromtimestamp(
            os.path.getmtime(submitted_file), tz=timezone.utc
        ).strftime("%Y-%m-%d %H:%M:%S.%f")
        return {"student_id": gd["student_id"], "file_id": file_id, "timestamp": timestamp}
