"""``python -m bench …`` from the project folder: the benchmark is no part of the installed package."""
from bench.cli import bench_group

bench_group(prog_name="python -m bench")
