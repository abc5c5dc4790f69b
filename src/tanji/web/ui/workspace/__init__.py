"""The enterprise workspace pages: products, their model (lines by stage), findings,
Excel and YAML round trips, calculation.

Handlers only read the request and call :mod:`tanji.services.products`. A line form
that does not pass is an expected outcome: it is shown again with each problem next to
its field (htmx swaps it in place; without htmx the page is rendered with it). Other
errors go to :mod:`tanji.web.errors` like everywhere else.
"""

from tanji.web.ui.workspace import files, lines, products
from tanji.web.ui.workspace._common import router

__all__ = ["files", "lines", "products", "router"]
