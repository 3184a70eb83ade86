"""The printable report of the lokale inventarisatie on the hand-built region: it honours the chosen
area and leefgebied, has a map and charts drawn on the server (no tiles, no script), a section on
sources, method and date, and comes as a PDF made on the server whose text is checked here. And
every figure of the dashboard is the same in its data, the API (JSON) and the CSV downloads."""
from __future__ import annotations

import csv
import io
import re

import pytest
from pypdf import PdfReader

from web.pages.session import session_values
from web.reports.classes import LEGEND, per_1000_class
from web.reports.figures import per_1000_text

# Hand-computed numbers: without the cell-key noise (conftest.no_noise).
pytestmark = pytest.mark.usefixtures("without_noise")

REPORT = "/api/v1/coverage/report?area=GM0001&lifeDomain=geldzaken"


def get(api, scenario, who: str, path: str):
    return api.get(path, headers=scenario.actors[who].headers)


def coverage(api, scenario, who: str, query: str) -> dict:
    response = get(api, scenario, who, f"/api/v1/coverage?{query}")
    assert response.status_code == 200
    return response.get_json()


def test_the_report_honours_area_and_leefgebied_with_map_and_charts(api, scenario):
    response = get(api, scenario, "coordinator", REPORT)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<h1>Lokale inventarisatie Gemeente Eerstedorp: Geldzaken</h1>" in html
    # Only that leefgebied: its row in the summary, none of the other thirteen.
    summary = re.search(r'<section aria-labelledby="aanbod">.*?</section>', html, re.S).group(0)
    assert re.findall(r'<th scope="row">([^<]+)</th>', summary) == ["Geldzaken"]
    assert "Sociaal netwerk" not in html and "Opvoeding" not in html

    body = coverage(api, scenario, "coordinator", "area=GM0001&lifeDomain=geldzaken")
    median = body["medians"]["geldzaken"]
    # The map: one path per wijk, coloured by the robust figure against the one median, as the page does.
    svg_map = re.search(r'<svg [^>]*class="kaart".*?</svg>', html, re.S).group(0)
    paths = dict(re.findall(r'<path [^>]*data-gebied="([^"]+)" data-klasse="([^"]+)"', svg_map))
    expected = {c["area"]["code"]: str(per_1000_class(c["records"][0]["supply"]["socialeBasisPer1000Robust"], median))
                for c in body["children"]}
    assert paths == expected == {"WK000101": "3", "WK000102": "3"}  # both at the median: chance, not a finding
    assert "http" not in svg_map.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no tiles, nothing fetched
    # The numbered key says the same as the map, with the API's numbers.
    for child in body["children"]:
        record = child["records"][0]
        row = re.search(rf'<tr data-gebied="{child["area"]["code"]}" data-klasse="([^"]+)">(.*?)</tr>', html, re.S)
        assert row.group(1) == expected[child["area"]["code"]]
        assert per_1000_text(record["supply"]["socialeBasisPer1000Robust"]) in row.group(2)
        assert LEGEND[per_1000_class(record["supply"]["socialeBasisPer1000Robust"], median)] in row.group(2)
    # Two charts: per 1,000 with the median line, and inwoners without supply nearby.
    charts = re.findall(r'<svg [^>]*class="grafiek".*?</svg>', html, re.S)
    assert len(charts) == 2
    assert 'stroke-dasharray="4 3"' in charts[0] and f"mediaan {per_1000_text(median)}" in charts[0]
    assert "1.000 (100%)" in charts[1]  # Wijk Zuid: its 1,000 inwoners have no supply within 1,5 km
    # Sources, method and date.
    text = " ".join(html.split())
    assert "Bronnen, methode en datum" in text and "CBS Wijk- en buurtkaart 2015" in text and "CC BY 4.0" in text
    assert "empirisch Bayes" in text and "Cijfers berekend op 01-11-2026" in text
    assert re.search(r"dit verslag is gemaakt op \d\d-\d\d-\d{4} om \d\d:\d\d", text)
    assert "style=" not in html and "<script" not in html  # works under a strict Content-Security-Policy


def test_without_a_leefgebied_the_report_has_an_overview_chart_and_no_maps(api, scenario):
    html = get(api, scenario, "coordinator", "/api/v1/coverage/report?area=GM0001").get_data(as_text=True)
    assert "<h1>Lokale inventarisatie Gemeente Eerstedorp</h1>" in html
    assert 'class="kaart"' not in html
    chart = re.search(r'<svg [^>]*class="grafiek".*?</svg>', html, re.S).group(0)
    assert chart.count("<rect") == 14  # every leefgebied
    assert "Sociaal netwerk" in chart and "Geldzaken" in chart


def test_the_pdf_report_is_made_on_the_server_and_says_what_the_html_says(api, scenario):
    response = get(api, scenario, "coordinator", REPORT + "&format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="inventarisatie-GM0001-geldzaken.pdf"'
    pdf = PdfReader(io.BytesIO(response.get_data()))
    assert pdf.pages[0].mediabox.width > pdf.pages[0].mediabox.height  # A4 landscape: 842 x 595 points
    assert (round(float(pdf.pages[0].mediabox.width)), round(float(pdf.pages[0].mediabox.height))) == (842, 595)
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Lokale inventarisatie Gemeente Eerstedorp: Geldzaken" in text
    assert "voor het leefgebied Geldzaken" in text
    body = coverage(api, scenario, "coordinator", "area=GM0001&lifeDomain=geldzaken")
    assert f"mediaan {per_1000_text(body['medians']['geldzaken'])}" in text
    for child in body["children"]:
        record = child["records"][0]
        assert child["area"]["displayName"] in text
        assert per_1000_text(record["supply"]["socialeBasisPer1000Robust"]) in text
    assert "1.000 (100%)" in text
    assert "Bronnen, methode en datum" in text and "CBS Wijk- en buurtkaart 2015" in text and "CC BY 4.0" in text
    assert "Cijfers berekend op 01-11-2026" in text and "Marshall 1991" in text


@pytest.mark.parametrize("query, field", [("format=docx", "format"), ("lifeDomain=zwemmen", "lifeDomain"),
                                          ("area=GM0001%3Cscript%3E", "area")])
def test_bad_report_requests_get_a_clear_problem(api, scenario, query, field):
    response = get(api, scenario, "coordinator", f"/api/v1/coverage/report?{query}")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["title"] == "Ongeldige invoer" and field in str(body)


def test_a_coordinator_gets_no_report_of_another_gemeente(api, scenario):
    for fmt in ("html", "pdf"):
        response = get(api, scenario, "coordinator", f"/api/v1/coverage/report?area=GM0002&format={fmt}")
        assert response.status_code == 403 and response.mimetype == "application/problem+json"


def signed_in(api, scenario, who: str):
    with api.session_transaction() as session:
        session.clear()
        session.update(session_values(scenario.actors[who].principal))
    return api


def test_the_dashboard_downloads_the_report_of_its_leefgebied_as_html_and_pdf(api, scenario):
    signed_in(api, scenario, "coordinator")
    html = api.get("/inventarisatie/download/rapport.html?gebied=GM0001&leefgebied=opvoeding").get_data(as_text=True)
    assert "<h1>Lokale inventarisatie Gemeente Eerstedorp: Opvoeding</h1>" in html and "Geldzaken" not in html
    pdf = api.get("/inventarisatie/download/rapport.pdf?gebied=GM0001&leefgebied=opvoeding")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "Opvoeding" in text and "Geldzaken" not in text
    assert api.get("/inventarisatie/download/rapport.pdf?gebied=GM0002").status_code == 403


# -- page, JSON and CSV: the same numbers ------------------------------------------------------------------

def csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # Excel reads UTF-8 with a BOM
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def nl(value) -> str:
    """A figure as the CSV writes it: decimal comma, no trailing zeros."""
    return "" if value is None else f"{value:g}".replace(".", ",") if isinstance(value, float) else str(value)


@pytest.mark.parametrize("area, domain", [("GM0001", "geldzaken"), ("WK000101", "sociaal-netwerk")])
def test_every_figure_of_the_page_is_the_same_in_the_api_and_the_csv(api, scenario, area, domain):
    signed_in(api, scenario, "coordinator")
    page = api.get(f"/inventarisatie/gegevens?gebied={area}&leefgebied={domain}").get_json()
    api_json = coverage(api, scenario, "coordinator", f"area={area}&lifeDomain={domain}")
    assert page["coverage"] == api_json  # what the page draws is what the API gives
    api_csv = csv_rows(get(api, scenario, "coordinator", f"/api/v1/coverage?area={area}&lifeDomain={domain}"
                                                         f"&format=csv").get_data(as_text=True))
    page_csv = [r for r in csv_rows(api.get(f"/inventarisatie/download/cijfers.csv?gebied={area}").get_data(
        as_text=True)) if r["leefgebied"] == domain]
    assert page_csv == api_csv
    median = api_json["medians"][domain]
    rows = [(api_json["area"], api_json["summary"][0])] + [(c["area"], c["records"][0]) for c in api_json["children"]]
    assert [r["gebied"] for r in api_csv] == [a["code"] for a, _ in rows]
    for (area_ref, record), row in zip(rows, api_csv):
        by_rung = record["supply"]["byRung"]
        # The columns of the page's table, the map's figure, the charts and the median line.
        assert row["inwoners"] == nl(record["population"])
        assert row["inwoners in de doelgroep"] == nl(record["relevantPopulation"])
        assert int(row["informele hulp: formeel"]) + int(row["informele hulp: informeel"]) + int(
            row["eigen kracht en netwerk: formeel"]) + int(row["eigen kracht en netwerk: informeel"]) == (
            by_rung["informeel"]["formal"] + by_rung["informeel"]["informal"] + by_rung["eigen-kracht"]["formal"]
            + by_rung["eigen-kracht"]["informal"])
        assert int(row["algemene voorziening: formeel"]) + int(row["algemene voorziening: informeel"]) == (
            by_rung["voorliggend"]["formal"] + by_rung["voorliggend"]["informal"])
        assert row["sociale basis per 1000 (robuust)"] == nl(record["supply"]["socialeBasisPer1000Robust"])
        assert row["sociale basis per 1000"] == nl(record["supply"]["socialeBasisPer1000"])
        assert row["aandeel inwoners buiten bereik"] == nl(record["reach"]["sociale-basis"]["shareBeyond"])
        assert row["inwoners buiten bereik"] == nl(record["reach"]["sociale-basis"]["inwonersBeyond"])
        referrals = record["need"]["referrals"]
        assert row["doorverwijzingen"] == ("<5" if referrals is None else str(referrals))
        assert row["knelpunten"] == str(record["gaps"])
        assert row["mediaan sociale basis per 1000 (robuust), wijken in de regio"] == nl(median)
    # The gap list of the page is the top of the API's, and of the CSV.
    gaps = get(api, scenario, "coordinator", f"/api/v1/gaps?area={area}&lifeDomain={domain}").get_json()
    assert page["gaps"]["items"] == gaps["items"][:10] and page["gaps"]["total"] == gaps["total"]
    gaps_csv = csv_rows(get(api, scenario, "coordinator", f"/api/v1/gaps?area={area}&lifeDomain={domain}"
                                                          f"&format=csv").get_data(as_text=True))
    assert [(r["gebied"], r["toelichting"]) for r in gaps_csv] == [(g["areaCode"], g["explanation"])
                                                                   for g in gaps["items"]]
    # The map's GeoJSON carries the same figures as the table.
    features = {f["id"]: f["properties"] for f in page["map"]["features"]}
    for child in api_json["children"]:
        assert features[child["area"]["code"]]["socialeBasisPer1000Robust"] == \
            child["records"][0]["supply"]["socialeBasisPer1000Robust"]


def test_the_pdf_fetcher_reads_only_the_apps_own_static_files(tmp_path):
    from web.reports.pdf import static_file

    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("body{}")
    assert static_file(str(tmp_path), "http://127.0.0.1/static/css/a.css") == tmp_path / "css" / "a.css"
    for url in ("https://tiles.example.org/1/2/3.png", "http://127.0.0.1/static/../secret", "file:///etc/passwd",
                "http://127.0.0.1/static/css/missing.css"):
        with pytest.raises(ValueError):
            static_file(str(tmp_path), url)


def test_the_colour_classes_are_those_of_the_page():
    median = 2.0
    assert [per_1000_class(v, median) for v in (None, 0, 0.99, 1.0, 1.99, 2.0, 2.99, 3.0)] == \
        ["leeg", 0, 1, 2, 2, 3, 3, 4]
    assert per_1000_class(5.0, None) == 2  # no median: the middle class, as the page does


def test_the_server_drawn_map_escapes_names_and_skips_areas_without_a_boundary():
    from web.reports.svg_map import MapArea, area_map

    square = {"type": "MultiPolygon", "coordinates": [[[[3.5, 51.3], [3.6, 51.3], [3.6, 51.4], [3.5, 51.3]]]]}
    svg = area_map([MapArea(1, "WK000101", '<script>alert("x")</script>', square, 4),
                    MapArea(2, "WK000102", "Zonder grens", None, "leeg")], "Kaart & uitleg")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Kaart &amp; uitleg" in svg
    assert svg.count("<path ") == 1 and 'fill="#2f7d4a"' in svg and ">1</text>" in svg
    assert area_map([MapArea(1, "WK000102", "Zonder grens", None, "leeg")], "leeg") == ""
