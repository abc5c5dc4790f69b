"""Green supply chains (R6.1, issue 17): a lead firm asks its suppliers for their
footprints, a supplier answers (a footprint on the platform, a PACT file) or declines,
the answer feeds the lead firm's model as a supplier line, and the lead firm sees its
supply chain's coverage and chases what is missing.

- :mod:`.requests` — ask, list, read one, claim one sent by e-mail, remind;
- :mod:`.answers` — answer with a platform footprint or a PACT file, decline, link the
  answer into the lead firm's model;
- :mod:`.coverage` — the lead firm's coverage and what is missing;
- :mod:`.demo` — the demo lead firm, its request and the battery maker's answer.

Tenants: the lead firm sees its requests; a supplier sees only the requests addressed
to it (never another supplier's, never the lead firm's model, purchase volumes or
spend). Another organisation's request is reported as not found.
"""
