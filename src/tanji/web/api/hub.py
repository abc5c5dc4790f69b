"""The service hub (API v1): the public directory of service providers' services and
the requests enterprises send them (R5.3); the policy and training section (R5.2, S2),
public to read, kept by the departments and the operator. One service call per handler.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BaseModel, Field

from tanji.services.hub import policy, providers
from tanji.web.deps import MAX_ID, Id, SessionDep
from tanji.web.markdown import render_markdown
from tanji.web.routing import Router
from tanji.web.security import ActorDep

__all__ = ["router"]

router = Router(tags=["service hub"])

Category = Literal["consulting", "testing", "certification", "green-design", "finance", "legal"]
Kind = Literal["notice", "policy", "training", "event"]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such service or item (or not yours)"}
}
_STALE: dict[int | str, dict[str, Any]] = {
    409: {"description": "Changed meanwhile: the version you sent is not the current one"}
}


class ServiceRead(BaseModel):
    id: int
    org_id: int
    provider: str
    provider_en: str
    category: str
    city: str = Field(description="a region code, e.g. CN-JS-SZ")
    title: str
    description: str
    contact: str
    active: bool
    version: int
    demo: bool = Field(description="offered by a demo organisation (illustrative)")


class ServiceWrite(BaseModel):
    category: Category
    city: str = Field(max_length=20, description="a Jiangsu region code, e.g. CN-JS-SZ")
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    contact: str = Field(default="", max_length=400)


class ServiceUpdate(ServiceWrite):
    version: int = Field(ge=1, le=MAX_ID, description="the version you read")
    active: bool = True


class RequestCreate(BaseModel):
    message: str = Field(max_length=4000)
    contact: str = Field(default="", max_length=400)


class RequestRead(BaseModel):
    id: int
    service_id: int
    service_title: str
    provider: str
    requester: str
    message: str
    contact: str
    status: str = Field(description="open, answered or closed")
    reply: str
    created_at: datetime
    answered_at: datetime | None


class RequestLists(BaseModel):
    sent: list[RequestRead] = Field(description="your organisation's requests (enterprises)")
    received: list[RequestRead] = Field(description="requests to your organisation (providers)")


class RequestAnswer(BaseModel):
    reply: str = Field(max_length=4000)
    close: bool = False


class Created(BaseModel):
    id: int


class Version(BaseModel):
    version: int


class PolicyRead(BaseModel):
    id: int
    kind: str
    title: str
    title_en: str
    summary: str
    body: str = Field(description="Markdown")
    body_en: str
    body_html: str = Field(description="the body rendered (no raw HTML passes through)")
    source: str = Field(description="the document the item reproduces, if any")
    published_on: date
    starts_on: date | None
    ends_on: date | None
    location: str
    illustrative: bool = Field(description="demo content that cites no real document")
    publisher: str
    version: int

    @classmethod
    def of(cls, item: policy.PolicyItem) -> PolicyRead:
        return cls(**asdict(item), body_html=str(render_markdown(item.body)))


class PolicyWrite(BaseModel):
    kind: Kind
    title: str = Field(max_length=300)
    title_en: str = Field(default="", max_length=300)
    summary: str = Field(default="", max_length=2000)
    body: str = Field(max_length=100_000, description="Markdown (raw HTML is shown as text)")
    body_en: str = Field(default="", max_length=100_000)
    source: str = Field(default="", max_length=2000)
    published_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    location: str = Field(default="", max_length=300)
    illustrative: bool = False


class PolicyUpdate(PolicyWrite):
    version: int = Field(ge=1, le=MAX_ID, description="the version you read")


@router.get("/providers/services")
def list_services(
    session: SessionDep,
    category: Annotated[Category | None, Query()] = None,
    city: Annotated[str | None, Query(max_length=20)] = None,
    q: Annotated[str | None, Query(max_length=100, description="words to look for")] = None,
) -> list[ServiceRead]:
    """The public directory: active services of active providers (no login)."""
    found = providers.directory(session, category=category, city=city or None, text=q)
    return [ServiceRead(**asdict(s)) for s in found]


@router.get("/providers/services/{service_id}", responses=_NOT_FOUND)
def get_service(service_id: Id, session: SessionDep) -> ServiceRead:
    """One listed service (no login)."""
    return ServiceRead(**asdict(providers.get_service(session, service_id)))


@router.post("/providers/services", status_code=201)
def offer(service: ServiceWrite, session: SessionDep, actor: ActorDep) -> Created:
    """A service provider lists a service (its editors)."""
    return Created(id=providers.offer_service(session, actor, **service.model_dump()))


@router.put("/providers/services/{service_id}", responses=_NOT_FOUND | _STALE)
def update(service_id: Id, service: ServiceUpdate, session: SessionDep, actor: ActorDep) -> Version:
    """Change one of your services (name the version you read)."""
    return Version(
        version=providers.update_service(session, actor, service_id, **service.model_dump())
    )


@router.post("/providers/services/{service_id}/requests", status_code=201, responses=_NOT_FOUND)
def send(service_id: Id, request: RequestCreate, session: SessionDep, actor: ActorDep) -> Created:
    """An enterprise sends a request for a service; the provider is notified."""
    return Created(
        id=providers.send_request(
            session, actor, service_id, message=request.message, contact=request.contact
        )
    )


@router.get("/providers/requests")
def list_requests(session: SessionDep, actor: ActorDep) -> RequestLists:
    """The requests your organisation sent (an enterprise) or received (a provider)."""
    sent = providers.requests_sent(session, actor) if actor.can("service.request") else []
    received = providers.requests_received(session, actor) if actor.can("service.offer") else []
    return RequestLists(
        sent=[RequestRead(**asdict(r)) for r in sent],
        received=[RequestRead(**asdict(r)) for r in received],
    )


@router.post("/providers/requests/{request_id}/answer", status_code=204, responses=_NOT_FOUND)
def answer(request_id: Id, reply: RequestAnswer, session: SessionDep, actor: ActorDep) -> None:
    """The provider answers a request (and may close it)."""
    providers.answer_request(session, actor, request_id, reply=reply.reply, close=reply.close)


@router.get("/policy")
def list_policy(
    session: SessionDep, kind: Annotated[Kind | None, Query()] = None
) -> list[PolicyRead]:
    """Notices, rules and policies, training courses and events, newest first (no login)."""
    return [PolicyRead.of(i) for i in policy.list_items(session, kind=kind)]


@router.get("/policy/{item_id}", responses=_NOT_FOUND)
def get_policy(item_id: Id, session: SessionDep) -> PolicyRead:
    """One item (no login)."""
    return PolicyRead.of(policy.get_item(session, item_id))


@router.post("/policy", status_code=201)
def publish(item: PolicyWrite, session: SessionDep, actor: ActorDep) -> Created:
    """Publish an item (the departments, the platform operator)."""
    return Created(id=policy.publish_item(session, actor, **item.model_dump()))


@router.put("/policy/{item_id}", responses=_NOT_FOUND | _STALE)
def edit(item_id: Id, item: PolicyUpdate, session: SessionDep, actor: ActorDep) -> Version:
    """Change an item of your organisation (name the version you read)."""
    values = item.model_dump()
    version = values.pop("version")
    if values["published_on"] is None:
        values.pop("published_on")
    return Version(version=policy.update_item(session, actor, item_id, version=version, **values))
