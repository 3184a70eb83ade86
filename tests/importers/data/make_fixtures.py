"""Regenerate the import fixtures in this folder from the shipped Zeeland CBS files.

    .venv/bin/python tests/importers/data/make_fixtures.py

- buurt_goes_rd.geojson: three Goes buurten in RD New (EPSG:28992), classic CBS fields.
- statcode_goes.geojson: Goes in cartomap style (statcode/statnaam), with one self-crossing
  polygon (to be repaired) and one line (to be dropped).
- providers_messy_cp1252.csv: Windows-1252, ';', CRLF, mixed labels and a few bad rows.
- providers_bom.csv: UTF-8 with BOM, ',', quoted cells, one bad row.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape

HERE = Path(__file__).resolve().parent
CBS = HERE.parents[2] / "socialekaart" / "data" / "cbs"
RD_BUURTEN = ("BU06640101", "BU06640102", "BU06640103")


def features(layer: str) -> list[dict]:
    return json.loads((CBS / f"{layer}_2015_zeeland.geojson").read_text(encoding="utf-8"))["features"]


def to_rd(geometry: dict) -> dict:
    transformer = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)

    def convert(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([x, y]), 3)

    return mapping(shapely.transform(shape(geometry), convert))


def write_json(name: str, data: dict) -> None:
    (HERE / name).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def rd_file() -> None:
    chosen = [f for f in features("buurt") if f["properties"]["BU_CODE"] in RD_BUURTEN]
    write_json("buurt_goes_rd.geojson", {
        "type": "FeatureCollection", "name": "buurt_2015_goes_rd",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": [{"type": "Feature", "properties": f["properties"], "geometry": to_rd(f["geometry"])}
                     for f in chosen]})


def statcode_file() -> None:
    def feature(code: str, name: str, geometry: dict) -> dict:
        return {"type": "Feature", "properties": {"statcode": code, "statnaam": name, "jrstatcode": f"2015{code}",
                                                  "rubriek": "buurt" if code.startswith("BU") else "wijk"},
                "geometry": geometry}

    gemeente = next(f for f in features("gemeente") if f["properties"]["GM_CODE"] == "GM0664")
    wijk = next(f for f in features("wijk") if f["properties"]["WK_CODE"] == "WK066401")
    buurten = [f for f in features("buurt") if f["properties"]["BU_CODE"] in ("BU06640101", "BU06640102")]
    bow_tie = {"type": "Polygon", "coordinates": [[[3.880, 51.490], [3.900, 51.510], [3.900, 51.490],
                                                   [3.880, 51.510], [3.880, 51.490]]]}
    line = {"type": "LineString", "coordinates": [[3.88, 51.49], [3.89, 51.50]]}
    write_json("statcode_goes.geojson", {"type": "FeatureCollection", "features": [
        feature("GM0664", "Goes", gemeente["geometry"]),
        feature("WK066401", "Goes", wijk["geometry"]),
        *[feature(b["properties"]["BU_CODE"], b["properties"]["BU_NAAM"], b["geometry"]) for b in buurten],
        feature("BU06640103", "Goes-Zuid", bow_tie),
        feature("BU06640104", "Goes-West", line),
    ]})


MESSY_HEADER = ("Naam;Organisatie;Soort organisatie;Formeel/Informeel;Trede;Leefgebieden;Doelgroepen;Leeftijd van;"
                "Leeftijd tot;Adres;Postcode;Plaats;Lat;Lon;Werkgebied;Telefoon;E-mail;Website;Openingstijden;Kosten;"
                "Crisishulp;Onafhankelijke Cliëntondersteuning;Vertrouwelijk adres;Laatst gecontroleerd;Opmerking")
MESSY_ROWS = (
    # 2: good; labels, an accented synonym, a postcode to geocode, a website without https://
    'Spreekuur geldzaken;Welzijn Goes;Welzijnsorganisatie;formeel;Algemene voorziening;Geldzaken, Financiën;'
    'Iedereen;;;Markt 1;4461 AB;Goes;;;;0113-123456;info@welzijngoes.example.nl;www.welzijngoes.example.nl;'
    '"ma-vr 09:00-17:00; za 10:00-12:00";Gratis;nee;nee;nee;2026-01-05;eerste regel',
    # 3: good; informal, werkgebied only, codes in capitals, a Dutch date
    'Maatjes Eén tegen eenzaamheid;Buren voor Buren;VRIJWILLIGERSNETWERK;INFORMEEL;informeel;eenzaamheid;'
    'Ouderen | Mantelzorgers;65;;;;;;;gm0664;;;;;;Nee;NEE;nee;1-10-2026;',
    # 4: bad trede and an unknown leefgebied
    'Ruimtehulp;Welzijn Goes;;;zwaar;geld, ruimtevaart;;;;;;;;;GM0664;;;;;;;;;;',
    # 5: unknown postcode and a broken e-mail address
    'Inloop Oost;Welzijn Goes;;;voorliggend;sociaal netwerk;;;;Oostplein 1;4999 ZZ;Goes;;;;;geen-mail;;;;;;;;',
    # 6: good; coordinates with decimal commas, eigen bijdrage, crisis help
    'Crisisopvang;Zorg Plus;Zorgaanbieder;;Maatwerkvoorziening;relaties thuis;slachtoffers van huiselijk geweld;'
    '18;;Geheime straat 9;;;51,5045;3,8897;;;;;24/7;Eigen bijdrage;ja;nee;ja;15-3-2026;',
    # 7: opening hours not understood, an age in words
    'Jongereninloop;Welzijn Goes;;;voorliggend;tijdsbesteding;jeugd;achttien;12;;4461 AB;;;;;;;;'
    'maandag de hele dag;;;;;;',
    # 8: the same service as line 2
    'Spreekuur geldzaken;Welzijn Goes;;;voorliggend;geldzaken;;;;;4461 AB;;;;;;;;;;;;;;',
    # 9: lat without lon
    'Buurtkamer;Welzijn Goes;;;voorliggend;sociaal-netwerk;;;;;;;51,50;;;;;;;;;;;;',
    # 10: the organisation again, with another kind; an unknown wijk; a date in the future
    'Huiswerkhulp;Welzijn Goes;GGZ;;informeel;werk en opleiding;jeugd;6;12;;;;;;WK066499;;;;;;;;;2099-01-01;',
    # 11: empty (only separators): skipped without a word
    ';;;;;;;;;;;;;;;;;;;;;;;;',
)


def messy_csv() -> None:
    text = "\r\n".join((MESSY_HEADER, *MESSY_ROWS)) + "\r\n"
    (HERE / "providers_messy_cp1252.csv").write_bytes(text.encode("cp1252"))


BOM_ROWS = (
    "naam,organisatie,trede,leefgebieden,doelgroepen,postcode,plaats,kosten,openingstijden,e-mail,website,crisishulp",
    '"Koffie-ochtend, elke dinsdag",Buurthuis De Brug,informeel,"sociaal netwerk, tijdsbesteding",ouderen,'
    '4461 HA,Goes,gratis,di 10:00-12:00,,,',
    'Schuldhulp,Gemeente Goes,licht,geldzaken,"mensen met schulden, ouders",4461 EA,Goes,"eigen bijdrage",'
    '"ma, wo en vr 09:00-12:00, 13:00-16:00",schuldhulp@goes.example.nl,https://www.goes.example.nl,nee',
    'Rijbewijs-cursus,Buurthuis De Brug,voorliggend,werk,,4461 HA,Goes,duur,,,ftp://brug.example.nl,misschien',
)


def bom_csv() -> None:
    text = "\n".join(BOM_ROWS) + "\n"
    (HERE / "providers_bom.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


if __name__ == "__main__":
    rd_file()
    statcode_file()
    messy_csv()
    bom_csv()
