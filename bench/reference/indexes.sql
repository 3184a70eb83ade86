-- Built after the bulk load.
CREATE INDEX area_geom ON area USING gist (geom);
CREATE INDEX area_kind ON area (kind, code);
CREATE INDEX service_geog ON service USING gist (geog);
CREATE INDEX service_tsv ON service USING gin (tsv);
-- Our q looks for word keys anywhere in the lower-case text (a substring): trigrams answer that.
CREATE INDEX service_text_trgm ON service USING gin (search_text gin_trgm_ops);
CREATE INDEX service_life_domains ON service USING gin (life_domains);
CREATE INDEX service_target_groups ON service USING gin (target_groups);
CREATE INDEX service_serves ON service USING gin (serves);
CREATE INDEX service_serves_inside ON service USING gin (serves_inside);
CREATE INDEX service_gemeente ON service (gemeente_code);
CREATE INDEX service_wijk ON service (wijk_code);
CREATE INDEX service_buurt ON service (buurt_code);
-- "zo licht als mogelijk" without a place: the HSDS listing reads it in index order.
CREATE INDEX service_licht ON service (rung_level, name, id);
ANALYZE;
