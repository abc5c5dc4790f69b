"""Tables of the background databases: sources, databases and versions, gases and GWP
methods, emission factors (records and immutable versions), and LCI data (flows,
activities, exchanges, characterization factors, product systems); product models,
footprints and rules; accounts (organisations, users, memberships, API tokens) and the
audit log.

Relationships are ``lazy="raise"``: a query that would load related rows one by one
fails loudly instead of silently issuing N+1 queries.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tanji.db.base import Base, utcnow

__all__ = [
    "ActivityRow",
    "AdmissionDatabaseRow",
    "AdmissionDeclarationRow",
    "AdmissionEvidenceRow",
    "AdmissionReviewRow",
    "AdmissionReviewerRow",
    "AdmissionSectorRow",
    "AdmissionSubmissionRow",
    "ApiTokenRow",
    "AuditRow",
    "AuthInvitationRow",
    "AuthMfaRow",
    "AuthOneTimeTokenRow",
    "AuthRecoveryCodeRow",
    "AuthSessionRow",
    "Base",
    "BlacklistEntryRow",
    "CaseEventRow",
    "CaseFindingRow",
    "CertificateClaimRow",
    "CertificateRow",
    "CertificationBodyRow",
    "CertificationCaseRow",
    "CharacterizationRow",
    "ConsultancyDeclarationRow",
    "CreditFindingRow",
    "DatabaseRow",
    "DatabaseVersionRow",
    "EvidenceRow",
    "ExchangeRow",
    "FactorGasRow",
    "FactorRecordRow",
    "FactorVersionRow",
    "FlowRow",
    "FootprintResultRow",
    "GasFactorRow",
    "GasRow",
    "LedgerEntryRow",
    "LedgerNodeRow",
    "LedgerStateRow",
    "LedgerTreeHeadRow",
    "MembershipRow",
    "MethodRow",
    "NotificationRow",
    "OrgMemberRow",
    "OrganisationRow",
    "PactConnectionRow",
    "PactEventRow",
    "PactFootprintRow",
    "PactGrantRow",
    "PactPartnerRow",
    "PactTokenRow",
    "PinRow",
    "ProductModelRow",
    "ProductSystemRow",
    "PropagationItemRow",
    "PropagationRunRow",
    "RuleRow",
    "ScopeRow",
    "SigningKeyRow",
    "SourceRow",
    "StaffRow",
    "SupplierFootprintRow",
    "UserRow",
]


class SourceRow(Base):
    """Where values come from. ``fingerprint`` dedupes identical citations."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    publisher: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None]
    document: Mapped[str | None] = mapped_column(Text)
    table_ref: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    licence: Mapped[str | None] = mapped_column(Text)


class DatabaseRow(Base):
    """A factor set or LCI database, owned by an organisation, with a visibility."""

    __tablename__ = "databases"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # factors | lci
    owner_name: Mapped[str] = mapped_column(String(200))
    owner_kind: Mapped[str] = mapped_column(String(40))  # platform, province, city, association…
    visibility: Mapped[str] = mapped_column(String(20))  # private | shared | public
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    versions: Mapped[list[DatabaseVersionRow]] = relationship(
        back_populates="database", lazy="raise", order_by="DatabaseVersionRow.id"
    )


class DatabaseVersionRow(Base):
    """One published version of a database; its content never changes."""

    __tablename__ = "database_versions"
    __table_args__ = (UniqueConstraint("database_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    database_id: Mapped[int] = mapped_column(ForeignKey("databases.id"))
    version: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    import_format: Mapped[str | None] = mapped_column(String(40))
    import_file: Mapped[str | None] = mapped_column(Text)
    import_sha256: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)

    database: Mapped[DatabaseRow] = relationship(back_populates="versions", lazy="raise")


class GasRow(Base):
    __tablename__ = "gases"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # CO2, CH4-fossil, …
    formula: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(Text)
    name_zh: Mapped[str] = mapped_column(Text)
    cas: Mapped[str | None] = mapped_column(String(20))


class MethodRow(Base):
    """A characterization method: Tanji's GWP sets (by gas) or one imported (by flow)."""

    __tablename__ = "methods"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(40))
    database_version_id: Mapped[int | None] = mapped_column(ForeignKey("database_versions.id"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    # An imported method's id in its source (openLCA impact category @id) and the method
    # that grouped it there (openLCA impact method @id and name).
    source_key: Mapped[str | None] = mapped_column(String(200))
    group_key: Mapped[str | None] = mapped_column(String(200))
    group_name: Mapped[str | None] = mapped_column(Text)


class GasFactorRow(Base):
    """The GWP of one gas in one of Tanji's methods."""

    __tablename__ = "gas_factors"

    method_id: Mapped[int] = mapped_column(ForeignKey("methods.id"), primary_key=True)
    gas_id: Mapped[str] = mapped_column(ForeignKey("gases.id"), primary_key=True)
    factor: Mapped[float] = mapped_column(Float)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))


class FactorRecordRow(Base):
    """The identity of an emission factor inside its database (its code)."""

    __tablename__ = "factor_records"
    __table_args__ = (UniqueConstraint("database_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    database_id: Mapped[int] = mapped_column(ForeignKey("databases.id"))
    code: Mapped[str] = mapped_column(String(200))


class FactorVersionRow(Base):
    """One immutable version of an emission factor. An edit makes a new row."""

    __tablename__ = "factor_versions"
    __table_args__ = (UniqueConstraint("record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("factor_records.id"))
    version: Mapped[int] = mapped_column(Integer)
    introduced_in_id: Mapped[int] = mapped_column(ForeignKey("database_versions.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(40))
    geography: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    co2e: Mapped[float | None] = mapped_column(Float)
    gwp_basis: Mapped[str | None] = mapped_column(Text)
    boundary: Mapped[str] = mapped_column(String(20))
    distribution: Mapped[str] = mapped_column(String(20))
    gsd: Mapped[float | None] = mapped_column(Float)
    sd: Mapped[float | None] = mapped_column(Float)
    minimum: Mapped[float | None] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float)
    pedigree: Mapped[str | None] = mapped_column(String(20))  # "1,2,3,1,2" or NULL
    pef: Mapped[str | None] = mapped_column(String(20))  # "TeR,GeR,TiR,P"
    industry_code: Mapped[str | None] = mapped_column(String(40))
    product_code: Mapped[str | None] = mapped_column(String(40))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    search_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FactorGasRow(Base):
    __tablename__ = "factor_gas_amounts"

    factor_version_id: Mapped[int] = mapped_column(
        ForeignKey("factor_versions.id"), primary_key=True
    )
    gas_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kg: Mapped[float] = mapped_column(Float)


class MembershipRow(Base):
    """Which factor versions make up a database version (unchanged ones carry over)."""

    __tablename__ = "database_version_factors"

    database_version_id: Mapped[int] = mapped_column(
        ForeignKey("database_versions.id"), primary_key=True
    )
    factor_version_id: Mapped[int] = mapped_column(
        ForeignKey("factor_versions.id"), primary_key=True
    )


class FlowRow(Base):
    __tablename__ = "flows"
    __table_args__ = (UniqueConstraint("database_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    database_version_id: Mapped[int] = mapped_column(ForeignKey("database_versions.id"))
    key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(40))
    compartment: Mapped[str] = mapped_column(Text, default="")
    cas: Mapped[str | None] = mapped_column(String(20))
    formula: Mapped[str | None] = mapped_column(String(40))
    gas_id: Mapped[str | None] = mapped_column(String(40))
    flow_property: Mapped[str | None] = mapped_column(String(200))  # FlowPropertyRow.key


class FlowPropertyRow(Base):
    """A quantity an LCI version's flows are measured in, with its ids in the source."""

    __tablename__ = "flow_properties"
    __table_args__ = (UniqueConstraint("database_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    database_version_id: Mapped[int] = mapped_column(ForeignKey("database_versions.id"))
    key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(40))
    unit_key: Mapped[str | None] = mapped_column(String(200))
    unit_group_key: Mapped[str | None] = mapped_column(String(200))
    unit_group_name: Mapped[str | None] = mapped_column(Text)


class ActivityRow(Base):
    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("database_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    database_version_id: Mapped[int] = mapped_column(ForeignKey("database_versions.id"))
    key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(Text)
    name_zh: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(40))
    location: Mapped[str] = mapped_column(String(80), default="")
    reference_product: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text)
    # The reference flow's id in the source and its flow property (FlowPropertyRow.key).
    product_key: Mapped[str | None] = mapped_column(String(200))
    product_property: Mapped[str | None] = mapped_column(String(200))
    waste: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ExchangeRow(Base):
    __tablename__ = "exchanges"
    __table_args__ = (Index("ix_exchanges_provider_id", "provider_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    flow_id: Mapped[int | None] = mapped_column(ForeignKey("flows.id"))
    amount: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40), default="")
    distribution: Mapped[str] = mapped_column(String(20), default="none")
    gsd: Mapped[float | None] = mapped_column(Float)
    sd: Mapped[float | None] = mapped_column(Float)
    minimum: Mapped[float | None] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float)


class CharacterizationRow(Base):
    """A characterization factor of an imported method, per elementary flow."""

    __tablename__ = "characterization_factors"

    method_id: Mapped[int] = mapped_column(ForeignKey("methods.id"), primary_key=True)
    flow_id: Mapped[int] = mapped_column(ForeignKey("flows.id"), primary_key=True)
    factor: Mapped[float] = mapped_column(Float)


class ProductSystemRow(Base):
    __tablename__ = "product_systems"
    __table_args__ = (UniqueConstraint("database_version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    database_version_id: Mapped[int] = mapped_column(ForeignKey("database_versions.id"))
    key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(Text)
    reference_activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    amount: Mapped[float] = mapped_column(Float)


class PinRow(Base):
    """A dependency: something (a footprint, a product model) pinned a record version.

    Written by the layers that compute footprints; read to list what depends on a record.
    """

    __tablename__ = "pins"

    id: Mapped[int] = mapped_column(primary_key=True)
    factor_version_id: Mapped[int | None] = mapped_column(ForeignKey("factor_versions.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    dependent_kind: Mapped[str] = mapped_column(String(40))
    dependent_ref: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProductModelRow(Base):
    """A product model document as computed: immutable, identified by its content hash."""

    __tablename__ = "product_models"
    __table_args__ = (UniqueConstraint("code", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(200), index=True)
    version_label: Mapped[str] = mapped_column(String(80), default="")
    digest: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)  # canonical JSON of the model document
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FootprintResultRow(Base):
    """A computed footprint with its pins: recomputing it gives the same fingerprint."""

    __tablename__ = "footprint_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("product_models.id"))
    product_code: Mapped[str] = mapped_column(String(200), index=True)
    total: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    per: Mapped[str] = mapped_column(String(80))
    method: Mapped[str] = mapped_column(String(80))
    fingerprint: Mapped[str] = mapped_column(String(64))
    pins: Mapped[str] = mapped_column(Text)  # JSON list of {kind, ref, digest}
    submodels: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of model row ids
    result: Mapped[str] = mapped_column(Text)  # the result JSON as printed by `tanji calc --json`
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Whose result it is (set when computed in an organisation's workspace; results
    # computed from the command line belong to no organisation and are operator data).
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(Integer)


class SupplierFootprintRow(Base):
    """A supplier's footprint: imported from a PACT file or published from a result."""

    __tablename__ = "supplier_footprints"
    __table_args__ = (UniqueConstraint("publisher", "ref", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(80))
    product_id: Mapped[str] = mapped_column(String(200), index=True)
    product_name: Mapped[str] = mapped_column(Text)
    company: Mapped[str] = mapped_column(Text)
    declared_amount: Mapped[float] = mapped_column(Float)
    declared_unit: Mapped[str] = mapped_column(String(40))
    total: Mapped[float] = mapped_column(Float)
    biogenic: Mapped[float] = mapped_column(Float, default=0.0)
    dluc: Mapped[float] = mapped_column(Float, default=0.0)
    aircraft: Mapped[float] = mapped_column(Float, default=0.0)
    primary_data_share: Mapped[float | None] = mapped_column(Float)
    pef: Mapped[str | None] = mapped_column(String(20))  # "ter,ger,tir,p"
    gsd: Mapped[float | None] = mapped_column(Float)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    geography: Mapped[str] = mapped_column(String(80), default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verifier: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(20))  # "pact" or "platform"
    result_id: Mapped[int | None] = mapped_column(ForeignKey("footprint_results.id"))
    source: Mapped[str] = mapped_column(Text, default="")
    # Who supplied it: "org:<id>" (published or uploaded by an organisation), "host:<url>"
    # (fetched from a PACT host) or "local" (imported by the operator). A supplier line
    # resolves to (publisher, product_id), never to a product id alone.
    publisher: Mapped[str] = mapped_column(String(200), default="local", index=True)
    # An assurance the file or host claims, which the platform did not verify.
    claimed_verifier: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertificateClaimRow(Base):
    """An electricity certificate or contract claimed by a product model: claimed once."""

    __tablename__ = "certificate_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate: Mapped[str] = mapped_column(String(200), unique=True)
    product_code: Mapped[str] = mapped_column(String(200))
    line: Mapped[str] = mapped_column(String(200))
    result_id: Mapped[int] = mapped_column(ForeignKey("footprint_results.id"))


class RuleRow(Base):
    """An accounting rule (产品碳足迹核算规则) version: its document and where it is in its life.

    ``document`` is the rule document as canonical JSON (``digest`` is its SHA-256); the
    other columns repeat what lists and filters need. ``status`` is the library's (it moves
    draft → trial → published → superseded); the document keeps the status it was written
    with. ``origin`` is "shipped" (``tanji/data/rules``) or "imported".
    """

    __tablename__ = "rules"
    __table_args__ = (UniqueConstraint("rule_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))
    title_zh: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(200), index=True)
    document: Mapped[str] = mapped_column(Text)  # canonical JSON of the rule document
    digest: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(20))  # "shipped" or "imported"
    authors: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {kind, name}
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OrganisationRow(Base):
    """An organisation on the platform: an enterprise, a certifier, a department, …

    ``kind`` and ``status`` hold :class:`tanji.domain.accounts.OrgKind` and ``OrgStatus``
    values; ``uscc`` is the unified social credit code (NULL for the platform operator
    and organisations registered without one); ``region`` an ISO 3166-2 code extended
    with the city (``CN-JS``, ``CN-JS-SZ``).
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text, default="")
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    region: Mapped[str] = mapped_column(String(20), default="CN-JS")
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: A demo organisation (published passwords): its footprints never count in progress.
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class UserRow(Base):
    """A person who logs in. ``email`` is stored lower-cased; ``password_hash`` is argon2id."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(20), default="zh-CN")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OrgMemberRow(Base):
    """A person's role in an organisation (not :class:`MembershipRow`, the factor sets')."""

    __tablename__ = "org_members"
    __table_args__ = (UniqueConstraint("org_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))


class ApiTokenRow(Base):
    """An API token: only the SHA-256 of its secret is kept; ``prefix`` identifies it."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))
    scopes: Mapped[str] = mapped_column(Text)  # space-separated actions
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """One change: who did what to which entity, with the entity before and after (JSON).

    Append-only: the services write rows and never update or delete them. The actor
    columns are plain integers, not foreign keys, so an entry outlives what it names.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_org_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(80))
    entity_kind: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(45))


class ProductRow(Base):
    """A product in an organisation's workspace: its working model document (edited in
    forms, uploaded as YAML or filled from the Excel template) and, through
    :class:`FootprintResultRow`, every footprint computed from it (its versions).

    Tenant data: only the owning organisation (and later a certification body it
    assigns) may read it.

    ``version`` counts the changes: every change is an
    ``UPDATE … WHERE version = :read``, so a change made from a stale read fails instead
    of overwriting (SQLAlchemy's ``version_id_col``; see
    :mod:`tanji.services.product_lock`). It is the product's ETag in the API and a
    hidden field in the workspace's forms.
    """

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    code: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(Text, default="")
    name_en: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(80), default="")
    rule_ref: Mapped[str | None] = mapped_column(String(200))  # rule id@version it follows
    document: Mapped[str] = mapped_column(Text)  # the working model document, JSON
    created_by: Mapped[int | None] = mapped_column(Integer)
    updated_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)


# The certification and authentication tables live in their own modules (this one is long
# enough); importing them here puts them in the metadata that Alembic compares.
# --- admission (issue 15): its own module, re-exported like certification's.
from tanji.db.admission_tables import (  # noqa: E402
    AdmissionDatabaseRow,
    AdmissionDeclarationRow,
    AdmissionEvidenceRow,
    AdmissionReviewerRow,
    AdmissionReviewRow,
    AdmissionSectorRow,
    AdmissionSubmissionRow,
    PropagationItemRow,
    PropagationRunRow,
)
from tanji.db.auth_tables import (  # noqa: E402
    AuthInvitationRow,
    AuthMfaRow,
    AuthOneTimeTokenRow,
    AuthRecoveryCodeRow,
    AuthSessionRow,
)
from tanji.db.certification_tables import (  # noqa: E402
    BlacklistEntryRow,
    CaseEventRow,
    CaseFindingRow,
    CertificateRow,
    CertificationBodyRow,
    CertificationCaseRow,
    ConsultancyDeclarationRow,
    CreditFindingRow,
    EvidenceRow,
    NotificationRow,
    ScopeRow,
    StaffRow,
    SurveillanceReminderRow,
)

# The label tables, likewise in their own module.
from tanji.db.label_tables import LabelIdentifierRow, LabelReportRow, LabelRow  # noqa: E402, F401
from tanji.db.ledger_tables import (  # noqa: E402
    LedgerEntryRow,
    LedgerNodeRow,
    LedgerStateRow,
    LedgerTreeHeadRow,
    SigningKeyRow,
)

# The PACT exchange's tables (partners, served footprints, connections, events).
from tanji.db.pact_tables import (  # noqa: E402
    PactConnectionRow,
    PactEventRow,
    PactFootprintRow,
    PactGrantRow,
    PactPartnerRow,
    PactTokenRow,
)

# --- benchmarks (issue 16): their tables live in benchmark_tables.py.
__all__ += [
    "BenchmarkEfficiencyMethodRow",
    "BenchmarkEnergyReportRow",
    "BenchmarkIndustryAverageRow",
    "BenchmarkOfficialValueRow",
    "BenchmarkPolicyRow",
]
from tanji.db.benchmark_tables import (  # noqa: E402
    BenchmarkEfficiencyMethodRow,
    BenchmarkEnergyReportRow,
    BenchmarkIndustryAverageRow,
    BenchmarkOfficialValueRow,
    BenchmarkPolicyRow,
)

# --- green supply chains (issue 17): their table lives in supply_tables.py.
__all__ += ["SupplyRequestRow"]
from tanji.db.supply_tables import SupplyRequestRow  # noqa: E402

# --- the government's desk (issue 17): its table lives in desk_tables.py.
__all__ += ["DeskWorkPlanRow"]
from tanji.db.desk_tables import DeskWorkPlanRow  # noqa: E402

# --- service providers and policy (issue 17): their tables live in services_tables.py.
__all__ += ["PolicyItemRow", "ProviderServiceRow", "ServiceRequestRow", "SurveillanceReminderRow"]
# The public directory's tables (contact requests, disclosures; issue 17).
from tanji.db.directory_tables import ContactRequestRow, DisclosureRow  # noqa: E402, F401

# --- the durable job queue (issue 19)
from tanji.db.job_tables import JobRow  # noqa: E402
from tanji.db.services_tables import (  # noqa: E402
    PolicyItemRow,
    ProviderServiceRow,
    ServiceRequestRow,
)

__all__ += ["JobRow"]
from tanji.db.throttle_tables import ThrottleCounterRow  # noqa: E402

__all__ += ["ThrottleCounterRow"]
