"""The PACT v3.0 exchange: Tanji as a host (partners, credentials, served footprints,
events answered asynchronously) and as a client of partners' hosts.

- :mod:`.errors` — the protocol's error vocabulary (PACT codes, OAuth errors);
- :mod:`.host` — partners, tokens, footprints and who sees them;
- :mod:`.publish` — a result made a PACT footprint;
- :mod:`.exports` — battery passport, Catena-X out and in;
- :mod:`.testhost` — a host set up for a conformance suite;
- :mod:`.events` — received CloudEvents and the answers to RequestCreated;
- :mod:`.client` — partners' hosts we fetch from and send requests to.
"""
