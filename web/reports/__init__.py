"""The printable report of the lokale inventarisatie, drawn on the server: the map and charts as SVG
(no tiles, no script) and the PDF of the report."""
