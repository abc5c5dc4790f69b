"""The progress page of long work (:mod:`tanji.web.jobs`).

``GET /jobs/{id}`` is a whole page for a browser and, for htmx's poll every 500 ms, only
the progress card. When the job is done, htmx gets ``HX-Redirect`` (and a browser a 303)
to the job's result; a failed job shows why, and stops polling.
"""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from tanji.domain.problems import Problem
from tanji.web.i18n import language_of, translations
from tanji.web.jobs import JobsDep, JobStatus
from tanji.web.security import ActorDep, page_router
from tanji.web.ui.templating import render

__all__ = ["router"]

router = page_router()


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, actor: ActorDep, jobs: JobsDep) -> Response:
    job = jobs.get(actor, job_id)
    polled = request.headers.get("hx-request") == "true"
    if job.status is JobStatus.DONE and job.result_url:
        if polled:
            return Response(status_code=200, headers={"HX-Redirect": job.result_url})
        return RedirectResponse(job.result_url, status_code=303)
    if job.error is not None and not isinstance(job.error, Problem):
        # the runner's own messages are in the catalogues; a Problem is said on the page
        job = replace(job, error=translations(language_of(request)).gettext(job.error))
    template = "partials/job.html" if polled else "job.html"
    return render(request, template, {"job": job})
