"""Plain value objects and rules; no SQLAlchemy, web, CLI or file-format libraries."""
