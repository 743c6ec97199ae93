"""nbgrader configuration for the SSR course (course directory: this folder). No secrets here."""

import os

import nbgrader

import ssr_grader.grading

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "ssr-intro"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Releasing: the answer line stays ("answer_s07 = \"\""), the solution block goes.
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "Write your answer here."

# Autograding: nbgrader runs the trusted quiz with the learner's literal answers and nothing else
# (ssr-trainer collect already writes only such notebooks; TrustedQuizOnly makes plain
# `nbgrader autograde` safe too), in an empty folder, with a time limit and capped output.
c.Autograde.sanitize_preprocessors = [
    "ssr_grader.grading.hooks.TrustedQuizOnly",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "ssr_grader.grading.hooks.ExecuteInEmptyFolder",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.OverwriteCells.add_missing_cells = True
c.Execute.timeout = 60
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 20

# Learner text is text: formgrader and the feedback HTML drop any HTML that got into a notebook.
c.HTMLExporter.sanitize_html = True

# `nbgrader export` writes properly quoted CSV, with spreadsheet formulas neutralised.
c.ExportApp.plugin_class = "ssr_grader.reports.export.SafeCsvExportPlugin"

# Feedback: the learner's answer and every option's rationale, never the hidden test code.
c.GenerateFeedback.preprocessors = [
    "ssr_grader.grading.hooks.ExplainInFeedback",
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# nbgrader's feedback template for every learner; for a French learner (the roster's language) its copy in
# ssr_grader/grading/templates/feedback with nbgrader's headings ("Student's answer", "Score", "Comments", ...)
# in French and <html lang="fr">. nbgrader's folder comes first, so an English learner's page is nbgrader's own.
# Only for the exporter of nbgrader's feedback step (traitlets' nested section: GenerateFeedback makes its
# HTMLExporter with parent=self): formgrader makes its own HTMLExporter from this file's config, and with the
# template set on HTMLExporter itself, its hand-grading page would be this feedback page instead of formgrade's.
c.GenerateFeedback.HTMLExporter.extra_template_basedirs = [
    os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates"),
    os.path.join(os.path.dirname(ssr_grader.grading.__file__), "templates"),
]
c.GenerateFeedback.HTMLExporter.template_file = "ssr_feedback.html.j2"

# LMS downloads are collected by `ssr-trainer collect --zip` (identity from the LMS's own part of
# each path, see ssr_grader/intake/lms/), not by `nbgrader zip_collect`, which trusts file names.

# The exchange (release -> fetch -> submit -> collect); the cohort tool can override it.
c.Exchange.root = os.environ.get("SSR_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True
