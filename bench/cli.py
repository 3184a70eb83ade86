"""``python -m bench ...``: make a national data set and measure the app on it (issue 7).

The benchmark keeps its own data dir (``var/bench`` by default) and graph names, so it never
touches the store the app uses. With ``SOCIALEKAART_GRAPH_URL`` set to a Neo4j or remote
FalkorDB server it runs against that instead.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import click

DEFAULT_DATA_DIR = Path("var/bench")


@click.group("bench")
def bench_group() -> None:
    """Benchmark op landelijke schaal: gegevens maken en meten."""


@bench_group.command("generate")
@click.option("--services", "n_services", default=100_000, show_default=True, type=click.IntRange(1, 2_000_000))
@click.option("--referrals", "m_referrals", default=1_000_000, show_default=True,
              type=click.IntRange(0, 20_000_000))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA_DIR,
              show_default=True, help="Gegevensmap van de ingebouwde FalkorDB voor de benchmark.")
@click.option("--graph", "graph_name", default=None, help="Naam van de graph (standaard afgeleid van N, M en seed).")
@click.option("--keep/--replace", default=False, help="Een bestaande graph met deze naam laten staan.")
def generate_command(n_services: int, m_referrals: int, seed: int, data_dir: Path, graph_name: str | None,
                     keep: bool) -> None:
    """Maak een landelijke sociale kaart met N voorzieningen en M doorverwijzingen (deterministisch per seed)."""
    from bench.run import bench_runtime, graph_name_for, prepare_graph

    name = graph_name or graph_name_for(n_services, m_referrals, seed)
    runtime = bench_runtime(data_dir, name)
    try:
        manifest = prepare_graph(runtime, n_services=n_services, m_referrals=m_referrals, seed=seed,
                                 reuse=keep, say=click.echo)
    finally:
        runtime.close()
    click.echo(json.dumps({k: manifest[k] for k in ("services", "organizations", "areas", "referrals", "events",
                                                    "seconds")}, indent=2))


def which_graph(command: Callable) -> Callable:
    """The options that say which benchmark graph (size, seed, data dir) and where results go."""
    for option in reversed((
        click.option("--scale", type=float, default=None, envvar="BENCH_SCALE",
                     help="Schaal: 1.0 = 100.000 voorzieningen en 1.000.000 doorverwijzingen (BENCH_SCALE)."),
        click.option("--services", "n_services", type=click.IntRange(1, 2_000_000), default=None,
                     help="N zelf kiezen (gaat voor --scale)."),
        click.option("--referrals", "m_referrals", type=click.IntRange(0, 20_000_000), default=None),
        click.option("--seed", default=1, show_default=True, type=int),
        click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA_DIR,
                     show_default=True),
        click.option("--results", "results_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=Path("bench/results"), show_default=True),
    )):
        command = option(command)
    return command


@bench_group.command("run")
@which_graph
@click.option("--growth/--no-growth", default=True, help="Ook meten bij N/10 en N×3 (en M/10).")
@click.option("--requests", "requests_per_shape", default=None, type=click.IntRange(10, 100_000),
              help="Verzoeken per zoekvorm en per meting (standaard naar schaal).")
@click.option("--reuse/--fresh", default=True, help="Een al gemaakte graph met dezelfde N, M en seed hergebruiken.")
@click.option("--reference/--no-reference", default=True,
              help="De PostgreSQL + PostGIS-referentie ernaast meten (bench/reference/; docs/performance.md).")
@click.option("--note", default=None, help="Een opmerking bij de resultaten, bv. 'rookproef, machine belast'.")
@click.option("--profile/--no-profile", default=False,
              help="Profileer de import en de hiaten (in dit proces) met pyinstrument; naast de resultaten bewaard.")
@click.option("--store", type=click.Choice(["url", "neo4j"]), default="url", show_default=True,
              help="url: de store van SOCIALEKAART_GRAPH_URL (standaard de ingebouwde FalkorDB); neo4j: een eigen "
                   "Neo4j 5.26 onder de gegevensmap (heap 2 GiB, page cache 1,5 GiB), na afloop gestopt.")
def run_command(scale: float | None, n_services: int | None, m_referrals: int | None, seed: int, data_dir: Path,
                results_dir: Path, growth: bool, requests_per_shape: int | None, reuse: bool, reference: bool,
                note: str | None, profile: bool, store: str) -> None:
    """Meet import, zoeken, doorverwijzingen, netwerkcijfers, hiaten en geheugen; schrijf resultaten en tabel."""
    from contextlib import nullcontext

    from bench.run import BenchConfig, own_neo4j, run_bench

    config = BenchConfig.from_scale(scale if scale is not None else 1.0, n_services=n_services,
                                    m_referrals=m_referrals, seed=seed, data_dir=data_dir, results_dir=results_dir,
                                    growth=growth, requests=requests_per_shape, reuse=reuse, profile=profile,
                                    reference=reference, note=note)
    with own_neo4j(data_dir, click.echo) if store == "neo4j" else nullcontext():
        result = run_bench(config, say=click.echo)
    click.echo("")
    click.echo(result["markdown"])
    click.echo(f"Resultaten: {result['path']}")


@bench_group.command("search")
@which_graph
@click.option("--requests", "requests_per_shape", default=None, type=click.IntRange(10, 100_000))
@click.option("--reference/--no-reference", default=True, help="De PostgreSQL + PostGIS-referentie ernaast meten.")
@click.option("--note", default=None)
def search_command(scale: float | None, n_services: int | None, m_referrals: int | None, seed: int, data_dir: Path,
                   results_dir: Path, requests_per_shape: int | None, reference: bool, note: str | None) -> None:
    """Meet alleen de vijf zoekvormen (met de referentie) op een eerder gemaakte benchmarkgraph."""
    from bench.run import BenchConfig, run_search_bench

    config = BenchConfig.from_scale(scale if scale is not None else 1.0, n_services=n_services,
                                    m_referrals=m_referrals, seed=seed, data_dir=data_dir, results_dir=results_dir,
                                    requests=requests_per_shape, reference=reference, note=note)
    try:
        result = run_search_bench(config, say=click.echo)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Resultaten: {result['path']}")


@bench_group.command("demo-gaps")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("var/bench-demo"),
              show_default=True, help="Gegevensmap voor een eigen kopie van de demoregio.")
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 20))
def demo_gaps_command(data_dir: Path, repeat: int) -> None:
    """Meet de knelpuntenanalyse van de hele demoregio (issue 6: seconden, geen minuten)."""
    from bench.gaps import bench_gaps
    from importers.demo.region import demo_region
    from socialekaart.shared.config import Settings
    from web.bootstrap import Runtime

    runtime = Runtime(Settings(data_dir=data_dir, graph_name="bench_demo_gaps", store_timeout_seconds=600))
    try:
        store = runtime.store
        store.connection.delete_graph()
        store.init_schema()
        region = demo_region()
        runtime.catalog.save(areas=region.areas, organizations=region.organizations, services=region.services)
        figures = bench_gaps(runtime, repeat=repeat)
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        click.echo(f"Alle knelpunten van de demoregio: {figures['seconds']:.2f} s (mediaan van {repeat}); "
                   f"grootste gemeente: {figures['gemeente_s']:.2f} s.")
    finally:
        runtime.close(stop_server_we_started=True)
