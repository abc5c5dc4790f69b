"""Benchmarks and diagnosis (issue 16): reference values, grades, 碳效码, reduction levers.

Modules: ``references`` (category values, official values, policies), ``grades`` (a
product's grade, the department's distributions), ``efficiency`` (碳效码), ``diagnosis``
(hotspots and levers with paired Monte Carlo). docs/benchmarks-and-diagnosis.md.
"""
