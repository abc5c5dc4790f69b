"""The web platform: one FastAPI application — ``api/`` (JSON, OpenAPI) and ``ui/`` (pages).

Built by :func:`tanji.web.app.create_app`; business failures become HTTP only in
:mod:`tanji.web.errors`.
"""
