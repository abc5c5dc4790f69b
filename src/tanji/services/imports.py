"""Importing files into the background databases: one function per user intention.

From the command line (:func:`import_file`: a path, the operator's own authority) and
from the web (:func:`check_import`, then :func:`import_upload` in a job): an uploaded
file is staged in a temporary folder (:func:`stage_upload`), checked against who is
asking and where it goes, read, stored as a new database version in one transaction
and recorded in the audit log (``data.import``, whose snapshot is the summary
:func:`import_report` shows again). Messages name the file as its sender named it,
never the temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import AuditRow, DatabaseRow, DatabaseVersionRow, OrganisationRow
from tanji.domain.accounts import Actor
from tanji.domain.factors import EmissionFactor
from tanji.domain.footprint_uncertainty import Progress
from tanji.domain.lci import ImportNote, LciBundle
from tanji.domain.problems import Problem, problem_of
from tanji.io.errors import DataFormatError, ImportProblemsError
from tanji.io.factor_table import FactorTableError
from tanji.io.limits import open_zip
from tanji.io.policy import MULTI_OUTPUT, PROVIDERS, UNLINKED, ImportPolicy
from tanji.services.audit import audit
from tanji.services.background import BackgroundStore
from tanji.services.catalog import (
    OWNER_KIND,
    VISIBILITIES,
    Destination,
    file_sha256,
    get_database,
    get_lci_version,
    get_version,
)
from tanji.services.errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
)
from tanji.services.factors import ImportSummary, import_factors
from tanji.services.lci_import import LciImportSummary, import_bundle

__all__ = [
    "FACTOR_FORMATS",
    "FORMATS",
    "LCI_FORMATS",
    "POLICY_CHOICES",
    "ImportDestination",
    "ImportOrder",
    "ImportReport",
    "ImportRequest",
    "StagedUpload",
    "check_import",
    "import_destinations",
    "import_file",
    "import_policy",
    "import_report",
    "import_upload",
    "read_bundle",
    "stage_upload",
    "write_snapshot",
]

#: ``ilcd-factors`` and ``tidas``: a factor database exchanged as ILCD or TIDAS (see
#: :mod:`tanji.services.admission.exchange`), each factor with its source dataset.
FACTOR_FORMATS = ("csv", "xlsx", "ilcd-factors", "tidas")
LCI_FORMATS = ("olca-jsonld", "ecospold2", "ilcd", "tidas-lci", "bw-datapackage")
FORMATS = FACTOR_FORMATS + LCI_FORMATS
#: The choices of each import policy (the first is the default).
POLICY_CHOICES: dict[str, tuple[str, ...]] = {
    "unlinked": UNLINKED,
    "multi_output": MULTI_OUTPUT,
    "providers": PROVIDERS,
}


@dataclass(frozen=True)
class ImportRequest:
    path: Path
    format: str
    target: Destination
    #: The import policies (:mod:`tanji.io.policy`): unlinked inputs, multi-output
    #: processes without allocation, several providers of one product.
    unlinked: str = "error"
    multi_output: str = "error"
    providers: str = "error"


def import_file(session: Session, request: ImportRequest) -> ImportSummary | LciImportSummary:
    """Read a file in its format and store it as a new database version, all or nothing."""
    if request.format not in FORMATS:
        raise ServiceError(f"--format must be one of {', '.join(FORMATS)}, not {request.format!r}")
    path = request.path
    if not path.exists():
        raise ServiceError(f"{path}: no such file or directory")
    target = replace(request.target, import_file=path.name, import_sha256=file_sha256(path))
    if request.format in FACTOR_FORMATS:
        return import_factors(
            session, read_factors(path, request.format), target, import_format=request.format
        )
    if request.format == "bw-datapackage":
        from tanji.io.brightway import datapackage_paths
        from tanji.services.brightway_import import import_brightway

        return import_brightway(session, datapackage_paths(path), target)
    policy = import_policy(request.unlinked, request.multi_output, request.providers)
    return import_bundle(session, read_bundle(path, request.format, policy=policy), target)


def read_factors(path: Path, fmt: str) -> list[EmissionFactor]:
    """Parse a factor file: a table (CSV, Excel) or an ILCD / TIDAS exchange zip."""
    if fmt in ("ilcd-factors", "tidas"):
        from tanji.io.exchange import read_ilcd_factors, read_tidas_factors

        return (read_ilcd_factors if fmt == "ilcd-factors" else read_tidas_factors)(path)
    from tanji.io.factor_table import read_factor_table

    return read_factor_table(path)


def import_policy(unlinked: str, multi_output: str, providers: str) -> ImportPolicy:
    """The import policies asked for, or an error naming each option that is not one."""
    problems = policy_problems(unlinked, multi_output, providers)
    if problems:
        raise InvalidInputError(
            "; ".join(f"--{k.replace('_', '-')}: {v}" for k, v in problems.items()),
            fields=problems,
        )
    return ImportPolicy(unlinked, multi_output, providers)


def policy_problems(unlinked: str, multi_output: str, providers: str) -> dict[str, str]:
    """Each import-policy option that is not one of its choices, by field name."""
    asked = {"unlinked": unlinked, "multi_output": multi_output, "providers": providers}
    return {
        name: f"expected {' or '.join(map(repr, POLICY_CHOICES[name]))}, not {value!r}"
        for name, value in asked.items()
        if value not in POLICY_CHOICES[name]
    }


def read_bundle(path: Path, fmt: str, *, policy: ImportPolicy | None = None) -> LciBundle:
    """Parse an LCI file (readers are imported on demand: each pulls in its library)."""
    policy = policy or ImportPolicy()
    if fmt == "olca-jsonld":
        from tanji.io.olca_jsonld import read_jsonld

        return read_jsonld(path, policy=policy)
    if fmt == "ecospold2":
        from tanji.io.ecospold2 import read_ecospold2

        return read_ecospold2(path, policy=policy)
    if fmt == "ilcd":
        from tanji.io.ilcd import read_ilcd

        return read_ilcd(path, policy=policy)
    if fmt == "tidas-lci":
        from tanji.io.exchange import read_tidas_bundle

        return read_tidas_bundle(path, policy=policy)
    raise ServiceError(
        f"{fmt!r} is not a bundle format; Brightway datapackages are stored array to table"
    )


# --- Imports from the web ------------------------------------------------------------

#: The files each format takes when uploaded (an ecoSpold2 database is a zip of .spold
#: files; a single data set may come alone).
UPLOAD_SUFFIXES: dict[str, tuple[str, ...]] = {
    "csv": (".csv",),
    "xlsx": (".xlsx",),
    "ilcd-factors": (".zip",),
    "tidas": (".zip",),
    "olca-jsonld": (".zip",),
    "ecospold2": (".zip", ".spold", ".xml"),
    "ilcd": (".zip",),
    "tidas-lci": (".zip",),
    "bw-datapackage": (".zip",),
}
ACTION = "data.import"


@dataclass(frozen=True)
class ImportOrder:
    """An import asked for from the web, checked before its file is read."""

    format: str
    filename: str
    target: Destination
    #: The import policies (:mod:`tanji.io.policy`).
    unlinked: str = "error"
    multi_output: str = "error"
    providers: str = "error"

    @property
    def kind(self) -> str:
        return "factors" if self.format in FACTOR_FORMATS else "lci"


@dataclass(frozen=True)
class StagedUpload:
    """An uploaded file kept in its own temporary folder until the import ends."""

    path: Path

    def discard(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


@dataclass(frozen=True)
class ImportReport:
    """What an import stored: the audit entry ``id``, the database and its new version,
    the file, and the counts (``counts``: name → number, in the summary's order)."""

    id: int
    kind: str
    database: str
    version: str
    format: str
    filename: str
    records: int
    counts: dict[str, Any]
    cut_off_inputs: tuple[str, ...]
    #: What the import policies did, by process and exchange (LCI imports).
    notes: tuple[ImportNote, ...] = ()
    #: greenhouse-gas-like flows the import mapped to no gas (name, compartment, CAS)
    ghg_warnings: tuple[str, ...] = ()


def _require_import(actor: Actor) -> None:
    """Refuse, saying who may, anyone who may not import (``factor.import``)."""
    if not actor.can("factor.import"):
        raise PermissionDeniedError(
            "Importing emission factors and LCI data is for the editors and admins of "
            "industry associations and of the provincial department, and for the platform "
            "operator's admins"
            + (" (and with a token whose scopes include 'factor.import')" if actor.scopes else "")
            + "."
        )


@dataclass(frozen=True)
class ImportDestination:
    """A database an actor may add a version to."""

    name: str
    kind: str
    versions: tuple[str, ...]


def import_destinations(session: Session, actor: Actor) -> list[ImportDestination]:
    """The databases ``actor`` may import a new version into: their organisation's (the
    platform operator: every one). Refuses anyone who may not import."""
    _require_import(actor)
    org = session.get(OrganisationRow, actor.org_id)
    if org is None:
        raise NotFoundError(f"no organisation {actor.org_id}")
    query = select(DatabaseRow).order_by(DatabaseRow.name)
    if not actor.is_platform_admin:
        query = query.where(
            DatabaseRow.owner_name == org.name,
            DatabaseRow.owner_kind == OWNER_KIND[actor.org_kind],
        )
    found = []
    for database in session.scalars(query):
        versions = session.scalars(
            select(DatabaseVersionRow.version)
            .where(DatabaseVersionRow.database_id == database.id)
            .order_by(DatabaseVersionRow.id)
        )
        found.append(ImportDestination(database.name, database.kind, tuple(versions)))
    return found


def _safe_filename(filename: str, fmt: str) -> str:
    """The sender's file name without folders or odd characters (for messages and disk)."""
    name = re.sub(r"[^\w.\- ]", "_", Path(filename.replace("\\", "/")).name).strip(" .")
    return name or f"upload{UPLOAD_SUFFIXES.get(fmt, ('',))[0]}"


def check_import(
    session: Session,
    actor: Actor,
    *,
    fmt: str,
    filename: str,
    name: str,
    version: str = "",
    visibility: str = "private",
    unlinked: str = "error",
    multi_output: str = "error",
    providers: str = "error",
) -> ImportOrder:
    """Check an import before any file is read: the actor may import (``factor.import``),
    every input is valid (all problems at once, by field), and the database is new or
    the actor's organisation's (the platform operator may add versions to any)."""
    _require_import(actor)
    problems: dict[str, str] = {}
    name, version = name.strip(), version.strip()
    if fmt not in FORMATS:
        problems["format"] = Problem("import-format-choice", choices=", ".join(FORMATS), given=fmt)
    elif not filename or not filename.lower().endswith(UPLOAD_SUFFIXES[fmt]):
        suffixes = " or ".join(UPLOAD_SUFFIXES[fmt])
        problems["file"] = (
            Problem("import-file-suffix", file=filename, format=fmt, suffixes=suffixes)
            if filename
            else Problem("import-no-file", format=fmt, suffixes=suffixes)
        )
    if not name or len(name) > 200 or ":" in name:
        problems["name"] = Problem("import-database-name")
    if len(version) > 50:
        problems["version"] = Problem("import-version-label")
    if visibility not in VISIBILITIES:
        problems["visibility"] = Problem(
            "import-visibility-choice", choices=", ".join(VISIBILITIES), given=visibility
        )
    problems.update(policy_problems(unlinked, multi_output, providers))
    if problems:
        raise InvalidInputError(
            "; ".join(f"{k}: {v}" for k, v in problems.items()), fields=problems
        )
    org = session.get(OrganisationRow, actor.org_id)
    if org is None:
        raise NotFoundError(f"no organisation {actor.org_id}")
    order = ImportOrder(
        fmt,
        _safe_filename(filename, fmt),
        Destination(name, version or None, org.name, OWNER_KIND[actor.org_kind], visibility),
        unlinked,
        multi_output,
        providers,
    )
    _check_destination(session, actor, order)
    return order


def _check_destination(session: Session, actor: Actor, order: ImportOrder) -> None:
    """The database may take a new version from ``actor`` (checked again in the job)."""
    target = order.target
    database = session.scalar(select(DatabaseRow).where(DatabaseRow.name == target.name))
    if database is None:
        return
    owner = (database.owner_name, database.owner_kind)
    if not actor.is_platform_admin and owner != (target.owner_name, target.owner_kind):
        raise PermissionDeniedError(
            f"database {target.name!r} belongs to {database.owner_name}; only its owner may "
            "add versions to it: import under another name"
        )
    if database.kind != order.kind:
        kind = Problem(
            "import-database-kind", name=target.name, kind=database.kind, wanted=order.kind
        )
        raise InvalidInputError(kind, fields={"name": kind})
    if target.version is not None:
        try:
            get_version(session, database, target.version)
        except NotFoundError:
            return
        exists = Problem("import-version-exists", name=target.name, version=target.version)
        raise InvalidInputError(exists, fields={"version": exists})


def stage_upload(
    stream: IO[bytes], order: ImportOrder, *, root: Path | None = None
) -> StagedUpload:
    """Copy an uploaded file into a temporary folder of its own (under ``root``, else
    the system's temporary folder), under its own name."""
    folder = Path(tempfile.mkdtemp(prefix="tanji-import-", dir=root))
    path = folder / order.filename
    with path.open("wb") as handle:
        shutil.copyfileobj(stream, handle, 1 << 20)
    return StagedUpload(path)


def _within(report: Progress, low: int, high: int) -> Progress:
    """A service's own progress (done of total) shown between ``low`` and ``high`` %."""

    def scaled(done: int, total: int, message: str) -> None:
        share = done / total if total > 0 else 0.0
        report(low + round((high - low) * min(max(share, 0.0), 1.0)), 100, message)

    return scaled


def import_upload(
    session: Session,
    actor: Actor,
    order: ImportOrder,
    upload: StagedUpload,
    *,
    progress: Progress | None = None,
) -> ImportReport:
    """Read a staged upload and store it as a new database version, all or nothing, with
    an audit entry. ``progress(done, total, message)`` (of 100) is told per phase: reading
    the file, checking the destination, storing the records.

    A file that cannot be read raises :class:`~tanji.io.errors.DataFormatError` naming
    the file (as uploaded), the row, column or entry, and what was expected.
    """

    def quiet(done: int, total: int, message: str) -> None:
        """Nobody is watching."""

    report = progress or quiet
    _require_import(actor)
    path = upload.path
    target = replace(order.target, import_file=order.filename, import_sha256=file_sha256(path))
    with _named_as_uploaded(path.parent, order.filename):
        report(5, 100, "Reading the file")
        if order.format in FACTOR_FORMATS:
            factors = read_factors(path, order.format)
            report(40, 100, "Checking the destination")
            _check_destination(session, actor, order)
            report(45, 100, "Storing the factors")
            summary: ImportSummary | LciImportSummary = import_factors(
                session, factors, target, import_format=order.format,
                progress=_within(report, 45, 95),
            )  # fmt: skip
        elif order.format == "bw-datapackage":
            from tanji.services.brightway_import import import_brightway

            _check_destination(session, actor, order)
            summary = import_brightway(session, [path], target, progress=_within(report, 5, 80))
        else:
            policy = ImportPolicy(order.unlinked, order.multi_output, order.providers)
            bundle = read_bundle(_unpacked(path, order.format), order.format, policy=policy)
            folder, filename = path.parent, order.filename
            notes = tuple(
                ImportNote(
                    _as_uploaded(n.process, folder, filename),
                    _as_uploaded(n.exchange, folder, filename),
                    n.kind,
                    _as_uploaded(n.detail, folder, filename),
                )
                for n in bundle.notes
            )
            bundle = replace(bundle, notes=notes)
            report(40, 100, "Checking the destination")
            _check_destination(session, actor, order)
            summary = import_bundle(session, bundle, target, progress=_within(report, 45, 80))
    return _record(session, actor, order, summary)


def _as_uploaded(text: str, folder: Path, filename: str) -> str:
    """``text`` naming the file as its sender named it, not the temporary folder."""
    prefixes = (f"{folder / _UNPACKED}{os.sep}", f"{folder}{os.sep}")
    replacements = (f"{filename}: ", "")
    for prefix, replacement in zip(prefixes, replacements, strict=True):
        text = text.replace(prefix, replacement)
    return text


@contextmanager
def _named_as_uploaded(folder: Path, filename: str) -> Iterator[None]:
    """Errors name the file as uploaded: the temporary folder is taken out of them."""

    def clean(text: str) -> str:
        if isinstance(text, Problem):  # its values name no temporary folder
            return text
        return _as_uploaded(text, folder, filename)

    try:
        yield
    except ImportProblemsError as error:
        problems = tuple(
            ImportNote(clean(p.process), clean(p.exchange), p.kind, clean(p.detail))
            for p in error.problems
        )
        raise ImportProblemsError(clean(error.source), problems) from None
    except FactorTableError as error:  # kept as such: a page lists its cells
        raise FactorTableError(Path(clean(str(error.path))), error.errors, error.sheet) from None
    except DataFormatError as error:
        problem = clean(error.problem)
        raise DataFormatError(clean(error.source), problem) from None
    except ServiceError as error:
        raise type(error)(clean(problem_of(error)), fields=error.fields) from None


_UNPACKED = "unpacked"


def _unpacked(path: Path, fmt: str) -> Path:
    """What the format's reader takes: ecoSpold2 reads a folder, so its zip is unpacked
    (into the upload's folder); the other formats read their zip as it is."""
    if fmt != "ecospold2" or path.suffix.lower() != ".zip":
        return path
    if not zipfile.is_zipfile(path):
        raise DataFormatError(str(path), Problem("import-not-zip"))
    target = path.parent / _UNPACKED
    with open_zip(path) as archive:  # entry count, unpacked size and ratio capped
        archive.extractall(target)  # extractall drops absolute paths and '..' parts
    folders = sorted(
        {p.parent for p in target.rglob("*") if p.suffix.lower() in (".spold", ".xml")}
    )
    if len(folders) != 1:
        code = "import-no-spold" if not folders else "import-spold-folders"
        raise DataFormatError(str(path), Problem(code))
    return folders[0]


def _record(
    session: Session,
    actor: Actor,
    order: ImportOrder,
    summary: ImportSummary | LciImportSummary,
) -> ImportReport:
    """The audit entry of an import; its snapshot is the summary shown afterwards."""
    dbv = get_version(session, get_database(session, summary.database), summary.version)
    snapshot = {
        "kind": order.kind,
        "format": order.format,
        "file": order.filename,
        "visibility": order.target.visibility,
        **asdict(summary),
    }
    row = audit(session, actor, ACTION, "database_version", dbv.id, after=snapshot)
    return _report_of(row.id, snapshot)


def _report_of(entry_id: int, snapshot: dict[str, Any]) -> ImportReport:
    extra = {
        "kind", "format", "file", "visibility", "database", "version", "cut_off_inputs",
        "ghg_warnings", "notes",
    }  # fmt: skip
    counts = {k: v for k, v in snapshot.items() if k not in extra}
    if snapshot["kind"] == "factors":
        records = counts["new"] + counts["changed"] + counts["unchanged"]
    else:
        records = counts["activities"]
    return ImportReport(
        id=entry_id,
        kind=snapshot["kind"],
        database=snapshot["database"],
        version=snapshot["version"],
        format=snapshot["format"],
        filename=snapshot["file"],
        records=records,
        counts=counts,
        cut_off_inputs=tuple(snapshot.get("cut_off_inputs", ())),
        notes=tuple(ImportNote(**note) for note in snapshot.get("notes", ())),
        ghg_warnings=tuple(snapshot.get("ghg_warnings", ())),
    )


def import_report(session: Session, actor: Actor, entry_id: int) -> ImportReport:
    """The summary of an import, for the organisation that made it (and the operator)."""
    row = session.get(AuditRow, entry_id)
    if (
        row is None
        or row.action != ACTION
        or row.after is None
        or (row.actor_org_id != actor.org_id and not actor.is_platform_admin)
    ):
        raise NotFoundError(f"no import {entry_id}")
    return _report_of(row.id, json.loads(row.after))


def write_snapshot(
    session: Session, backgrounds: BackgroundStore, database: str, version: str
) -> None:
    """Keep a new LCI version's exchanges as columns on disk: preparing it for product
    footprints then never reads a million rows through SQL again."""
    backgrounds.exchanges(session, get_lci_version(session, database, version).id)
