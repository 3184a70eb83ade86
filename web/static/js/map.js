/* Hulp in de buurt: the map next to the list. Reads the JSON data block the page carries
 * (#kaart-gegevens); no inline script, no requests to other hosts. Tiles only when configured. */
(function () {
  "use strict";

  var dataElement = document.getElementById("kaart-gegevens");
  var mapElement = document.getElementById("kaart");
  if (!dataElement || !mapElement || typeof L === "undefined") {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  document.documentElement.classList.add("js");

  var OWN_WIJK = { color: "#143c57", weight: 3, fillColor: "#1d5478", fillOpacity: 0.08, interactive: false };
  var OTHER_WIJK = { color: "#5f6d76", weight: 1.2, fillColor: "#ffffff", fillOpacity: 0.5, interactive: false };

  var map = L.map(mapElement, {
    zoomControl: false,
    attributionControl: Boolean(data.tileUrl),
    scrollWheelZoom: false,
    maxZoom: 18,
    center: [51.5, 3.9],
    zoom: 10
  });
  L.control.zoom({ zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen" }).addTo(map);

  if (data.tileUrl) {
    map.attributionControl.setPrefix(false);
    L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: "Achtergrondkaart: " + hostOf(data.tileUrl) }).addTo(map);
  }

  function hostOf(url) {
    var link = document.createElement("a");
    link.href = url.replace(/\{[a-z]\}/g, "a");
    return link.hostname;
  }

  function textLine(className, text) {
    var line = document.createElement("span");
    line.className = className;
    line.textContent = text;
    return line;
  }

  // Popup content built from DOM nodes: names are text, never HTML.
  function popupFor(point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.className = "kaart-popup-naam";
    link.textContent = label(point);
    box.appendChild(link);
    if (point.organization) {
      box.appendChild(textLine("kaart-popup-org", point.organization));
    }
    var extra = point.rung + (point.distance ? " \u00b7 " + point.distance : "");
    box.appendChild(textLine("kaart-popup-extra", extra));
    return box;
  }

  // "3. Naam" on the search page, where the number is the one in the list; just the name elsewhere.
  function label(point) {
    return point.number ? point.number + ". " + point.name : point.name;
  }

  function numberIcon(number) {
    return L.divIcon({ className: "kaart-punt", html: number ? String(number) : "", iconSize: [30, 30] });
  }

  // A group icon a screen reader reads as "5 plekken" (the number alone says little).
  var GroupIcon = L.DivIcon.extend({
    createIcon: function (oldIcon) {
      var element = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      element.setAttribute("aria-label", this.options.label);
      element.setAttribute("title", this.options.label);
      return element;
    }
  });

  var spots = [];
  // Places close together are grouped: a ring with the number of places; click to zoom in.
  var cluster = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 40,
    iconCreateFunction: function (group) {
      var count = group.getChildCount();
      return new GroupIcon({ className: "kaart-groep", html: String(count), iconSize: [36, 36],
                             label: count === 1 ? "1 plek" : count + " plekken" });
    }
  });
  // Confidential places are not in the data: they have no point of their own, only a wijk.
  data.points.forEach(function (point) {
    var where = [point.lat, point.lon];
    var marker = L.marker(where, {
      icon: numberIcon(point.number),
      title: label(point),
      keyboard: true,
      riseOnHover: true
    });
    marker.bindPopup(popupFor(point));
    cluster.addLayer(marker);
    spots.push(where);
  });
  map.addLayer(cluster);

  if (data.origin) {
    var origin = [data.origin.lat, data.origin.lon];
    L.marker(origin, {
      icon: L.divIcon({ className: "kaart-u", html: "U", iconSize: [28, 28] }),
      title: data.origin.label,
      keyboard: false,
      zIndexOffset: 1000
    }).addTo(map);
    spots.push(origin);
    // How far we searched: a circle around the postcode.
    if (data.radiusM) {
      var circle = L.circle(origin, { radius: data.radiusM, color: "#1d5478", weight: 2, dashArray: "6 6",
                                      fill: false, interactive: false, className: "kaart-straal" }).addTo(map);
      mapElement.setAttribute("data-straal", String(data.radiusM));
      if (!data.points.length) {
        spots.push(circle.getBounds().getNorthEast(), circle.getBounds().getSouthWest());
      }
    }
  }

  if (spots.length > 1) {
    map.fitBounds(L.latLngBounds(spots), { padding: [30, 30], maxZoom: 15 });
  } else if (spots.length === 1) {
    map.setView(spots[0], data.tileUrl ? 16 : 13);  // without tiles, show the wijken around it
  }
  mapElement.setAttribute("data-punten", String(cluster.getLayers().length));

  // Wijk outlines from our own API; the wijk of the postcode is drawn stronger.
  if (data.areasUrl) {
    fetch(data.areasUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (areas) {
        if (!areas) {
          return;
        }
        var ownWijk = null;
        var outlines = L.geoJSON(areas, {
          style: function (feature) { return feature.id === data.wijk ? OWN_WIJK : OTHER_WIJK; },
          onEachFeature: function (feature, layer) {
            if (feature.id === data.wijk) {
              ownWijk = layer;
            }
          }
        }).addTo(map);
        outlines.bringToBack();
        if (!spots.length) {
          map.fitBounds((ownWijk || outlines).getBounds());
        }
        mapElement.setAttribute("data-wijken", String(areas.features.length));
      })
      .catch(function () {
        mapElement.setAttribute("data-wijken", "0");
      });
  }

  // The map may have been laid out while hidden; let Leaflet measure it again.
  window.setTimeout(function () { map.invalidateSize(); }, 0);
})();
