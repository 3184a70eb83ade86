"""/api/v1/taxonomies: leefgebieden, doelgroepen, the support ladder and more, with B1 explanations."""
from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields

from socialekaart.shared import taxonomy
from web.api.blueprint import Blueprint

blp = Blueprint("taxonomies", __name__, url_prefix="/taxonomies",
                description="Vaste lijsten met codes, Nederlandse namen en een korte uitleg in eenvoudige taal.")
VOCABULARIES = {
    "lifeDomains": ("Leefgebieden", taxonomy.LIFE_DOMAINS),
    "targetGroups": ("Doelgroepen", taxonomy.TARGET_GROUPS),
    "rungs": ("Treden: zo licht als mogelijk, zo zwaar als nodig", taxonomy.RUNGS),
    "organizationKinds": ("Soorten organisaties", taxonomy.ORGANIZATION_KINDS),
    "costs": ("Kosten", taxonomy.COSTS),
}


class TermSchema(ma.Schema):
    code = fields.String()
    label = fields.String()
    explanation = fields.String()
    level = fields.Integer()
    socialeBasis = fields.Boolean()


class VocabularySchema(ma.Schema):
    code = fields.String()
    label = fields.String()
    terms = fields.List(fields.Nested(TermSchema))


def _term(term) -> dict:
    body = {"code": term.code, "label": term.label, "explanation": term.explanation}
    if isinstance(term, taxonomy.Rung):
        body.update(level=term.level, socialeBasis=term.sociale_basis)
    return body


@blp.route("")
class Taxonomies(MethodView):
    @blp.response(200, VocabularySchema(many=True))
    def get(self):
        """Alle vaste lijsten"""
        return [{"code": code, "label": label, "terms": [_term(t) for t in terms]}
                for code, (label, terms) in VOCABULARIES.items()]
