"""The government's desk (issue 17): the province's annual work plan, progress by
sector, city, year and status against the 400 / 1,000 goals, the drill-down to
enterprises, certification statistics and benchmark distributions — a city department
sees its own city only.

Modules: :mod:`.plans` (the work plan), :mod:`.progress` (counting and scope),
:mod:`.demo` (the demo's city department and plan).
"""
