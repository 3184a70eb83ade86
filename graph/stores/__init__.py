"""One store per context, each implementing that context's ports in Cypher (``conformance`` has mypy
check it): ``catalog`` (+ ``search``, ``snapshots``, ``hsds``), ``referrals``, ``accounts``, ``coverage``;
``bench_data`` writes generated history for the benchmark."""
