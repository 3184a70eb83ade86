"""socialekaart: a sociale kaart and referral network for the Dutch social domain."""

__version__ = "0.1.0"
