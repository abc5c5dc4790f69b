"""Reference data shipped with Tanji (each value with its source: see SOURCES.md)."""
