"""Stage 1, the quiz: the item bank, the nbgrader source notebook, the released quiz and evaluation."""
