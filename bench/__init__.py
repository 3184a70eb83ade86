"""The scale benchmark: a national data set generator (``bench.generate``), the harness that
measures a real server on it (``bench.run``) and the report with the budget (``bench.report``).

Run it with ``make bench`` or ``socialekaart bench run``; see docs/performance.md.
"""
