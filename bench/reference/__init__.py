"""The PostgreSQL + PostGIS reference of the benchmark (issue 19 §1): a measuring instrument, not a
product path. The same services, loaded from our own exports into a private PostgreSQL 15 cluster
with PostGIS 3, served by a minimal Flask app on waitress, answering the five search shapes with
the same answers; ``bench.run`` checks that before it times anything, then measures both in turn.
"""
