"""Stage 4, reporting: grades for the LMS, the cohort report, item analysis, learning gain and the course evaluation."""
