"""The network picture on /netwerk: an SVG laid out here on the server, no script.

Two halves of an ellipse: formal organisations on the left, informal ones on the right, each
ordered by gemeente and name and evenly apart from top to bottom, so the flows between the two
parts cross the middle. Formal is a blue circle, informal a green diamond (shape AND colour); an
organisation that bridges the two parts gets a ring. A flow is a curve through the middle with an
arrow at the receiver, the thicker the more referrals. Only the edges the publication shows are
drawn; the same numbers stand in the tables below the picture.
"""
from __future__ import annotations

import math
from typing import Any

WIDTH = 1000
LABEL_ROOM = 260  # horizontal room for the labels on each side
MIN_RADIUS, SPACING = 150, 24  # the half height grows so that labels on one side stay SPACING apart
NODE = 9  # node size (radius of a circle, half diagonal of a diamond)
MAX_LABEL = 30


def _label(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[:MAX_LABEL - 1].rstrip() + "…"


def layout(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    """Positions of the nodes and paths of the edges, in SVG user units."""
    def order(n: dict[str, Any]) -> tuple[str, str, str]:
        return (n.get("gemeente") or "", n["name"].lower(), n["id"])

    sides = [sorted((n for n in nodes if n["formal"]), key=order),
             sorted((n for n in nodes if not n["formal"]), key=order)]
    per_side = max(1, *(len(side) for side in sides))
    radius = max(MIN_RADIUS, SPACING * per_side / 2)
    width, height = max(WIDTH, round(2 * (radius + LABEL_ROOM))), round(2 * radius + 80)
    cx, cy = width / 2, height / 2
    placed: dict[str, dict[str, Any]] = {}
    for index, side in enumerate(sides):
        left = index == 0
        step = 2 * radius / len(side) if side else 0
        for i, node in enumerate(side):
            # Evenly apart from top to bottom (so the labels never overlap), on a half ellipse kept
            # off the middle line.
            y = cy - radius + (i + 0.5) * step
            reach = 0.35 * radius + 0.65 * math.sqrt(max(0.0, radius ** 2 - (y - cy) ** 2))
            x = cx + (-1 if left else 1) * reach
            placed[node["id"]] = {
                **node, "x": round(x, 1), "y": round(y, 1), "label": _label(node["name"]),
                "label_x": round(x + (-1 if left else 1) * (NODE + 8), 1), "label_y": round(y + 4, 1),
                "anchor": "end" if left else "start",
                "diamond": f"{x:.1f},{y - NODE - 2:.1f} {x + NODE + 2:.1f},{y:.1f} {x:.1f},{y + NODE + 2:.1f} "
                           f"{x - NODE - 2:.1f},{y:.1f}"}
    top = max([e["count"] for e in edges] + [1])
    paths = []
    for edge in edges:
        a, b = placed.get(edge["from"]), placed.get(edge["to"])
        if a is None or b is None or a is b:
            continue
        # The control point: towards the middle, a little to one side so A->B and B->A stay apart.
        mx, my = (a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2
        dx, dy = b["x"] - a["x"], b["y"] - a["y"]
        length = math.hypot(dx, dy) or 1
        qx = cx + (mx - cx) * 0.3 - dy / length * 18
        qy = cy + (my - cy) * 0.3 + dx / length * 18
        # End short of the receiver, so the arrow point touches its edge.
        ex, ey = b["x"] - qx, b["y"] - qy
        end = math.hypot(ex, ey) or 1
        tx, ty = b["x"] - ex / end * (NODE + 4), b["y"] - ey / end * (NODE + 4)
        paths.append({"d": f"M{a['x']:.1f},{a['y']:.1f} Q{qx:.1f},{qy:.1f} {tx:.1f},{ty:.1f}",
                      "width": round(1.5 + 6 * math.sqrt(edge["count"] / top), 1),
                      "title": f"{a['name']} naar {b['name']}: {edge['count']}",
                      "informal": not (a["formal"] and b["formal"])})
    return {"width": width, "height": height, "nodes": list(placed.values()), "edges": paths}
