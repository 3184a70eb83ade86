"""The reference's web app: the five search shapes on PostgreSQL + PostGIS, nothing else.

Same paths and parameters as ours (``/api/v1/services``, ``/hsds/services``), same answers (ids,
totals, order), and a minimal body: total and per hit id, rung and distance. What is not storage
is shared with ours on purpose, so the comparison is one of storage and web stack: the postcode
table (the offline geocoder), reading the words (``understand``) and ranking what they found
(``ranking.match`` and ``rank``). Served by waitress with the same thread count as ours; each
thread keeps its own connection.
"""
from __future__ import annotations

import argparse
import threading
from functools import lru_cache
from typing import Any

import psycopg
from flask import Flask, jsonify, request

from socialekaart.catalog import text as dutch
from socialekaart.catalog.hsds import public_id
from socialekaart.catalog.lexicon import load_lexicon
from socialekaart.catalog.ranking import match, rank
from socialekaart.catalog.records import SearchHit, ServiceRecord
from socialekaart.catalog.service import MAX_CANDIDATES
from socialekaart.catalog.understanding import understand
from socialekaart.places.geocoding import make_geocoder
from socialekaart.shared.config import Settings
from socialekaart.shared.paging import skip_for

# The graph stores' distance on WGS84 points: haversine on a sphere of this radius (metres).
EARTH_RADIUS_M = 6_378_140.0
DISTANCE = ("2 * %(earth)s * asin(sqrt(power(sin(radians(lat - %(lat)s) / 2), 2) + cos(radians(%(lat)s)) "
            "* cos(radians(lat)) * power(sin(radians(lon - %(lon)s) / 2), 2)))")
SERVICE_COLUMNS = "id, name, description, org_name, rung, rung_level, life_domains, target_groups, crisis_24h"


def create_app(dsn: str) -> Flask:
    app = Flask("socialekaart-reference")
    local = threading.local()
    settings = Settings.from_env()
    geocoder = make_geocoder("offline")
    lexicon = load_lexicon(settings.lexicon_path)
    radius_default = settings.search_radius_default

    def cursor() -> psycopg.Cursor:
        if getattr(local, "connection", None) is None or local.connection.closed:
            local.connection = psycopg.connect(dsn, autocommit=True)
        return local.connection.cursor()

    @lru_cache(maxsize=1)
    def region_names() -> tuple[str, ...]:
        with cursor() as cur:
            cur.execute("SELECT DISTINCT name FROM area WHERE kind = 'gemeente' AND name IS NOT NULL")
            return tuple(sorted(row[0] for row in cur.fetchall()))

    def near_areas(lat: float, lon: float) -> list[str]:
        """The buurt the point lies in, its wijk and gemeente (as AreaIndex.place)."""
        with cursor() as cur:
            cur.execute("SELECT b.code, w.code, w.parent_code FROM area b LEFT JOIN area w ON w.code = b.parent_code "
                        "WHERE b.kind = 'buurt' AND ST_Covers(b.geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) "
                        "ORDER BY b.code LIMIT 1", (lon, lat))
            row = cur.fetchone()
        return [c for c in row if c] if row else []

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/api/v1/services")
    def services():
        args = request.args
        page, size = int(args.get("page", 1)), int(args.get("pageSize", 20))
        where: list[str] = []
        params: dict[str, Any] = {"earth": EARTH_RADIUS_M}
        domains = [d for d in args.getlist("lifeDomain") for d in d.split(",") if d]
        if domains:
            where.append("life_domains && %(domains)s")
            params["domains"] = domains
        understood = None
        q = args.get("q")
        if q and q.strip():
            understood = understand(q, lexicon, places=region_names())
            if understood.life_domains or understood.target_groups or understood.terms:
                where.append("(life_domains && %(anyDomains)s OR target_groups && %(anyGroups)s "
                             "OR search_text LIKE ANY(%(anyLikes)s))")
                params.update(anyDomains=understood.life_domains, anyGroups=understood.target_groups,
                              anyLikes=[f"%{v}%" for t in understood.terms for v in dutch.spellings(t)])
            else:
                understood = None
        area = args.get("area") or args.get("gemeente") or args.get("wijk")  # ours takes one `area`
        if area:
            above = [area] if area.startswith("GM") else [area, f"GM{area[2:6]}"]
            column = "gemeente_code" if area.startswith("GM") else "wijk_code"
            where.append(f"({column} = %(area)s OR serves && %(above)s OR serves_inside && %(areaList)s)")
            params.update(area=area, above=above, areaList=[area])
        point = None
        if args.get("postcode"):
            found = geocoder.locate(args["postcode"])
            point = (found.lat, found.lon)
        select = f"{SERVICE_COLUMNS}, NULL::float8 AS effective"
        if point is not None:
            radius = int(args.get("radius") or radius_default)
            params.update(lat=point[0], lon=point[1], radius=radius, near=near_areas(*point))
            # The GiST index finds the points within reach (a little wider: the exact test is the stores'
            # haversine below); the werkgebied overlap finds the services serving the place.
            where.append("(serves && %(near)s OR (ST_DWithin(geog, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)"
                         "::geography, %(radius)s * 1.01 + 10, false) "
                         f"AND {DISTANCE} <= %(radius)s))")
            select = (f"{SERVICE_COLUMNS}, CASE WHEN serves && %(near)s THEN 0.0 "
                      f"WHEN lat IS NULL THEN NULL ELSE {DISTANCE} END AS effective")
        condition = f"WHERE {' AND '.join(where)}" if where else ""
        order = "ORDER BY rung_level, effective, name, id"
        with cursor() as cur:
            if understood is not None:
                # As ours: the lightest candidates, then ranked by how well they match.
                cur.execute(f"SELECT {select} FROM service {condition} {order} LIMIT {MAX_CANDIDATES}", params)
                hits = [_hit(row, understood) for row in cur.fetchall()]
                ranked = rank(hits, understood, "licht")
                total, start = len(ranked), skip_for(page, size)
                shown = [(h.service, h.distance) for h in ranked[start:start + size]]
            else:
                cur.execute(f"SELECT count(*) FROM service {condition}", params)
                total = cur.fetchone()[0]
                params.update(skip=skip_for(page, size), limit=size)
                cur.execute(f"SELECT {select} FROM service {condition} {order} OFFSET %(skip)s LIMIT %(limit)s",
                            params)
                shown = [(_service(row), row[-1]) for row in cur.fetchall()]
        results = [{"id": s.id, "rung": s.rung, "distance": round(d) if d is not None else None}
                   for s, d in shown]
        return jsonify({"total": total, "page": page, "pageSize": size, "results": results})

    @app.get("/hsds/services")
    def hsds_services():
        page, size = int(request.args.get("page", 1)), int(request.args.get("per_page", 50))
        with cursor() as cur:
            cur.execute("SELECT count(*) FROM service")
            total = cur.fetchone()[0]
            cur.execute("SELECT id, name FROM service ORDER BY rung_level, name, id OFFSET %s LIMIT %s",
                        (skip_for(page, size), size))
            contents = [{"id": public_id("service", row[0]), "name": row[1]} for row in cur.fetchall()]
        pages = max(1, -(-total // size))
        return jsonify({"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
                        "contents": contents})

    return app


def _service(row: tuple) -> ServiceRecord:
    keys = ("id", "name", "description", "org_name", "rung", "rung_level", "life_domains", "target_groups",
            "crisis_24h")
    values = dict(zip(keys, row))
    values["life_domains"], values["target_groups"] = tuple(values["life_domains"]), tuple(values["target_groups"])
    return ServiceRecord(**values, organization_id="")  # the reference keeps no organisation ids


def _hit(row: tuple, understood) -> SearchHit:
    service = _service(row)
    distance = row[-1]  # rounded before ranking, as ours (Catalog._hit)
    return SearchHit(service, distance=round(distance) if distance is not None else None,
                     match=match(service, understood))


def main() -> None:
    parser = argparse.ArgumentParser(description="De PostGIS-referentie van de benchmark (alleen om te meten).")
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    from waitress import serve

    serve(create_app(args.dsn), host="127.0.0.1", port=args.port, threads=args.threads, ident=None)


if __name__ == "__main__":
    main()
