"""What operators see of a running platform: structured logs with a request id per
request (:mod:`.logs`), Prometheus metrics (:mod:`.metrics`) and the health probes
(``/api/v1/health/live`` and ``/ready``, :mod:`tanji.web.api.health`).

``docs/operations.md`` says how to use them.
"""

from tanji.web.observability.logs import (
    REQUEST_ID_HEADER,
    JsonFormatter,
    RequestContext,
    current_request_id,
    logging_config,
    request_id_of,
)
from tanji.web.observability.metrics import Metrics, metrics_router

__all__ = [
    "REQUEST_ID_HEADER",
    "JsonFormatter",
    "Metrics",
    "RequestContext",
    "current_request_id",
    "logging_config",
    "metrics_router",
    "request_id_of",
]
