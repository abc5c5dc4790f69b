"""Authentication beyond the password check of :mod:`tanji.services.logins`.

- :mod:`.sessions` — server-side browser sessions: start, look up, list, end.
- :mod:`.passwords` — change a password; reset it by e-mail or by an admin's link.
- :mod:`.invitations` — an organisation's admin invites; the invited person accepts.
- :mod:`.mfa` — TOTP second factors (RFC 6238) and recovery codes for administrators.
- :mod:`.throttle` — per-source throttling of sign-ins and rate limits (in process).

Secrets handed to a browser or an e-mail are random (``secrets``) and stored hashed
(:func:`.tokens.digest`); each function owns no transaction (the caller commits).
"""
