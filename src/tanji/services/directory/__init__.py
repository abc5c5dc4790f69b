"""The public directory of certified products (issue 17): search, product pages,
fair comparison, green procurement, evidence packs for banks, buyers' contact requests
and enterprises' voluntary disclosure."""
