"""The e-mails, in B1 Dutch. On purpose they hold no personal data and nothing about the case: no
client name or reference, no hulpvraag, no organisation or service name, no status reason. Only what
happened in general words and a link into the werkplek, where the reader signs in to see more.
The link holds the referral's random id (or a listing's id): meaningless without signing in."""
from __future__ import annotations

from dataclasses import dataclass

# Kinds of mail; each can be turned off per account (the preferences page).
KINDS = {
    "nieuw": "Een nieuwe doorverwijzing voor mijn organisatie",
    "geaccepteerd": "Mijn doorverwijzing is geaccepteerd",
    "afgewezen": "Mijn doorverwijzing is afgewezen",
    "gesloten": "Mijn doorverwijzing is afgesloten (afgerond, verlopen of doorverwezen)",
    "te-laat": "Een doorverwijzing wacht te lang op ontvangst of een antwoord",
    "verouderd": "Een voorziening van mijn organisatie is lang niet gecontroleerd (voor beheerders)",
}
PREFERENCES_PATH = "/werkplek/meldingen"

_TEXT = {
    "nieuw": ("Nieuwe doorverwijzing",
              "Er is een nieuwe doorverwijzing voor uw organisatie.\nBekijk haar in de werkplek en laat weten "
              "dat u haar hebt ontvangen."),
    "geaccepteerd": ("Doorverwijzing geaccepteerd",
                     "Een doorverwijzing die u verstuurde, is geaccepteerd.\nBekijk de details in de werkplek."),
    "afgewezen": ("Doorverwijzing afgewezen",
                  "Een doorverwijzing die u verstuurde, is afgewezen.\nBekijk in de werkplek waarom, en zoek "
                  "samen met de inwoner een andere plek."),
    "gesloten": ("Doorverwijzing afgesloten",
                 "Een doorverwijzing die u verstuurde, is afgesloten.\nBekijk in de werkplek hoe het is afgelopen."),
    "te-laat": ("Doorverwijzing wacht te lang",
                "Een doorverwijzing wacht langer dan afgesproken op ontvangst of op een antwoord.\nBekijk haar "
                "in de werkplek."),
    "verouderd": ("Controleer uw voorziening",
                  "Een voorziening van uw organisatie is lang niet gecontroleerd op de sociale kaart.\n"
                  "Kijk of alles nog klopt en klik op 'Gecontroleerd'. Zo vinden inwoners en professionals de "
                  "juiste hulp."),
}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def compose(kind: str, link: str, public_url: str) -> Message:
    """The mail of ``kind`` with ``link`` (a path in the werkplek) on the site at ``public_url``."""
    title, text = _TEXT[kind]
    body = (f"Beste collega,\n\n{text}\n\n{public_url}{link}\n\nU moet eerst inloggen. In deze e-mail staan "
            f"geen gegevens over de inwoner; die staan alleen in de werkplek.\n\n"
            f"Wilt u deze e-mails niet meer? Zet ze uit bij Meldingen: {public_url}{PREFERENCES_PATH}\n\n"
            f"Dit is een automatisch bericht van de sociale kaart. U kunt er niet op antwoorden.\n")
    return Message(f"Sociale kaart: {title}", body)
