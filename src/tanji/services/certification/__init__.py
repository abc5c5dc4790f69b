"""Certification services: one function per intention, callers own the transaction.

- :mod:`.bodies`: the registry of certification bodies (registration, staff, status,
  blacklist, credit findings, consultancy declarations);
- :mod:`.cases`: applications and every step of the process, certificates (each step
  applied by :func:`._steps.take_step`);
- :mod:`.evidence`: evidence files (SHA-256, never altered, every read audited).
"""
