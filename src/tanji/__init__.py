"""Tanji (碳迹): product carbon footprints — exact, fast life-cycle math, real data formats."""

__version__ = "0.1.0"
