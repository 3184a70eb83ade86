"""Importers: turn outside formats (CBS GeoJSON, provider CSV, HSDS 3.0) into model objects."""
