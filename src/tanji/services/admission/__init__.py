"""Admission of shared data into the background databases (issue 15, docs/admission.md).

- :mod:`.databases` — sectors, sector databases and association sub-databases, their
  reviewers, declarations of interest;
- :mod:`.submissions` — submit with evidence (SHA-256), inter-comparison, reading with
  the right eyes (confidential fields, anonymous reviewers), evidence reads (audited);
- :mod:`.reviews` — peer review with the conflict-of-interest rule;
- :mod:`.decisions` — the department admits (a new database version) or rejects;
- :mod:`.propagation` and :mod:`.batch` — who depends on a new version, and their
  footprints recomputed beside the old ones on Dask.
"""
