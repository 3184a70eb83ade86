"""The API's flask-smorest ``Blueprint``: it enforces sign-in and documents it, and documents the
problem+json error responses, so a view says once what it needs.

    @blp.route("/referrals/<string:referral_id>")
    class ReferralById(MethodView):
        @blp.login_required
        @blp.problems(404)
        @blp.response(200, ReferralSchema)
        def get(self, referral_id): ...

``@blp.login_required`` checks the bearer token before the view runs (``web.auth.signed_in``: a 401
problem with ``WWW-Authenticate: Bearer`` when it is missing or not valid) and documents
``security: bearerAuth`` with the 401, 403 and 503 problems: the token is looked up in the store,
so a signed-in operation can always meet a store that is down, and roles and organisations are
checked behind it (403). Put it first, above ``@blp.arguments``, so the token is checked before the
input, as before. ``@blp.problems(400, 404, ...)`` documents further problem+json answers; public
operations that read the store name 503 themselves.
"""
from __future__ import annotations

from copy import deepcopy

import flask_smorest
from flask_smorest.utils import deepupdate

from web.api.problems_doc import PROBLEM
from web.auth import SECURITY, signed_in

# What every signed-in operation can answer besides its own problems.
SIGNED_IN_PROBLEMS = (401, 403, 503)
LOGIN_REQUIRED = "_login_required"  # marks a view (function or method) wrapped by login_required


def problem_responses(*statuses: int) -> dict:
    return {str(status): PROBLEM for status in statuses}


def _document(func, **doc):
    """Add manual OpenAPI doc to ``func`` itself, as ``Blueprint.doc`` does but without a wrapper."""
    apidoc = deepcopy(getattr(func, "_apidoc", {}))  # may be shared with the function it wraps
    apidoc["manual_doc"] = deepupdate(apidoc.get("manual_doc", {}), doc)
    func._apidoc = apidoc
    return func


def requires_login(view) -> bool:
    return bool(getattr(view, LOGIN_REQUIRED, False))


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint that also enforces and documents authentication and problems."""

    @staticmethod
    def login_required(view):
        """Only for a caller with a valid personal access token; documented as such."""
        wrapper = signed_in(view)
        setattr(wrapper, LOGIN_REQUIRED, True)
        return _document(wrapper, security=SECURITY, responses=problem_responses(*SIGNED_IN_PROBLEMS))

    @staticmethod
    def problems(*statuses: int):
        """Document problem+json answers with these statuses (documentation only: no wrapper)."""

        def decorator(view):
            return _document(view, responses=problem_responses(*statuses))

        return decorator
