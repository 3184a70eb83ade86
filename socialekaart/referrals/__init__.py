"""Doorverwijzingen: ``lifecycle`` (states, who may do what, what a referral must hold), ``service``
(create, move, read, export, anonymise), ``figure_rules`` and ``figures`` (network figures for
coordinators, with suppression), ``webhooks``, ``crypto`` (fields encrypted at rest), ``ports``."""
