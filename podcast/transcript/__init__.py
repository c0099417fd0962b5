"""Transcript text -> turns. Pure but for ``read``, the one door that reads a file.

``model`` (Turn, Script), ``lines`` (shared text helpers), ``qa`` (the Q&A parser),
``styles`` (detection and the other parsers), ``notes`` (typo warnings, guesses),
``read`` (reading, decoding and parsing a file).
"""
