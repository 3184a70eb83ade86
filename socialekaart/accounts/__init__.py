"""Accounts, roles, personal access tokens and passwords (``service``); ``model``: the Account and
Token records; ``ports``: their storage."""
