"""Stage 4, reporting: grades for the LMS, the cohort report, item analysis and the course evaluation."""
