"""Stage 3, grading: answers taken from a submission, the trusted quiz rebuilt with them, nbgrader's autograde."""
