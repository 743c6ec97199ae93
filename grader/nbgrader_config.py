"""nbgrader configuration for the SSR course (course directory: this folder). No secrets here."""

import os

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "ssr-intro"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Releasing: the answer line stays ("answer_q07 = \"\""), the solution block goes.
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "Write your answer here."

# Autograding: learner-added code never runs; deleted tests come back; no hanging or flooding.
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "ssr_grader.grading.hooks.NeutraliseLearnerCode",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.OverwriteCells.add_missing_cells = True
c.Execute.timeout = 60
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 20

# Feedback: the learner's answer and every option's rationale, never the hidden test code.
c.GenerateFeedback.preprocessors = [
    "ssr_grader.grading.hooks.ExplainInFeedback",
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.ExplainInFeedback.item_bank = os.path.join(c.CourseDirectory.root, "item_bank.yml")

# LMS uploads: "<learner id>_<anything>.ipynb" or "<learner id>_<YYYY-MM-DDTHH-MM-SS>_<anything>.ipynb".
c.ZipCollectApp.collector_plugin = "ssr_grader.intake.lms_names.LmsFileNameCollector"
# The course evaluation travels with the quiz (it is not graded; the cohort tool reads it).
c.LmsFileNameCollector.notebooks = ["end_of_course_quiz.ipynb", "course_evaluation.ipynb"]

# The exchange (release -> fetch -> submit -> collect); the cohort tool can override it.
c.Exchange.root = os.environ.get("SSR_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True
