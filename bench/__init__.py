"""The scale benchmark: a national data set generator (``bench.generate``), the harness that
measures a real server on it (``bench.run``) and the report with the budget (``bench.report``).

Run it from the project folder with ``make bench`` or ``python -m bench run``; see
docs/performance.md. Nothing in the installed package imports it.
"""
