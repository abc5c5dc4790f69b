"""The service hub (issue 17): service providers' offers and enterprises' requests
(:mod:`.providers`), the policy and training section (:mod:`.policy`), and their demo
(:mod:`.demo`)."""
