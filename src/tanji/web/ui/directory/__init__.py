"""The public directory's pages (issue 17): :mod:`.public` (no login) and
:mod:`.workspace` (contact requests and the disclosure text of a signed-in organisation)."""
