-- The reference schema: one row per service with what the five search shapes read, and the areas.
-- Text columns that are sorted or compared use COLLATE "C" (code point order, as the graph stores).
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE area (
    code        text COLLATE "C" PRIMARY KEY,
    kind        text NOT NULL,
    name        text,
    parent_code text COLLATE "C",
    geom        geometry(Geometry, 4326)
);

CREATE TABLE service (
    id             text COLLATE "C" PRIMARY KEY,
    name           text COLLATE "C" NOT NULL,
    description    text,
    org_name       text,
    rung           text NOT NULL,
    rung_level     integer NOT NULL,
    life_domains   text[] NOT NULL DEFAULT '{}',
    target_groups  text[] NOT NULL DEFAULT '{}',
    serves         text[] NOT NULL DEFAULT '{}',
    -- Areas a werkgebied lies inside (WK/BU codes -> their gemeente, BU -> its wijk): "serves an
    -- area inside this one" as an indexed overlap instead of a prefix test on every code.
    serves_inside  text[] NOT NULL DEFAULT '{}',
    crisis_24h     boolean NOT NULL DEFAULT false,
    gemeente_code  text COLLATE "C",
    wijk_code      text COLLATE "C",
    buurt_code     text COLLATE "C",
    lat            double precision,
    lon            double precision,
    geog           geography(Point, 4326),
    search_text    text GENERATED ALWAYS AS (
        lower(coalesce(name, '') || ' ' || coalesce(description, '') || ' ' || coalesce(org_name, ''))) STORED,
    tsv            tsvector GENERATED ALWAYS AS (
        to_tsvector('dutch', coalesce(name, '') || ' ' || coalesce(description, '') || ' '
                    || coalesce(org_name, ''))) STORED
);
