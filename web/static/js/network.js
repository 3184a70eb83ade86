/* Netwerk van doorverwijzingen: draws "who refers to whom" as an SVG from the JSON data block
 * #netwerk-gegevens ({nodes: [{id, name, formal}], edges: [{from, to, count}]}). Organisations sit on
 * a circle; an arrow runs from the sender to the receiver, thicker for more referrals. Only
 * attributes and classes, no inline styles; the table under the diagram holds the same numbers. */
(function () {
  "use strict";

  var dataElement = document.getElementById("netwerk-gegevens");
  var svg = document.getElementById("netwerk-diagram");
  if (!dataElement || !svg) {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  document.documentElement.classList.add("js");

  var NS = "http://www.w3.org/2000/svg";
  var WIDTH = 800, HEIGHT = 560, RADIUS = 200, NODE = 11;
  var centre = { x: WIDTH / 2, y: HEIGHT / 2 };

  function make(name, attributes, parent) {
    var element = document.createElementNS(NS, name);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    if (parent) { parent.appendChild(element); }
    return element;
  }

  function shortName(name) {
    return name.length > 26 ? name.slice(0, 25) + "…" : name;
  }

  // Only organisations that are part of a drawn arrow; the table lists the rest.
  var used = {};
  data.edges.forEach(function (edge) { used[edge.from] = true; used[edge.to] = true; });
  var nodes = data.nodes.filter(function (node) { return used[node.id]; });
  var position = {};
  nodes.forEach(function (node, i) {
    var angle = -Math.PI / 2 + (2 * Math.PI * i) / nodes.length;
    position[node.id] = { x: centre.x + RADIUS * Math.cos(angle), y: centre.y + RADIUS * Math.sin(angle),
                          angle: angle };
  });

  var defs = make("defs", {}, svg);
  var marker = make("marker", { id: "pijlpunt", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "5",
                                markerHeight: "5", orient: "auto-start-reverse" }, defs);
  make("path", { d: "M 0 0 L 10 5 L 0 10 z", "class": "pijlpunt" }, marker);

  var most = Math.max.apply(null, data.edges.map(function (edge) { return edge.count; }));
  var edgeLayer = make("g", { "class": "stromen" }, svg);
  var nodeLayer = make("g", { "class": "organisaties" }, svg);

  data.edges.forEach(function (edge) {
    var a = position[edge.from], b = position[edge.to];
    if (!a || !b || edge.from === edge.to) { return; }
    var dx = b.x - a.x, dy = b.y - a.y, length = Math.sqrt(dx * dx + dy * dy) || 1;
    var ux = dx / length, uy = dy / length;
    // Start and end at the edge of the circles; bend a little so A->B and B->A do not overlap.
    var start = { x: a.x + ux * (NODE + 2), y: a.y + uy * (NODE + 2) };
    var end = { x: b.x - ux * (NODE + 4), y: b.y - uy * (NODE + 4) };
    var bend = { x: (start.x + end.x) / 2 - uy * 28, y: (start.y + end.y) / 2 + ux * 28 };
    var group = make("g", { "class": "stroom" }, edgeLayer);
    make("title", {}, group).textContent = edge.count + " doorverwijzingen";
    make("path", { d: "M " + start.x + " " + start.y + " Q " + bend.x + " " + bend.y + " " + end.x + " " + end.y,
                   "class": "stroom-lijn", "stroke-width": (1.5 + 6 * edge.count / most).toFixed(1),
                   "marker-end": "url(#pijlpunt)" }, group);
    var label = { x: (start.x + 2 * bend.x + end.x) / 4, y: (start.y + 2 * bend.y + end.y) / 4 };
    make("circle", { cx: label.x, cy: label.y, r: 11, "class": "stroom-getal-vlak" }, group);
    make("text", { x: label.x, y: label.y + 4, "text-anchor": "middle", "class": "stroom-getal" }, group)
      .textContent = String(edge.count);
  });

  nodes.forEach(function (node) {
    var at = position[node.id];
    var group = make("g", { "class": "organisatie" + (node.formal ? "" : " informeel") }, nodeLayer);
    make("title", {}, group).textContent = node.name;
    make("circle", { cx: at.x, cy: at.y, r: NODE }, group);
    var right = Math.cos(at.angle) >= -0.01;
    var text = make("text", {
      x: at.x + Math.cos(at.angle) * (NODE + 8), y: at.y + Math.sin(at.angle) * (NODE + 8) + 4,
      "text-anchor": Math.abs(Math.cos(at.angle)) < 0.2 ? "middle" : (right ? "start" : "end")
    }, group);
    text.textContent = shortName(node.name);
  });
  svg.setAttribute("data-getekend", String(nodes.length));
}());
