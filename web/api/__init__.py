"""The socialekaart API under /api/v1, following the NL GOV API Design Rules."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from web.api.adr import AdrPlugin, nested_null_is_only_null
from web.api.docs import bp as docs_bp
from web.api.negotiation import register_negotiation

API_PREFIX = "/api/v1"


def register_api(app: Flask) -> Api:
    api = Api(app, spec_kwargs={"extra_plugins": [AdrPlugin(API_PREFIX)], "info": {
        "description": "Zoek hulp in de wijk (sociale kaart) en volg doorverwijzingen tussen partners. "
                       "Fouten komen terug als application/problem+json.",
        "contact": {"name": "socialekaart", "url": "https://socialekaart.example.nl",
                    "email": "api@socialekaart.example.nl"},
        "license": {"name": "EUPL-1.2"},
    }, "servers": [{"url": API_PREFIX, "description": "Versie 1 van de API"}]})
    api.ma_plugin.converter.add_attribute_function(nested_null_is_only_null)
    api.ERROR_SCHEMA = None  # errors are problem+json, documented per operation below
    from web.api.problems_doc import PROBLEM
    api.spec.components.responses_lazy["DEFAULT_ERROR"] = PROBLEM  # any other error status: problem+json too
    from web.api.areas.routes import blp as areas_blp
    from web.api.coverage.routes import blp as coverage_blp
    from web.api.geocode import blp as geocode_blp
    from web.api.listings.routes import blp as listings_blp
    from web.api.listings.routes import new_blp as new_listings_blp
    from web.api.listings.routes import stale_blp
    from web.api.network.routes import blp as network_blp
    from web.api.notifications.routes import blp as notifications_blp
    from web.api.organizations.routes import blp as organizations_blp
    from web.api.referrals.ids import ReferralIdConverter, referral_id_schema
    from web.api.referrals.routes import blp as referrals_blp
    from web.api.services.routes import blp as services_blp
    from web.api.taxonomies import blp as taxonomies_blp
    from web.auth import BEARER_SCHEME

    api.spec.components.security_scheme("bearerAuth", BEARER_SCHEME)
    app.url_map.converters["referral_id"] = ReferralIdConverter
    api.register_converter(ReferralIdConverter, referral_id_schema)
    for blueprint in (services_blp, organizations_blp, areas_blp, taxonomies_blp, geocode_blp,
                      referrals_blp, network_blp, coverage_blp, listings_blp, new_listings_blp, stale_blp,
                      notifications_blp):
        api.register_blueprint(blueprint, url_prefix=f"{API_PREFIX}{blueprint.url_prefix or ''}")
    app.register_blueprint(docs_bp)
    register_negotiation(app, api, API_PREFIX)
    return api
