"""File formats at the edge: Brightway datapackages (more formats to come)."""
