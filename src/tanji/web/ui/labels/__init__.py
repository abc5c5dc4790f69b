"""Label pages: the public verification page and the identifier resolvers
(:mod:`.public`), the label on the workspace product page (:mod:`.workspace`) and the
operator's list of reported fakes (:mod:`.operator`)."""
