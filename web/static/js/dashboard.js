/* Lokale inventarisatie: the coordinator's dashboard. Reads /inventarisatie/gegevens (the signed-in
 * session decides what may be seen), draws the choropleth (Leaflet), the charts (plain SVG), the gap
 * list and the table, and keeps the download links on the chosen area. No inline script or style,
 * no other hosts. */
(function () {
  "use strict";

  var TOP_GAPS_TEXT = "De hele lijst staat in de download 'Knelpunten'.";
  var SVG = "http://www.w3.org/2000/svg";
  var root = document.getElementById("inventarisatie-pagina");
  if (!root) {
    return;
  }
  var dataUrl = root.getAttribute("data-data-url");
  var reachKm = root.getAttribute("data-reach-km");
  var number = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 1 });
  var decimal = new Intl.NumberFormat("nl-NL", { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  var element = function (id) { return document.getElementById(id); };

  // Every view has an address that reproduces it: area, leefgebied, map colour and the gap filter.
  var asked = new URLSearchParams(location.search);
  function fromAddress(params) {
    if (params.get("maat") && element("maat").querySelector("option[value='" + params.get("maat") + "']")) {
      element("maat").value = params.get("maat");
    }
    if (params.has("alleen")) {
      element("alleen-leefgebied").checked = params.get("alleen") !== "0";
    }
    if (params.get("leefgebied") && element("leefgebied").querySelector("option[value='" + params.get("leefgebied") + "']")) {
      element("leefgebied").value = params.get("leefgebied");
    }
  }
  fromAddress(asked);

  var state = {
    area: root.getAttribute("data-start-area") || null,
    domain: element("leefgebied").value,
    measure: element("maat").value,
    onlyDomain: element("alleen-leefgebied").checked,
    request: 0,
    coverage: null,
    geojson: null
  };
  var map = null;
  var layer = null;

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      if (value !== null && value !== undefined && value !== "") {
        parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(value));
      }
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  function say(text, isError) {
    var box = element("melding");
    box.textContent = text || "";
    box.classList.toggle("inv-fout", Boolean(isError));
  }

  // -- loading an area -----------------------------------------------------------------------------

  function fetchData() {
    var params = { gebied: state.area, leefgebied: state.domain, alleenLeefgebied: state.onlyDomain ? "1" : "0" };
    return fetch(dataUrl + query(params), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (!response.ok) {
            throw new Error(body.detail || "De gegevens konden niet geladen worden. Probeer het later opnieuw.");
          }
          return body;
        });
      });
  }

  // push: a choice the user made now (Back returns to the view before it); otherwise the address
  // is only brought up to date (first load, or arriving through Back/Forward).
  function load(focusTitle, push) {
    var ticket = ++state.request;
    say("Gegevens laden ...");
    fetchData().then(function (found) {
      if (ticket !== state.request) {
        return;  // a newer choice was made meanwhile
      }
      state.coverage = found.coverage;
      state.geojson = found.map;
      state.area = found.coverage.area.code;
      say("");
      remember(push);
      renderHeading(found.coverage);
      renderMap();
      renderGaps(found.gaps);
      renderCharts(found.coverage);
      renderTable(found.coverage);
      renderNeeds(found.coverage);
      if (focusTitle) {
        element("gebied-titel").focus();
      }
    }).catch(function (error) {
      if (ticket === state.request) {
        say(error.message, true);
      }
    });
  }

  // The address and the download links follow the choice of area and leefgebied.
  function remember(push) {
    var choice = query({ gebied: state.area, leefgebied: state.domain,
                         maat: state.measure === "per1000" ? "" : state.measure,
                         alleen: state.onlyDomain ? "" : "0" });
    var view = { gebied: state.area };
    if (push && location.search !== choice) {
      history.pushState(view, "", location.pathname + choice);
    } else {
      history.replaceState(view, "", location.pathname + choice);
    }
    Array.prototype.forEach.call(document.querySelectorAll("a.inv-download"), function (link) {
      link.search = choice;
    });
  }

  function goTo(code) {
    state.area = code;
    load(true, true);
  }

  window.addEventListener("popstate", function () {
    var params = new URLSearchParams(location.search);
    fromAddress(params);
    state.area = params.get("gebied") || root.getAttribute("data-start-area") || null;
    state.domain = element("leefgebied").value;
    state.measure = element("maat").value;
    state.onlyDomain = element("alleen-leefgebied").checked;
    load(true, false);
  });

  element("leefgebied").addEventListener("change", function () {
    state.domain = element("leefgebied").value;
    load(false, true);
  });
  element("maat").addEventListener("change", function () {
    state.measure = element("maat").value;
    renderMap();
    remember(true);
  });
  element("alleen-leefgebied").addEventListener("change", function () {
    state.onlyDomain = element("alleen-leefgebied").checked;
    load(false, true);
  });

  // -- heading, breadcrumb, intro --------------------------------------------------------------

  function domainLabel(coverage) {
    var label = coverage.lifeDomains[0].label;
    return label.charAt(0).toLowerCase() + label.slice(1);
  }

  function percent(share) {
    return share === null || share === undefined ? "onbekend" : Math.round(share * 100) + "%";
  }

  function count(value) {
    return value === null ? "<5" : number.format(value);
  }

  function renderHeading(coverage) {
    var crumbs = element("kruimelpad");
    crumbs.textContent = "";
    coverage.path.forEach(function (area) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = area.displayName;
      button.addEventListener("click", function () { goTo(area.code); });
      item.appendChild(button);
      crumbs.appendChild(item);
    });
    var here = document.createElement("li");
    here.textContent = coverage.area.displayName;
    here.setAttribute("aria-current", "page");
    crumbs.appendChild(here);

    var title = element("gebied-titel");
    title.textContent = coverage.area.displayName;
    title.setAttribute("tabindex", "-1");
    var record = coverage.summary[0];
    var supply = record.supply;
    var reach = record.reach["sociale-basis"];
    var parts = [];
    if (coverage.area.population !== null) {
      parts.push(number.format(coverage.area.population) + " inwoners.");
    }
    parts.push("Voor " + domainLabel(coverage) + ": " + supply.socialeBasis + " informele of voorliggende " +
      (supply.socialeBasis === 1 ? "voorziening" : "voorzieningen") +
      (supply.socialeBasisPer1000 !== null ? " (" + decimal.format(supply.socialeBasisPer1000) + " per 1.000)" : "") +
      "; " + percent(reach.shareBeyond) + " van de inwoners heeft dat aanbod niet binnen " + reachKm + " km.");
    if (record.need.referrals) {
      parts.push(number.format(record.need.referrals) + " doorverwijzingen in het afgelopen jaar.");
    } else if (record.need.referrals === null) {
      parts.push("Het aantal doorverwijzingen in het afgelopen jaar wordt niet getoond (minder dan 5, of terug te " +
        "rekenen uit andere aantallen).");
    }
    element("gebied-intro").textContent = parts.join(" ");
  }

  // -- the choropleth -------------------------------------------------------------------------------

  // The one median: the server's, of the robust figures of the wijken in the regio (the same one the
  // gap list and the report quote), never one worked out here over whatever is on screen.
  function theMedian() {
    var medians = state.coverage && state.coverage.medians;
    var value = medians ? medians[state.domain] : null;
    return value === undefined ? null : value;
  }

  // Classes 0 (worst) to 4 (best), "leeg" for no figure; with the legend's words.
  function scale(features) {
    if (state.measure === "bereik") {
      return {
        of: function (p) {
          var share = p.shareBeyondReach;
          if (share === null || share === undefined) { return "leeg"; }
          if (share >= 0.75) { return 0; }
          if (share >= 0.5) { return 1; }
          if (share >= 0.25) { return 2; }
          if (share >= 0.1) { return 3; }
          return 4;
        },
        legend: ["75% of meer", "50 tot 75%", "25 tot 50%", "10 tot 25%", "minder dan 10%"],
        explain: "Aandeel inwoners zonder informeel of voorliggend aanbod binnen " + reachKm + " km."
      };
    }
    var middle = theMedian();
    return {
      of: function (p) {
        var value = p.socialeBasisPer1000Robust;
        if (value === null || value === undefined) { return "leeg"; }
        if (value === 0) { return 0; }
        if (!middle) { return 2; }
        if (value < 0.5 * middle) { return 1; }
        if (value < middle) { return 2; }
        if (value < 1.5 * middle) { return 3; }
        return 4;
      },
      legend: ["geen aanbod", "minder dan de helft van het midden", "onder het midden", "boven het midden",
               "anderhalf keer het midden of meer"],
      explain: "Informele en voorliggende voorzieningen per 1.000 inwoners (robuust: kleine gebieden naar het " +
        "cijfer van hun buurgebieden getrokken), vergeleken met de mediaan van de wijken in de regio" +
        (middle !== null ? " (" + decimal.format(middle) + ")" : "") + "."
    };
  }

  function ensureMap() {
    if (map || typeof L === "undefined") {
      return map;
    }
    map = L.map(element("kaart"), { zoomControl: false, scrollWheelZoom: false, attributionControl: false });
    L.control.zoom({ zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen" }).addTo(map);
    var tiles = root.getAttribute("data-tile-url");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
    }
    return map;
  }

  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function tooltipText(p, klass) {
    var value = state.measure === "bereik"
      ? percent(p.shareBeyondReach) + " zonder aanbod dichtbij"
      : (p.socialeBasisPer1000Robust === null || p.socialeBasisPer1000Robust === undefined ? "geen inwoners bekend"
        : decimal.format(p.socialeBasisPer1000Robust) + " per 1.000 (" + number.format(p.relevantPopulation) + " inwoners)");
    return p.displayName + ": " + value + (klass === 0 && state.measure !== "bereik" ? " (geen aanbod)" : "");
  }

  function renderMap() {
    if (!ensureMap() || !state.geojson) {
      return;
    }
    var features = state.geojson.features.filter(function (f) { return f.geometry; });
    var classes = scale(features);
    if (layer) {
      map.removeLayer(layer);
    }
    var coloured = 0;
    layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: function (feature) {
        var klass = classes.of(feature.properties);
        if (klass !== "leeg") {
          coloured += 1;
        }
        return { className: "inv-klasse-" + klass };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        // A text node, not an HTML string: area names come from imported files.
        shape.bindTooltip(textNode(tooltipText(p, classes.of(p))), { sticky: true, className: "inv-kaartlabel" });
        if (p.kind !== "buurt") {
          shape.on("click", function () { goTo(p.code); });
        }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12], animate: false });
    }
    // Each shape names its area, so a test can hold its colour against the API's figures (the shapes exist
    // once the map has a view: after fitBounds).
    layer.eachLayer(function (shape) {
      var path = shape.getElement && shape.getElement();
      if (path) {
        path.setAttribute("data-gebied", shape.feature.properties.code);
      }
    });
    element("kaart").setAttribute("data-gekleurd", String(coloured));
    element("kaart").setAttribute("aria-label", "Kaart van " + state.coverage.area.displayName + ": " +
      classes.explain);
    element("kaart-uitleg").textContent = classes.explain;
    renderLegend(classes);
  }

  function renderLegend(classes) {
    var legend = element("legenda");
    legend.textContent = "";
    var list = document.createElement("ul");
    list.className = "inv-legenda";
    classes.legend.forEach(function (text, klass) {
      list.appendChild(legendItem("inv-klasse-" + klass, text));
    });
    list.appendChild(legendItem("inv-klasse-leeg", "geen cijfer"));
    legend.appendChild(list);
  }

  function legendItem(className, text) {
    var item = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "inv-vakje " + className;
    swatch.setAttribute("aria-hidden", "true");
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(text));
    return item;
  }

  // -- the gaps -----------------------------------------------------------------------------------

  function renderGaps(gaps) {
    var list = element("knelpunten");
    list.textContent = "";
    gaps.items.forEach(function (gap) {
      var item = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "inv-knelpunt-soort";
      kind.textContent = gap.indicatorLabel;
      item.appendChild(kind);
      item.appendChild(document.createTextNode(gap.explanation));
      list.appendChild(item);
    });
    var more = element("knelpunten-meer");
    if (!gaps.total) {
      more.textContent = "Geen knelpunten gevonden in dit gebied.";
    } else if (gaps.total > gaps.items.length) {
      more.textContent = gaps.total + " knelpunten in totaal; hier de " + gaps.items.length + " ernstigste. " +
        TOP_GAPS_TEXT;
    } else {
      more.textContent = gaps.total === 1 ? "1 knelpunt." : gaps.total + " knelpunten.";
    }
  }

  // -- charts: plain SVG ---------------------------------------------------------------------------

  function svgElement(name, attributes, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function barChart(target, rows, barClass, format, line) {
    var holder = element(target);
    holder.textContent = "";
    var width = 480;
    var labelWidth = 170;
    var valueWidth = 70;
    var rowHeight = 24;
    var height = Math.max(1, rows.length) * rowHeight + 10;
    var max = Math.max.apply(null, rows.map(function (r) { return r.value || 0; }).concat([line || 0, 0.0001]));
    var scaleX = function (v) { return (width - labelWidth - valueWidth) * v / max; };
    var svg = svgElement("svg", { viewBox: "0 0 " + width + " " + height, role: "img" });
    svg.appendChild(svgElement("title", {}, element(target).parentNode.querySelector("figcaption").textContent));
    rows.forEach(function (row, i) {
      var y = 5 + i * rowHeight;
      svg.appendChild(svgElement("text", { x: labelWidth - 8, y: y + 16, "text-anchor": "end" },
        row.label.length > 24 ? row.label.slice(0, 23) + "\u2026" : row.label));
      var bar = svgElement("rect", { x: labelWidth, y: y + 3, height: rowHeight - 8,
                                     width: Math.max(0, scaleX(row.value || 0)), "class": barClass });
      bar.appendChild(svgElement("title", {}, row.label + ": " + format(row.value)));
      svg.appendChild(bar);
      svg.appendChild(svgElement("text", { x: labelWidth + scaleX(row.value || 0) + 6, y: y + 16 },
        format(row.value)));
    });
    svg.appendChild(svgElement("line", { x1: labelWidth, x2: labelWidth, y1: 0, y2: height, "class": "inv-as" }));
    if (line) {
      svg.appendChild(svgElement("line", { x1: labelWidth + scaleX(line), x2: labelWidth + scaleX(line), y1: 0,
                                           y2: height, "class": "inv-mediaan" }));
    }
    holder.appendChild(svg);
  }

  function areaRows(coverage) {
    var shown = coverage.children.length ? coverage.children : [{ area: coverage.area, records: coverage.summary }];
    return shown.map(function (child) {
      return { area: child.area, record: child.records[0] };
    });
  }

  function renderCharts(coverage) {
    var rows = areaRows(coverage);
    var supply = rows.map(function (r) {
      return { label: shortName(r.area) + " (" + (r.record.relevantPopulation === null ? "?"
        : number.format(r.record.relevantPopulation)) + ")", value: r.record.supply.socialeBasisPer1000Robust };
    });
    barChart("grafiek-aanbod", supply, "inv-staaf-aanbod", function (v) {
      return v === null ? "geen inwoners" : decimal.format(v);
    }, theMedian());
    var need = rows.map(function (r) {
      return { label: shortName(r.area), value: r.record.reach["sociale-basis"].inwonersBeyond };
    });
    barChart("grafiek-behoefte", need, "inv-staaf-behoefte", function (v) { return number.format(v || 0); }, null);
  }

  function shortName(area) {
    return area.displayName.replace(/^(Wijk|Buurt|Gemeente|Regio) /, "").replace(/ \([^)]*\)$/, "");
  }

  // -- the table and the inventarisatie figures ---------------------------------------------------

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  function renderTable(coverage) {
    var body = element("gebieden").querySelector("tbody");
    body.textContent = "";
    areaRows(coverage).forEach(function (entry) {
      var record = entry.record;
      var row = document.createElement("tr");
      if (record.supply.socialeBasis === 0) {
        row.className = "inv-dun";
      }
      var head = document.createElement("th");
      head.scope = "row";
      if (entry.area.kind !== "buurt" && entry.area.code !== coverage.area.code) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = entry.area.displayName;
        button.addEventListener("click", function () { goTo(entry.area.code); });
        head.appendChild(button);
      } else {
        head.textContent = entry.area.displayName;
      }
      row.appendChild(head);
      var byRung = record.supply.byRung;
      cell(row, record.population === null ? "onbekend" : number.format(record.population));
      cell(row, String(byRung.informeel.formal + byRung.informeel.informal + byRung["eigen-kracht"].formal +
                       byRung["eigen-kracht"].informal));
      cell(row, String(byRung.voorliggend.formal + byRung.voorliggend.informal));
      cell(row, record.supply.socialeBasisPer1000Robust === null ? "–"
        : decimal.format(record.supply.socialeBasisPer1000Robust));
      cell(row, percent(record.reach["sociale-basis"].shareBeyond));
      cell(row, count(record.need.referrals));
      cell(row, String(record.gaps));
      body.appendChild(row);
    });
  }

  function renderNeeds(coverage) {
    var box = element("inventarisatie");
    box.textContent = "";
    var figures = [];
    [{ area: coverage.area, records: coverage.summary }].concat(coverage.children).forEach(function (child) {
      child.records[0].need.figures.forEach(function (figure) {
        figures.push(child.area.displayName + ": " + figure.indicator + " – " + number.format(figure.value) +
          " (" + figure.year + ", " + figure.source + ")");
      });
    });
    if (!figures.length) {
      return;
    }
    var heading = document.createElement("h3");
    heading.textContent = "Uit de inventarisatie";
    box.appendChild(heading);
    var list = document.createElement("ul");
    figures.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  // -- start -----------------------------------------------------------------------------------------

  document.documentElement.classList.add("js");
  load(false);
}());
