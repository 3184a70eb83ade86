"""Open Referral HSDS 3.0 in and out: ``files`` (read a datapackage, zip or JSON), ``mapping`` (their
taxonomy terms onto ours), ``reader`` (records into model objects, then the import service), ``export``."""
