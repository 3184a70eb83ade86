"""The catalog: organisations and services per wijk, and finding them.

- ``model``: Organization, Service, Location (areas are in ``socialekaart.places``);
- ``service.Catalog``: saving (validated, all or nothing) and searching; ``search``: the rules of a
  search request; ``understanding``: what words ask for; ``confidential``: secret addresses;
- ``importing``: compare an import with what is stored; ``listings``: a beheerder edits its own;
- ``hsds``: our records as Open Referral HSDS 3.0;
- ``ports``: what the catalog needs from storage; ``records``: the frozen records its reads return."""
