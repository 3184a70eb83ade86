"""The app factory: the API under /api/v1 (flask-smorest), the HSDS read API under /hsds, and the pages."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from socialekaart import __version__
from socialekaart.shared.config import Settings
from web.bootstrap import RUNTIME_EXTENSION, Runtime
from web.limits import register_limits
from web.metrics import register_metrics
from web.privacy_http import register_privacy_http
from web.problems import register_problem_handlers
from web.security import register_security
from web.timeouts import register_timeouts

API_VERSION = "1.0.0"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The app factory. ``test_config`` may hold ``SETTINGS`` (a Settings) and Flask config keys."""
    test_config = dict(test_config or {})
    settings = test_config.pop("SETTINGS", None) or Settings.from_env()
    runtime = test_config.pop("RUNTIME", None) or Runtime(settings)

    app = Flask(__name__)
    app.config.update(
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        API_TITLE="socialekaart API",
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.config.update(test_config)
    app.extensions[RUNTIME_EXTENSION] = runtime
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from web.api import register_api
    from web.health import bp as health_bp
    from web.hsds import register_hsds
    from web.pages import bp as pages_bp
    from web.pages.dashboard import bp as dashboard_bp

    register_api(app)
    register_hsds(app)
    app.register_blueprint(pages_bp)
    app.register_blueprint(dashboard_bp)
    from web.pages import listings as listing_pages
    from web.pages import network as network_pages
    from web.pages import notifications as notification_pages
    from web.pages import organization as organization_pages
    from web.pages import pro_search as pro_search_pages
    from web.pages import referrals as referral_pages
    from web.pages import session as page_session
    # sign-in, referrals, network, the beheerder's own organisation
    for page_bp in (page_session.bp, referral_pages.bp, network_pages.bp, organization_pages.bp,
                    listing_pages.bp, pro_search_pages.bp, notification_pages.bp, notification_pages.status_bp):
        app.register_blueprint(page_bp)
    app.register_blueprint(health_bp)
    register_problem_handlers(app)
    register_security(app, settings.tile_url)
    register_privacy_http(app)  # no-store on personal data (web/privacy_http.py)
    register_metrics(app)
    register_limits(app)  # flask-limiter: per token and sign-in per client (web/limits.py)
    register_timeouts(app, settings)  # short store timeouts on the request path (web/timeouts.py)

    @app.after_request
    def api_version_header(response):
        response.headers["API-Version"] = API_VERSION
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    app.config["SOCIALEKAART_VERSION"] = __version__
    return app
