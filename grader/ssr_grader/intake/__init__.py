"""Stage 2, taking submissions in: the roster, LMS downloads and the exchange.

Everything that arrives here is hostile input. Identity comes from the LMS's own part of a path
or from the account that owns a file, never from a name the learner chose.
"""
