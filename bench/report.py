"""The benchmark's results: the JSON file, the budget (met or missed) and a Markdown table."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GIB = 1024 ** 3
MIB = 1024 ** 2
SHAPES = ("postcode+radius+leefgebied", "q", "q+place", "area", "hsds-paging")

# (key, what, limit, unit, higher_is_better)
BUDGET = (
    ("search_p95", "zoeken p95, 1 client (elke vorm)", 30.0, "ms", False),
    ("search_rps", "zoeken verzoeken/s, 8 clients (elke vorm)", 300.0, "/s", True),
    ("import_csv", "import CSV, voorzieningen/s", 10_000.0, "/s", True),
    ("import_hsds", "import HSDS, voorzieningen/s", 10_000.0, "/s", True),
    ("transition_p95", "overgang doorverwijzing p95 (8 clients)", 20.0, "ms", False),
    ("inbox_p95", "inbox drukke organisatie p95", 50.0, "ms", False),
    ("network_regio", "netwerkcijfers regio", 1.0, "s", False),
    ("network_country", "netwerkcijfers heel Nederland", 5.0, "s", False),
    ("gaps_country", "alle hiaten heel Nederland", 60.0, "s", False),
    ("store_memory", "geheugen store (FalkorDB piek RSS; Neo4j heap + page cache)", 4.0, "GiB", False),
    # Against the PostgreSQL + PostGIS reference in the same run (issue 19; bench/reference/): ours / theirs.
    ("reference_p95", "zoeken p95 t.o.v. PostGIS-referentie, 1 client (slechtste vorm)", 1.0, "×", False),
    ("reference_rps", "zoeken verzoeken/s t.o.v. PostGIS-referentie, 8 clients (slechtste vorm)", 1.0, "×", True),
)
HIGHER_IS_BETTER = {key for key, _what, _limit, _unit, higher in BUDGET if higher}


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def budget(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each budget line with the measured value and met / missed (None: not measured)."""
    main = result.get("main", {})
    search = main.get("search", {})
    values: dict[str, Any] = {}
    p95s = {s: _get(search, s, "one", "p95_ms") for s in SHAPES if s in search}
    rps = {s: _get(search, s, "eight", "rps") for s in SHAPES if s in search}
    values["search_p95"] = (max((v for v in p95s.values() if v is not None), default=None), p95s)
    values["search_rps"] = (min((v for v in rps.values() if v is not None), default=None), rps)
    values["import_csv"] = (_get(main, "import", "csv", "servicesPerSecond"), None)
    values["import_hsds"] = (_get(main, "import", "hsds", "servicesPerSecond"), _get(main, "import", "hsds", "skipped"))
    values["transition_p95"] = (_get(main, "referrals", "transitions", "p95_ms"), None)
    values["inbox_p95"] = (_get(main, "referrals", "inbox", "p95_ms"), None)
    network = main.get("network", {})
    values["network_regio"] = (_slowest(network, "regio"), None)
    values["network_country"] = (_slowest(network, "country"), None)
    gaps = main.get("gaps", {})
    values["gaps_country"] = (gaps.get("country_s", gaps.get("seconds")), None)
    peak = _get(main, "memory", "store", "peak")
    values["store_memory"] = (round(peak / GIB, 2) if peak else None, None)
    p95_ratios = {s: _get(search, s, "ratios", "p95") for s in SHAPES if _get(search, s, "ratios", "p95") is not None}
    rps_ratios = {s: _get(search, s, "ratios", "rps") for s in SHAPES if _get(search, s, "ratios", "rps") is not None}
    values["reference_p95"] = (max(p95_ratios.values(), default=None), p95_ratios or _get(main, "reference", "skipped"))
    values["reference_rps"] = (min(rps_ratios.values(), default=None), rps_ratios or _get(main, "reference", "skipped"))
    lines = []
    for key, what, limit, unit, higher in BUDGET:
        value, detail = values[key]
        met = None if value is None else (value >= limit if higher else value <= limit)
        lines.append({"key": key, "what": what, "limit": limit, "unit": unit, "value": value, "met": met,
                      "detail": detail})
    return lines


def _slowest(network: dict[str, Any], scope: str) -> float | None:
    """The slowest of the figures (total, per gemeente) for a scope, median over repeats."""
    found = [v.get("median_s") for k, v in network.items() if k.startswith(f"{scope}:") and k != f"{scope}:flows"
             and isinstance(v, dict)]
    found = [v for v in found if v is not None]
    return max(found) if found else None


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:,.1f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"
    else:
        text = f"{value:,}"
    return f"{text} {unit}".strip()


def markdown(result: dict[str, Any]) -> str:
    cfg, machine, main = result["config"], result["machine"], result.get("main", {})
    full = cfg["n"] == 100_000 and cfg["m"] == 1_000_000
    out = [f"### Benchmark {result['date'][:10]} — {result['backend']}, N = {cfg['n']:,} voorzieningen, "
           f"M = {cfg['m']:,} doorverwijzingen",
           "",
           f"Machine: {machine['cores']} cores, {_fmt(round((machine.get('memoryBytes') or 0) / GIB, 1), 'GiB')}; "
           f"load (1/5/15 min) bij de start {machine['loadavg']}, aan het eind {machine.get('loadavgAfter')}. "
           f"Zoeken: {cfg['requestsPerShape']} verzoeken per vorm met 1 client na {cfg.get('warmup', 10)} "
           "opwarmverzoeken, "
           f"{cfg['requestsPerShape'] * 3} met 8 clients (elk een eigen keep-alive-verbinding), "
           f"hoogstens {cfg['timeCapSeconds']:.0f} s per meting; waitress met 8 threads op 127.0.0.1.",
           ""]
    if not full:
        out += ["*Niet op volle schaal: het budget geldt voor N = 100.000 en M = 1.000.000.*", ""]
    if result.get("note"):
        out += [f"*{result['note']}*", ""]
    out += ["| budget | gemeten | grens | |", "|---|---|---|---|"]
    for line in budget(result):
        mark = {True: "gehaald", False: "**gemist**", None: "niet gemeten"}[line["met"]]
        op = "≥" if line["key"] in HIGHER_IS_BETTER else "≤"
        out.append(f"| {line['what']} | {_fmt(line['value'], line['unit'])} | {op} {_fmt(line['limit'], line['unit'])} "
                   f"| {mark} |")
    search = main.get("search", {})
    if search:
        out += ["", "| zoekvorm | p50 | p95 | p99 | verzoeken/s (1) | p95 (8) | verzoeken/s (8) | fouten |",
                "|---|---|---|---|---|---|---|---|"]
        for shape in SHAPES:
            one, eight = _get(search, shape, "one") or {}, _get(search, shape, "eight") or {}
            out.append(f"| {shape} | {_fmt(one.get('p50_ms'), 'ms')} | {_fmt(one.get('p95_ms'), 'ms')} | "
                       f"{_fmt(one.get('p99_ms'), 'ms')} | {_fmt(one.get('rps'))} | "
                       f"{_fmt(eight.get('p95_ms'), 'ms')} | "
                       f"{_fmt(eight.get('rps'))} | {(one.get('errors') or 0) + (eight.get('errors') or 0)} |")
    out += reference_lines(main)
    referrals = main.get("referrals", {})
    if referrals.get("transitions"):
        t, i = referrals["transitions"], referrals.get("inbox", {})
        out += ["", f"Doorverwijzingen: {t['requests']} overgangen met 8 clients: p50 {_fmt(t['p50_ms'], 'ms')}, "
                    f"p95 {_fmt(t['p95_ms'], 'ms')}, p99 {_fmt(t['p99_ms'], 'ms')}, "
                    f"{_fmt(t['transitionsPerSecond'])} overgangen/s ({t['errors']} fouten). "
                    f"Inbox van de drukste ontvanger ({_fmt(i.get('received'))} ontvangen): "
                    f"p50 {_fmt(i.get('p50_ms'), 'ms')}, p95 {_fmt(i.get('p95_ms'), 'ms')} "
                    f"({i.get('requests')} verzoeken, 1 client)."]
    network = main.get("network", {})
    if network and "skipped" not in network:
        out += ["", "| netwerkcijfers (mediaan van herhalingen) | regio | heel Nederland |", "|---|---|---|"]
        for kind in ("total", "gemeente", "flows"):
            out.append(f"| {kind} | {_fmt(_get(network, f'regio:{kind}', 'median_s'), 's')} | "
                       f"{_fmt(_get(network, f'country:{kind}', 'median_s'), 's')} |")
    gaps = main.get("gaps", {})
    if gaps:
        out += ["", f"Hiaten ({gaps.get('via')}): één gemeente {_fmt(gaps.get('gemeente_s'), 's')}, "
                    f"heel Nederland {_fmt(gaps.get('country_s', gaps.get('seconds')), 's')} "
                    f"({gaps.get('countryGaps', '?')} hiaten)."]
    memory = main.get("memory", {})
    if memory:
        web, store = memory.get("web", {}), memory.get("store", {})
        if store.get("heap_max") is not None:  # Neo4j: heap plus page cache as configured
            out += ["", f"Geheugen: webproces piek {_fmt(_mib(web.get('peak')), 'MiB')}; Neo4j heap (max) "
                        f"{_fmt(_mib(store.get('heap_max')), 'MiB')} + page cache "
                        f"{_fmt(_mib(store.get('pagecache')), 'MiB')} = {_fmt(_mib(store.get('peak')), 'MiB')} "
                        f"(heap in gebruik {_fmt(_mib(store.get('heap_used')), 'MiB')})."]
        else:
            out += ["", f"Geheugen: webproces piek {_fmt(_mib(web.get('peak')), 'MiB')}; store piek "
                        f"{_fmt(_mib(store.get('peak')), 'MiB')}, nu {_fmt(_mib(store.get('rss')), 'MiB')} "
                        f"(FalkorDB used_memory {_fmt(_mib(store.get('used_memory')), 'MiB')}; deze graph volgens "
                        f"GRAPH.MEMORY USAGE {_fmt(_mib(memory.get('graphBytes')), 'MiB')})."]
    data = main.get("data", {})
    imp = main.get("import", {})
    if data:
        out += ["", f"Gegevens: {_fmt(data.get('services'))} voorzieningen, "
                    f"{_fmt(data.get('organizations'))} organisaties, "
                    f"{_fmt(data.get('areas'))} gebieden, {_fmt(data.get('referrals'))} doorverwijzingen met "
                    f"{_fmt(data.get('events'))} gebeurtenissen; gemaakt in "
                    f"{_fmt(_get(data, 'seconds', 'total'), 's')} "
                    f"({_fmt(data.get('servicesPerSecond'))} voorzieningen/s via Catalog.save, "
                    f"{_fmt(data.get('referralsPerSecond'))} doorverwijzingen/s in bulk)"
                    + (", hergebruikt" if data.get("reused") else "") + "."]
    if imp.get("csv"):
        size = _fmt(round(imp.get('csvBytes', 0) / MIB, 1), 'MiB')
        hsds = _get(imp, 'hsds', 'skipped') or _fmt(_get(imp, 'hsds', 'servicesPerSecond'), '/s')
        out.append(f"Import: {_fmt(imp['csv']['services'])} voorzieningen uit CSV ({size}) "
                   f"in {_fmt(imp['csv']['seconds'], 's')}; HSDS: "
                   f"{hsds}.")
    points = [main, *result.get("growth", [])]
    points = sorted((p for p in points if p.get("search")), key=lambda p: (p["n"], p["m"]))
    if len(points) > 1:
        out += ["", "| groei: N / M | zoeken p95 (slechtste vorm, 1 client) | netwerk regio | netwerk NL "
                    "| graph in de store |",
                "|---|---|---|---|---|"]
        for p in points:
            worst = max((_get(p, "search", s, "one", "p95_ms") or 0 for s in SHAPES), default=None)
            worst_shape = max(SHAPES, key=lambda s: _get(p, "search", s, "one", "p95_ms") or 0)
            out.append(f"| {p['n']:,} / {p['m']:,} | {_fmt(worst, 'ms')} ({worst_shape}) | "
                       f"{_fmt(_slowest(p.get('network', {}), 'regio'), 's')} | "
                       f"{_fmt(_slowest(p.get('network', {}), 'country'), 's')} | "
                       f"{_fmt(_mib(_get(p, 'memory', 'graphBytes')), 'MiB')} |")
    out.append("")
    out.append(f"Duur van de hele run: {_fmt(result.get('seconds'), 's')}.")
    return "\n".join(out)


def reference_lines(main: dict[str, Any]) -> list[str]:
    """The PostGIS reference: skipped (why), or per shape its figures and ours / theirs."""
    reference = main.get("reference")
    if not reference:
        return []
    if reference.get("skipped"):
        return ["", f"PostGIS-referentie overgeslagen: {reference['skipped']}."]
    check = reference.get("check") or {}
    compared = sum(v["compared"] for v in check.values() if isinstance(v, dict))
    out = ["", f"PostGIS-referentie ({str(reference.get('postgres', '')).split(' on ')[0]}, PostGIS "
               f"{reference.get('postgis')}; {_fmt(_get(reference, 'load', 'services'))} voorzieningen uit onze "
               f"exports in {_fmt(_get(reference, 'load', 'seconds'), 's')}): antwoorden "
               f"{'gelijk' if check.get('equal') else 'niet gecontroleerd'} ({compared} verzoeken vergeleken: "
               "totaal, ids en treden). Verhouding = ons / referentie, in dezelfde run om en om gemeten.",
           "", "| zoekvorm | p95 (1) ons | p95 (1) referentie | verhouding p95 (≤ 1,0) | verzoeken/s (8) ons "
               "| verzoeken/s (8) referentie | verhouding verzoeken/s (≥ 1,0) |",
           "|---|---|---|---|---|---|---|"]
    for shape in SHAPES:
        search = _get(main, "search", shape) or {}
        if "reference" not in search:
            continue
        ours, theirs, ratio = search, search["reference"], search.get("ratios", {})
        out.append(f"| {shape} | {_fmt(_get(ours, 'one', 'p95_ms'), 'ms')} | "
                   f"{_fmt(_get(theirs, 'one', 'p95_ms'), 'ms')} | {_fmt(ratio.get('p95'), '×')} | "
                   f"{_fmt(_get(ours, 'eight', 'rps'))} | "
                   f"{_fmt(_get(theirs, 'eight', 'rps'))} | {_fmt(ratio.get('rps'), '×')} |")
    return out


def _mib(value: int | None) -> float | None:
    return None if not value else round(value / MIB, 1)


def results_name(result: dict[str, Any]) -> str:
    cfg = result["config"]
    suffix = "" if cfg["n"] == 100_000 and cfg["m"] == 1_000_000 else f"-n{cfg['n']}-m{cfg['m']}"
    return f"{result['date'][:10]}-{result['backend']}{suffix}.json"


def write_results(result: dict[str, Any], results_dir: Path) -> dict[str, Any]:
    result["budget"] = budget(result)
    text = markdown(result)
    result["markdown"] = text
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / results_name(result)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {**result, "path": str(path)}
