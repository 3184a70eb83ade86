"""The lokale inventarisatie: ``compute`` (supply, reach and need per area and leefgebied), ``gaps``
(ranked, explained in Dutch), ``needs`` (inventarisatie figures), ``service`` (read, compute, cache),
``ports``."""
