"""Checking input the same way everywhere: one Problems collector that raises one ValidationError
listing every problem per field, in Dutch, and the shared patterns for ids and contact details."""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from socialekaart.shared.errors import ValidationError

MAX_NAME = 200
MAX_DESCRIPTION = 4000
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
# Control characters (C0 except tab and line breaks, DEL, C1): invisible, and they break JSON/XML
# consumers downstream (HSDS feeds). A single-line value allows no tab or line break either.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SINGLE_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_character(value: str, *, single_line: bool = False) -> str | None:
    """A Dutch description of the first control character in ``value``; None when there is none."""
    found = (SINGLE_LINE_CONTROL if single_line else CONTROL).search(value)
    if found is None:
        return None
    return f"Bevat een ongeldig (onzichtbaar) teken U+{ord(found.group()):04X} op positie {found.start() + 1}."


class Problems:
    """Collects problems per field, then raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(message)

    def check_id(self, field_name: str, value: str) -> None:
        if not value or not ID_PATTERN.match(value):
            self.add(field_name, "Ontbreekt of is ongeldig: gebruik letters, cijfers, '.', '_', ':' of '-' "
                                 "(hoogstens 128 tekens).")

    def check_text(self, field_name: str, value: str | None, *, required: bool, limit: int) -> None:
        if not value or not value.strip():
            if required:
                self.add(field_name, "Is verplicht.")
            return
        if len(value) > limit:
            self.add(field_name, f"Is te lang: hoogstens {limit} tekens.")
        problem = control_character(value)
        if problem:
            self.add(field_name, problem)

    def raise_if_any(self, what: str) -> None:
        if self.errors:
            summary = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in self.errors.items())
            raise ValidationError(f"{what} is ongeldig. {summary}", errors=self.errors)
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{6,20}$")


def valid_email(address: str) -> bool:
    """An RFC 5321/5322 address (no quoted local part, no domain literal, no ``?bcc=`` or other
    characters a mailto link would carry on). No DNS look-up: validation stays offline."""
    if not isinstance(address, str) or any(c in address for c in "?&\"<>,;"):
        return False
    try:
        validate_email(address, check_deliverability=False, allow_quoted_local=False, allow_domain_literal=False)
    except EmailNotValidError:
        return False
    return True


def check_contact(problems: Problems, phone: str | None, email: str | None, website: str | None) -> None:
    if phone and not PHONE_PATTERN.match(phone):
        problems.add("phone", f"{phone!r} is geen geldig telefoonnummer.")
    if email and (not valid_email(email) or control_character(email)):
        problems.add("email", f"{email!r} is geen geldig e-mailadres.")
    if website and (not website.startswith(("https://", "http://")) or len(website) > 500
                    or any(c.isspace() for c in website) or control_character(website)):
        problems.add("website", "Een website begint met https:// of http://.")
