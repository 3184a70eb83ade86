"""Meldingen: e-mails to professionals and beheerders (``service``: which events become which mails,
``messages``: the B1 text, ``outbox``: the sender with retries, ``smtp``), and the status link for the
inwoner (``status_links``). ``ports`` says what they need from storage."""
