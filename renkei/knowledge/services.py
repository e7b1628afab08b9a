"""Writes to the library: products and their files, publication, knowledge requests and their
answers. Every write checks who asks, validates everything before it writes anything (the typed
inputs of ``inputs.py``, then what needs the database), records the audit log, and emits its
event (``events.py``) once committed — reindexing and forgetting files are the handlers' work
(registered in ``apps.py``), so a change has the same effects from the web, the API, the admin
and the importer. Updates lock the row, write only the fields given and compare the version
the caller saw.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel

from renkei.accounts.models import User
from renkei.core import hooks
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, Conflict, ErrorCollector, NotAllowed
from renkei.core.inputs import parse
from renkei.core.models import AuditEntry
from renkei.core.slugs import unique_slug
from renkei.core.uploads import IMAGE_EXTENSIONS, LIBRARY_TYPES, Upload, check_upload, removed_on_failure
from renkei.knowledge import events, permissions
from renkei.knowledge.inputs import LANGUAGE_CODES as LANGUAGE_CODES
from renkei.knowledge.inputs import (
    ActivityFromRequest,
    AnswerNew,
    ProductChange,
    ProductNew,
    RequestChange,
    RequestNew,
    _euros,
    _names,
    _pilot,
    _population,
    _slug,
)
from renkei.knowledge.models import KnowledgeRequest, Product, ProductFile, RequestAnswer
from renkei.knowledge.text import markdown_text, pdf_text
from renkei.places.models import Organisation, Place, Theme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser

MAX_LIBRARY_FILE_BYTES = 50 * 1024 * 1024
MAX_FILES_PER_PRODUCT = 20
TEXT_FIELDS = ("title", "summary", "body", "preconditions")
AUDITED = ["kind", "title", "summary", "video_url", "published_on", "authors", "licence", "status", "visibility",
           "suits_min_population", "suits_max_population", "cost_min_eur", "cost_max_eur", "partnership",
           "activity", "pilot"]
# many-to-many links, by the key each is named with
RELATIONS = {"themes": (Theme, "code"), "places": (Place, "slug"), "organisations": (Organisation, "slug"),
             "editors": (User, "username")}

def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def _raw(data: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
    return data.model_dump(exclude_unset=True) if isinstance(data, BaseModel) else dict(data)


# --- validation ---------------------------------------------------------------------------------

def _refs(model, names: list[str], field: str, errors: ErrorCollector, key: str) -> list:
    rows = model if isinstance(model, QuerySet) else model.objects
    found = {str(getattr(o, key)): o for o in rows.filter(**{f"{key}__in": names})}
    missing = [v for v in names if v not in found]
    if missing:
        errors.add(field, _("unknown: %(values)s") % {"values": ", ".join(missing)})
    return [found[v] for v in names if v in found]


def _one(model, value, field: str, errors: ErrorCollector, key: str = "slug"):
    if value is None:
        return None
    found = model.objects.filter(**{key: value}).first()
    if found is None:
        errors.add(field, _("unknown: %(values)s") % {"values": value})
    return found


def _links(values: dict[str, Any], errors: ErrorCollector, *, checked: bool) -> tuple[dict, dict]:
    """The partnership, activity and pilot, and the many-to-many links named in ``values``, looked
    up; unknown ones are added to ``errors``. ``checked``: the values passed the input's checks
    (otherwise they are raw, and those that fail the checks were reported already)."""
    from renkei.activities.models import Activity
    from renkei.partnerships.models import Partnership, Pilot

    links: dict[str, Any] = {}
    relations: dict[str, list | None] = {}
    for name, model, key, clean in (("partnership", Partnership, "slug", _slug), ("activity", Activity, "slug", _slug),
                                    ("pilot", Pilot, "pk", _pilot)):
        if name in values:
            try:
                value = values[name] if checked else clean(values[name])
            except ValueError:
                continue
            links[name] = _one(model, value, name, errors, key=key)
    for name, (model, key) in RELATIONS.items():
        if name not in values:
            continue
        try:
            names = values[name] if checked else _names(values[name]) if values[name] not in (None, "") else None
        except ValueError:
            continue
        relations[name] = None if names is None else _refs(model, names, name, errors, key)
    return links, relations


def _checked(data: ProductChange | Mapping[str, Any], *, instance: Product | None,
             errors: ErrorCollector) -> tuple[ProductChange | None, dict, dict]:
    """The product's input, its fields and its links; every problem goes into ``errors``."""
    model = ProductNew if instance is None else ProductChange
    item = None
    with errors.collecting():
        item = parse(model, data)
    if item is None:
        values = _raw(data)
    elif instance is None:
        values = item.model_dump(exclude={"status", "slug"})
    else:
        values = item.given()
    links, relations = _links(values, errors, checked=item is not None)
    _ranges(values, errors, instance=instance, checked=item is not None)
    if item is None:
        return None, {}, relations
    fields = {name: value for name, value in values.items() if name not in RELATIONS}
    fields.update(links)
    if instance is None and relations.get("themes", None) is None:
        relations["themes"] = None  # taken from the text's suggestions
    if instance is None and fields.get("kind") == Product.Kind.VIDEO and not fields.get("video_url") \
            and "video_url" not in errors:
        errors.add("video_url", _("a video needs its link"))
    return item, fields, relations


def _ranges(values: dict[str, Any], errors: ErrorCollector, *, instance: Product | None, checked: bool) -> None:
    """The smallest city a product suits is not larger than the largest, nor its lowest cost above
    the highest (the values given, else the product's; raw values that fail their checks skipped)."""
    def value(name: str, clean):
        if name not in values:
            return getattr(instance, name, None)
        try:
            return values[name] if checked else clean(values[name])
        except ValueError:
            return None

    for low_name, high_name, clean, message in (
            ("suits_min_population", "suits_max_population", _population,
             _("must be at least the smallest size it suits")),
            ("cost_min_eur", "cost_max_eur", _euros, _("must be at least the lowest cost"))):
        low, high = value(low_name, clean), value(high_name, clean)
        if low is not None and high is not None and low > high:
            errors.add(high_name, message)


def clean_product(data: ProductChange | Mapping[str, Any], *, instance: Product | None = None) -> tuple[dict, dict]:
    """Check a product's fields (all of them, or those given when editing); returns (fields,
    relations) or raises ApplicationError naming every bad field."""
    errors = ErrorCollector()
    _item, fields, relations = _checked(data, instance=instance, errors=errors)
    errors.raise_if_any()
    return fields, relations


def languages_of(product: Product) -> str:
    codes = [c for c in dict.fromkeys([*product.title, *product.summary, *product.body]) if
             product.title.get(c) or product.summary.get(c) or product.body.get(c)]
    return " ".join(codes)


# --- themes from the text -------------------------------------------------------------------------

def product_text(fields: dict) -> str:
    parts = [*fields.get("title", {}).values(), *fields.get("summary", {}).values()]
    parts += [markdown_text(v)[:2000] for v in fields.get("body", {}).values()]
    return "\n".join(p for p in parts if p)


def suggest_themes(text: str, *, limit: int = 4) -> list[tuple[Theme, float]]:
    """Themes the text is about, best first, with a confidence (the taxonomy's names and synonyms
    in both languages, plus the multilingual encoder)."""
    from renkei.matching.tagging import tag

    found = tag(text, limit=limit)
    themes = Theme.objects.in_bulk([tid for tid, _c in found])
    return [(themes[tid], confidence) for tid, confidence in found if tid in themes]


# --- files --------------------------------------------------------------------------------------

def prepare_file(upload: Upload, field: str = "files") -> dict:
    """Check one upload (``core.uploads.check_upload``, with the library's types and size) and
    extract its text; raise ApplicationError before anything is stored."""
    check_upload(upload, field, types=LIBRARY_TYPES, max_bytes=MAX_LIBRARY_FILE_BYTES)
    extension = upload.extension
    kind = ProductFile.Kind.IMAGE if extension in IMAGE_EXTENSIONS else ProductFile.Kind.OFFICE
    info: dict[str, Any] = {"name": os.path.basename(upload.name)[:255], "size": len(upload.content), "kind": kind,
                            "text": "", "text_status": ProductFile.TextStatus.NOT_APPLICABLE, "pages": None}
    if extension == ".pdf":
        extracted = pdf_text(upload.content)
        if not extracted.readable:  # opened for the check, but a page failed while its text was taken
            raise ApplicationError(_("%(name)s cannot be read as a PDF (damaged or incomplete?).")
                                   % {"name": upload.name}, field=field)
        info.update(kind=ProductFile.Kind.PDF, text=extracted.text, pages=extracted.pages,
                    text_status=ProductFile.TextStatus.EXTRACTED if extracted.text else ProductFile.TextStatus.NO_TEXT)
    return info


def _store_files(product: Product, prepared: list[tuple[Upload, dict]], actor: Actor,
                 stored: list[str]) -> list[ProductFile]:
    out = []
    for upload, info in prepared:
        item = ProductFile(product=product, uploaded_by=_user(actor), **info)
        item.file.save(info["name"], ContentFile(upload.content), save=False)
        stored.append(item.file.name)
        item.save()
        out.append(item)
    return out


def forget_files(names: Iterable[str]) -> None:
    """Delete stored files (after the rows that named them are gone)."""
    from django.core.files.storage import default_storage

    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def prepare_files(files: list[Upload], already: int = 0) -> list[tuple[Upload, dict]]:
    if already + len(files) > MAX_FILES_PER_PRODUCT:
        raise ApplicationError(_("A product holds at most %(n)s files.") % {"n": MAX_FILES_PER_PRODUCT}, field="files")
    errors = ErrorCollector()
    prepared = []
    for upload in files:
        try:
            prepared.append((upload, prepare_file(upload)))
        except ApplicationError as exc:
            errors.add("files", exc.message)
    errors.raise_if_any()
    return prepared


# --- products -----------------------------------------------------------------------------------

def _apply_relations(product: Product, relations: dict, fields: dict) -> None:
    themes = relations.get("themes", "unchanged")
    text = product_text({name: getattr(product, name) for name in TEXT_FIELDS})
    if themes is None or "title" in fields or "summary" in fields or "body" in fields:
        suggestions = suggest_themes(text)
        product.suggested_themes = [[t.code, round(c, 3)] for t, c in suggestions]
        product.save(update_fields=["suggested_themes"])
        if themes is None:
            themes = [t for t, _c in suggestions]
    if themes != "unchanged":
        product.themes.set(themes)
    for name in ("places", "organisations", "editors"):
        if name in relations:
            getattr(product, name).set(relations[name])


def _locked(product: Product) -> Product:
    return Product.objects.select_for_update().get(pk=product.pk)


def product_create(*, actor: Actor, data: ProductNew | Mapping[str, Any], files: Iterable[Upload] = ()) -> Product:
    """A new draft (curators may create it published with ``"status": "published"``). Without
    themes, the themes suggested from its text are taken. Files are checked first; if anything
    fails, nothing is stored — no product, no file on disk."""
    if not permissions.can_create(actor):
        raise NotAllowed(_("You may not add products to the library."))
    if _raw(data).get("status") == Product.Status.PUBLISHED and not permissions.can_publish(actor):
        raise NotAllowed(_("Only knowledge managers publish products."))
    errors = ErrorCollector()
    item, fields, relations = _checked(data, instance=None, errors=errors)
    errors.raise_if_any()
    status = item.status
    prepared = prepare_files(list(files))
    if item.slug and Product.objects.filter(slug=item.slug).exists():
        raise ApplicationError(_("another product already has this URL name"), field="slug")
    with removed_on_failure() as stored, transaction.atomic():
        title = fields["title"]
        product = Product(**fields, status=status,
                          slug=item.slug or unique_slug(Product, title.get("en") or next(iter(title.values())),
                                                        fallback="product"),
                          created_by=_user(actor))
        if status == Product.Status.PUBLISHED and product.published_on is None:
            product.published_on = timezone.localdate()
        product.languages = languages_of(product)
        product.save()
        _apply_relations(product, relations, fields)
        _store_files(product, prepared, actor, stored)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=product,
                     changes={"title": [None, product.title], "kind": [None, product.kind],
                              "files": [None, [info["name"] for _u, info in prepared]]})
        hooks.emit(events.PRODUCT_CHANGED, product_id=product.pk)
    return product


@transaction.atomic
def product_update(*, actor: Actor, product: Product, data: ProductChange | Mapping[str, Any],
                   expected_version: int | None = None) -> Product:
    """Change the fields given (and only those: a concurrent edit of other fields is kept)."""
    if not permissions.can_edit(actor, product):
        raise NotAllowed(_("You may not edit this product."))
    if not isinstance(data, BaseModel):
        errors = ErrorCollector()
        for name in ("status", "slug"):
            if name in data:
                errors.add(name, _("change this with its own action"))
        errors.raise_if_any()
    product = _locked(product)
    if expected_version is not None and product.version != expected_version:
        raise Conflict(_("Someone else changed this product while you were editing. Reload and try again."))
    fields, relations = clean_product(data, instance=product)
    before = snapshot(product, AUDITED)
    for name, value in fields.items():
        setattr(product, name, value)
    product.languages = languages_of(product)
    product.version = F("version") + 1
    product.save(update_fields=[*fields, "languages", "version", "updated_at"])
    product.refresh_from_db()
    _apply_relations(product, relations, fields)
    changes = diff(before, snapshot(product, AUDITED))
    for name in relations:
        changes[name] = ["…", [str(x) for x in getattr(product, name).all()]]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=product, changes=changes)
    hooks.emit(events.PRODUCT_CHANGED, product_id=product.pk)
    return product


@transaction.atomic
def product_set_status(*, actor: Actor, product: Product, status: str) -> Product:
    """Publish or take back to draft (knowledge managers and administrators)."""
    if not permissions.can_publish(actor):
        raise NotAllowed(_("Only knowledge managers publish products."))
    if status not in Product.Status.values:
        raise ApplicationError(_("choose one of: %(values)s") % {"values": ", ".join(Product.Status.values)},
                               field="status")
    locked = _locked(product)
    if locked.status == status:
        raise ApplicationError(_("The product is already %(status)s.") % {"status": locked.get_status_display()},
                               field="status")
    before = locked.status
    locked.status = status
    if status == Product.Status.PUBLISHED and locked.published_on is None:
        locked.published_on = timezone.localdate()
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "published_on", "version", "updated_at"])
    product.refresh_from_db()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=product, changes={"status": [before, status]})
    hooks.emit(events.PRODUCT_CHANGED, product_id=product.pk)
    return product


def product_delete(*, actor: Actor, product: Product) -> None:
    """Delete the product and, once that is committed, its files."""
    if not permissions.can_delete(actor, product):
        raise NotAllowed(_("You may not delete this product."))
    with transaction.atomic():
        product = _locked(product)
        names = [f.file.name for f in product.files.all() if f.file]
        pk = product.pk
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=product,
                     changes={"title": [product.title, None]})
        product.delete()
        hooks.emit(events.PRODUCT_DELETED, product_id=pk)
        hooks.emit(events.PRODUCT_FILES_REMOVED, product_id=pk, names=names)


def files_add(*, actor: Actor, product: Product, files: Iterable[Upload]) -> list[ProductFile]:
    """Attach files; every one is checked first, and a bad one means none is stored."""
    if not permissions.can_edit(actor, product):
        raise NotAllowed(_("You may not edit this product."))
    files = list(files)
    if not files:
        raise ApplicationError(_("Choose a file."), field="files")
    prepared = prepare_files(files, already=product.files.count())
    with removed_on_failure() as stored, transaction.atomic():
        product = _locked(product)
        if product.files.count() + len(prepared) > MAX_FILES_PER_PRODUCT:  # files added meanwhile
            raise ApplicationError(_("A product holds at most %(n)s files.") % {"n": MAX_FILES_PER_PRODUCT},
                                   field="files")
        items = _store_files(product, prepared, actor, stored)
        Product.objects.filter(pk=product.pk).update(version=F("version") + 1, updated_at=timezone.now())
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=product,
                     changes={"files": [None, [i.name for i in items]]})
        hooks.emit(events.PRODUCT_CHANGED, product_id=product.pk)
    return items


@transaction.atomic
def file_remove(*, actor: Actor, item: ProductFile) -> None:
    """Remove one file; the stored file goes once that is committed."""
    product = item.product
    if not permissions.can_edit(actor, product):
        raise NotAllowed(_("You may not edit this product."))
    _locked(product)
    name = item.file.name
    item.delete()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=product, changes={"files": [item.name, None]})
    hooks.emit(events.PRODUCT_CHANGED, product_id=product.pk)
    hooks.emit(events.PRODUCT_FILES_REMOVED, product_id=product.pk, names=[name] if name else [])


# --- the index ----------------------------------------------------------------------------------

def index_rebuild_enqueue(*, actor: Actor):
    """Queue a full rebuild of the search index; the rebuild page follows its progress."""
    from renkei.knowledge.models import IndexJob

    if not permissions.can_rebuild_index(actor):
        raise NotAllowed(_("Only knowledge managers and administrators rebuild the search index."))
    with transaction.atomic():
        if IndexJob.objects.filter(status__in=[IndexJob.Status.QUEUED, IndexJob.Status.RUNNING]).exists():
            raise Conflict(_("A rebuild is already under way."))
        job = IndexJob.objects.create(requested_by=_user(actor), total=Product.objects.count())
        hooks.emit(events.INDEX_REBUILD_REQUESTED, job_id=job.pk)
    return job


# --- knowledge requests -------------------------------------------------------------------------

def _given(data: BaseModel | Mapping[str, Any] | None, fields: dict[str, Any]) -> BaseModel | Mapping[str, Any]:
    """``data`` when given, else the keyword arguments the caller named (those left None dropped)."""
    return data if data is not None else {k: v for k, v in fields.items() if v is not None}


def _themes_of(names: list[str] | None, errors: ErrorCollector) -> list[Theme] | None:
    return None if names is None else _refs(Theme, names, "themes", errors, "code")


@transaction.atomic
def request_create(*, actor: Actor, place: Place, data: RequestNew | Mapping[str, Any] | None = None,
                   **fields: Any) -> KnowledgeRequest:
    """A city asks for help (``data``, or its fields as keywords: ``title=``, ``description=``,
    ``themes=``). Without themes, the themes of its text are taken."""
    if not permissions.acts_for(actor, place):
        raise NotAllowed(_("You may ask only for a place you act for."))
    errors = ErrorCollector()
    item = None
    with errors.collecting():
        item = parse(RequestNew, _given(data, fields))
    raw = _raw(_given(data, fields)) if item is None else {}
    try:
        names = item.themes if item is not None else _names(raw["themes"]) if raw.get("themes") else None
    except ValueError:
        names = None
    chosen = _themes_of(names, errors)
    errors.raise_if_any()
    request = KnowledgeRequest.objects.create(place=place, title=item.title, description=item.description,
                                              created_by=_user(actor))
    if chosen is None:
        text = "\n".join([*item.title.values(), *item.description.values()])
        chosen = [t for t, _c in suggest_themes(text, limit=3)]
    request.themes.set(chosen)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=request, changes={"title": [None, item.title]})
    return request


def _locked_request(request: KnowledgeRequest) -> KnowledgeRequest:
    return KnowledgeRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def request_update(*, actor: Actor, request: KnowledgeRequest, data: RequestChange | Mapping[str, Any],
                   expected_version: int | None = None) -> KnowledgeRequest:
    """Change a request's title, description or themes (only those given)."""
    if not permissions.can_manage_request(actor, request):
        raise NotAllowed(_("You may not change this request."))
    errors = ErrorCollector()
    item = parse(RequestChange, data)
    given = item.given()
    themes = _themes_of(given.pop("themes"), errors) if "themes" in given else "unchanged"
    errors.raise_if_any()
    locked = _locked_request(request)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(_("Someone else changed this request while you were editing. Reload and try again."))
    before = snapshot(locked, ["title", "description"])
    for name, value in given.items():
        setattr(locked, name, value)
    locked.version = F("version") + 1
    locked.save(update_fields=[*given, "version", "updated_at"])
    locked.refresh_from_db()
    if themes is None:
        text = "\n".join([*locked.title.values(), *locked.description.values()])
        themes = [t for t, _c in suggest_themes(text, limit=3)]
    if themes != "unchanged":
        locked.themes.set(themes)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked,
                 changes=diff(before, snapshot(locked, ["title", "description"])))
    return locked


@transaction.atomic
def answer_add(*, actor: Actor, request: KnowledgeRequest, place: Place,
               data: AnswerNew | Mapping[str, Any] | None = None, text: str | None = None,
               products: Iterable[Product | str] = ()) -> RequestAnswer:
    """A place answers a request (``data``, or ``text=`` and ``products=``); products named by
    URL name must be ones the actor may see."""
    from renkei.knowledge.selectors import visible_products

    if not permissions.acts_for(actor, place):
        raise NotAllowed(_("You may answer only for a place you act for."))
    request = _locked_request(request)
    if request.status == KnowledgeRequest.Status.CLOSED:
        raise ApplicationError(_("This request is closed."), field="request")
    if place.pk == request.place_id:
        raise ApplicationError(_("A place cannot answer its own request."), field="place")
    products = list(products)
    chosen = [p for p in products if isinstance(p, Product)]
    named = [p for p in products if not isinstance(p, Product)]
    try:
        item = parse(AnswerNew, data if data is not None else {"text": text, "products": named})
    except ApplicationError as exc:  # the page shows the message beside the answer's box
        raise ApplicationError(next(iter(exc.errors.values()))[0], errors=exc.errors) from None
    if item.products:
        errors = ErrorCollector()
        chosen += _refs(visible_products(actor), item.products, "products", errors, "slug")
        errors.raise_if_any()
    answer = RequestAnswer.objects.create(request=request, place=place, text=item.text, created_by=_user(actor))
    answer.products.set(chosen)
    if request.status == KnowledgeRequest.Status.OPEN:
        request.status = KnowledgeRequest.Status.ANSWERED
        request.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=request, changes={"answer": [None, place.name_en]})
    return answer


@transaction.atomic
def request_close(*, actor: Actor, request: KnowledgeRequest) -> KnowledgeRequest:
    if not permissions.can_manage_request(actor, request):
        raise NotAllowed(_("You may not close this request."))
    locked = _locked_request(request)
    if locked.status == KnowledgeRequest.Status.CLOSED:
        raise ApplicationError(_("This request is closed."), field="status")
    before = locked.status
    locked.status = KnowledgeRequest.Status.CLOSED
    locked.save(update_fields=["status", "updated_at"])
    request.status = locked.status
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=locked, changes={"status": [before, "closed"]})
    return locked


@transaction.atomic
def request_to_partnership(*, actor: Actor, request: KnowledgeRequest, answer: RequestAnswer):
    """The asking place and an answering place become a (proposed) bilateral partnership."""
    from renkei.partnerships.services import partnership_create

    if not permissions.can_convert_request(actor, request):
        raise NotAllowed(_("You may not act on this request."))
    if answer.request_id != request.pk:
        raise ApplicationError(_("This answer belongs to another request."), field="answer")
    locked = _locked_request(request)
    if locked.partnership_id:
        raise ApplicationError(_("This request already became a partnership."), field="request")
    title = f"{request.place.name_en} – {answer.place.name_en}: {locked.title.get('en') or locked.title_text}"
    title_ja = f"{request.place.name_ja or request.place.name_en}–{answer.place.name_ja or answer.place.name_en}：" \
               f"{locked.title.get('ja') or locked.title_text}"
    partnership = partnership_create(actor=actor, data={
        "title": {"en": title[:255], "ja": title_ja[:255]}, "kind": "bilateral",
        "members": [{"place": request.place}, {"place": answer.place}], "themes": list(locked.themes.all()),
        "description": dict(locked.description)})
    locked.partnership = partnership
    locked.save(update_fields=["partnership", "updated_at"])
    request.partnership = partnership
    return partnership


@transaction.atomic
def request_to_activity(*, actor: Actor, request: KnowledgeRequest,
                        data: ActivityFromRequest | Mapping[str, Any] | None = None, **fields: Any):
    """The request becomes a learning activity (a webinar, a study tour…) on its topic: ``data``,
    or its fields as keywords (``kind=``, ``starts_at=``, ``ends_at=``, ``timezone=``,
    ``venue=``, ``online_url=``)."""
    from renkei.activities.services import activity_create

    if not permissions.can_convert_request(actor, request):
        raise NotAllowed(_("You may not act on this request."))
    locked = _locked_request(request)
    if locked.activity_id:
        raise ApplicationError(_("This request already became an activity."), field="request")
    item = parse(ActivityFromRequest, data if data is not None else fields)
    title = locked.title.get("en") or locked.title_text
    activity = activity_create(actor=actor, data={
        "kind": item.kind, "title": {"en": title[:255], "ja": (locked.title.get("ja") or "")[:255]},
        "starts_at": item.starts_at, "ends_at": item.ends_at, "timezone": item.timezone, "venue": item.venue,
        "online_url": item.online_url, "description": dict(locked.description)})
    locked.activity = activity
    locked.save(update_fields=["activity", "updated_at"])
    request.activity = activity
    return activity
