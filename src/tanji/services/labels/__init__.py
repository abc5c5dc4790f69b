"""Carbon label services: one function per intention, callers own the transaction.

- :mod:`.kinds`: the label kinds shipped as data;
- :mod:`.identifiers`: a product's GTIN and industrial-internet identifier, and
  resolving them (GS1 Digital Link);
- :mod:`.issuance`: issuing a label from a valid certificate, revoking it, the labels of
  a product;
- :mod:`.public`: what the public verification page shows (no login);
- :mod:`.files`: the label's files and checking a file offline;
- :mod:`.reports`: reports of suspected fakes;
- :mod:`.trust`: the signing service and the transparency log as the labels use them.
"""
