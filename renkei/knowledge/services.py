"""Writes to the library: products and their files, publication, the search index, knowledge
requests and their answers. Every write checks who asks, validates everything before it writes
anything, records the audit log and queues the product's reindexing once the change is committed.
"""

from __future__ import annotations

import contextlib
import os
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.accounts.models import User
from renkei.core.audit import audit_record, diff, snapshot
from renkei.core.errors import ApplicationError, Conflict, NotAllowed
from renkei.core.models import AuditEntry
from renkei.core.slugs import unique_slug
from renkei.core.uploads import IMAGE_EXTENSIONS, LIBRARY_TYPES, Upload, check_upload
from renkei.knowledge import permissions
from renkei.knowledge.models import KnowledgeRequest, Product, ProductFile, RequestAnswer
from renkei.knowledge.text import markdown_text, pdf_text
from renkei.places.models import Organisation, Place, Theme

MAX_LIBRARY_FILE_BYTES = 50 * 1024 * 1024
MAX_FILES_PER_PRODUCT = 20
MAX_POPULATION = 10_000_000_000  # more than live on Earth: a slip of the keyboard, not a city
MAX_EUROS = Decimal("99999999999999.5")  # rounds to 15 digits; the columns hold 14
LANGUAGE_CODES = frozenset({"en", "ja", "id", "de", "fi", "sv", "fr", "es", "pt", "zh", "ko", "th", "vi", "tl", "ms",
                            "it", "nl", "pl", "ar"})
TEXT_FIELDS = ("title", "summary", "body", "preconditions")
AUDITED = ["kind", "title", "summary", "video_url", "published_on", "authors", "licence", "status", "visibility",
           "suits_min_population", "suits_max_population", "cost_min_eur", "cost_max_eur", "partnership",
           "activity", "pilot"]


# --- validation ---------------------------------------------------------------------------------

class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self:
            field, messages = next(iter(self.items()))
            raise ApplicationError(f"{field}: {messages[0]}", errors=dict(self))


def _texts(value: Any, field: str, errors: _Errors, *, max_length: int | None = None) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict):
        errors.add(field, _("give the text per language, like {\"en\": \"…\", \"ja\": \"…\"}"))
        return {}
    out = {}
    for language, text in value.items():
        if language not in LANGUAGE_CODES:
            errors.add(field, _("%(code)s is not a language code we know (use en, ja, id, de, …)") % {"code": language})
            continue
        if text is None:
            continue
        if not isinstance(text, str):
            errors.add(field, _("the %(code)s text must be text") % {"code": language})
            continue
        text = text.strip()
        if max_length and len(text) > max_length:
            errors.add(field, _("the %(code)s text is longer than %(n)s characters") % {"code": language,
                                                                                      "n": max_length})
        if text:
            out[language] = text
    return out


def _whole(value: Any, field: str, errors: _Errors) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).replace(",", "").replace("_", "").strip())
    except ValueError:
        errors.add(field, _("must be a whole number"))
        return None
    if number < 0:
        errors.add(field, _("must not be negative"))
        return None
    if number > MAX_POPULATION:
        errors.add(field, _("The population must be at most %(n)s.") % {"n": f"{MAX_POPULATION:,}"})
        return None
    return number


def _money(value: Any, field: str, errors: _Errors) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        errors.add(field, _("must be an amount in euros, like 50000"))
        return None
    if not amount.is_finite() or amount >= MAX_EUROS:  # NaN cannot even be compared with 0
        errors.add(field, _("must be an amount in euros, like 50000"))
        return None
    if amount < 0:
        errors.add(field, _("must not be negative"))
        return None
    return amount.quantize(Decimal(1))


def _day(value: Any, field: str, errors: _Errors) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, _("use a date like 2016-11-03"))
        return None


def _refs(model, values, field: str, errors: _Errors, key: str = "slug") -> list:
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [v for v in values.replace("\n", ",").split(",")]
    values = [str(v).strip() for v in values if str(v).strip()]
    found = {str(getattr(o, key)): o for o in model.objects.filter(**{f"{key}__in": values})}
    missing = [v for v in values if v not in found]
    if missing:
        errors.add(field, _("unknown: %(values)s") % {"values": ", ".join(missing)})
    return [found[v] for v in dict.fromkeys(values) if v in found]


def _one(model, value, field: str, errors: _Errors, key: str = "slug"):
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    found = model.objects.filter(**{key: value}).first()
    if found is None:
        errors.add(field, _("unknown: %(values)s") % {"values": value})
    return found


def clean_product(data: dict[str, Any], *, instance: Product | None = None) -> tuple[dict, dict]:
    """Check a product's fields (all of them, or those given when editing); returns (fields,
    relations) or raises ApplicationError naming every bad field."""
    from renkei.activities.models import Activity
    from renkei.partnerships.models import Partnership, Pilot

    errors = _Errors()
    known = {"kind", "title", "summary", "body", "video_url", "themes", "places", "organisations", "partnership",
             "activity", "pilot", "published_on", "authors", "licence", "suits_min_population",
             "suits_max_population", "preconditions", "cost_min_eur", "cost_max_eur", "visibility", "editors",
             "slug"}
    for name in data:
        if name not in known:
            errors.add(name, _("unknown field"))
    fields: dict[str, Any] = {}
    relations: dict[str, list] = {}
    given = (lambda name: name in data) if instance is not None else (lambda name: True)
    if given("kind"):
        kind = data.get("kind") or ""
        if kind not in Product.Kind.values:
            errors.add("kind", _("choose one of: %(values)s") % {"values": ", ".join(Product.Kind.values)})
        fields["kind"] = kind
    for name, limit in (("title", 300), ("summary", 3000), ("body", 200_000), ("preconditions", 3000)):
        if given(name):
            fields[name] = _texts(data.get(name), name, errors, max_length=limit)
    if given("title") and not fields.get("title") and "title" not in errors:
        errors.add("title", _("is required (in at least one language)"))
    if given("video_url"):
        url = (data.get("video_url") or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                errors.add("video_url", _("must be a web address starting with http:// or https://"))
        fields["video_url"] = url
    if given("published_on"):
        fields["published_on"] = _day(data.get("published_on"), "published_on", errors)
        if fields["published_on"] and fields["published_on"] > timezone.localdate():
            errors.add("published_on", _("cannot be in the future"))
    if given("authors"):
        authors = data.get("authors") or []
        if isinstance(authors, str):
            authors = authors.replace(";", "\n").splitlines()
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            errors.add("authors", _("give a list of names"))
            authors = []
        fields["authors"] = [a.strip() for a in authors if a.strip()]
    if given("licence"):
        licence = data.get("licence") or Product.Licence.CC_BY
        if licence not in Product.Licence.values:
            errors.add("licence", _("choose one of: %(values)s") % {"values": ", ".join(Product.Licence.values)})
        fields["licence"] = licence
    if given("visibility"):
        visibility = data.get("visibility") or Product.Visibility.PUBLIC
        if visibility not in Product.Visibility.values:
            errors.add("visibility", _("choose one of: %(values)s") % {"values": ", ".join(Product.Visibility.values)})
        fields["visibility"] = visibility
    for name in ("suits_min_population", "suits_max_population"):
        if given(name):
            fields[name] = _whole(data.get(name), name, errors)
    for name in ("cost_min_eur", "cost_max_eur"):
        if given(name):
            fields[name] = _money(data.get(name), name, errors)
    low = fields.get("suits_min_population", getattr(instance, "suits_min_population", None))
    high = fields.get("suits_max_population", getattr(instance, "suits_max_population", None))
    if low is not None and high is not None and low > high:
        errors.add("suits_max_population", _("must be at least the smallest size it suits"))
    low = fields.get("cost_min_eur", getattr(instance, "cost_min_eur", None))
    high = fields.get("cost_max_eur", getattr(instance, "cost_max_eur", None))
    if low is not None and high is not None and low > high:
        errors.add("cost_max_eur", _("must be at least the lowest cost"))
    if given("partnership"):
        fields["partnership"] = _one(Partnership, data.get("partnership"), "partnership", errors)
    if given("activity"):
        fields["activity"] = _one(Activity, data.get("activity"), "activity", errors)
    if given("pilot"):
        pilot = data.get("pilot")
        if pilot not in (None, "") and not isinstance(pilot, Pilot) and not str(pilot).isdigit():
            errors.add("pilot", _("give the pilot's number"))
            pilot = None
        fields["pilot"] = _one(Pilot, pilot, "pilot", errors, key="pk")
    if "themes" in data and data["themes"] not in (None, ""):
        relations["themes"] = _refs(Theme, data["themes"], "themes", errors, key="code")
    elif instance is None or "themes" in data:
        relations["themes"] = None  # taken from the text's suggestions
    if "places" in data:
        relations["places"] = _refs(Place, data["places"], "places", errors)
    if "organisations" in data:
        relations["organisations"] = _refs(Organisation, data["organisations"], "organisations", errors)
    if "editors" in data:
        relations["editors"] = _refs(User, data["editors"], "editors", errors, key="username")
    errors.raise_if_any()
    if fields.get("kind") == Product.Kind.VIDEO and not fields.get("video_url") and instance is None:
        raise ApplicationError(_("a video needs its link"), field="video_url")
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
    from renkei.knowledge.search.tagging import tag

    found = tag(text, limit=limit)
    themes = Theme.objects.in_bulk([tid for tid, _c in found])
    return [(themes[tid], confidence) for tid, confidence in found if tid in themes]


# --- files --------------------------------------------------------------------------------------

def _prepare_file(upload: Upload, field: str = "files") -> dict:
    """Check one upload and extract its text; raise ApplicationError before anything is stored."""
    check_upload(upload, field, types=LIBRARY_TYPES, max_bytes=MAX_LIBRARY_FILE_BYTES)
    extension = upload.extension
    kind = ProductFile.Kind.IMAGE if extension in IMAGE_EXTENSIONS else ProductFile.Kind.OFFICE
    info: dict[str, Any] = {"name": os.path.basename(upload.name)[:255], "size": len(upload.content), "kind": kind,
                            "text": "", "text_status": ProductFile.TextStatus.NOT_APPLICABLE, "pages": None}
    if extension == ".pdf":
        extracted = pdf_text(upload.content)
        if not extracted.readable:
            if extracted.problem == "encrypted":
                message = _("%(name)s is protected by a password; upload it without one.")
            else:
                message = _("%(name)s cannot be read as a PDF (damaged or incomplete?).")
            raise ApplicationError(message % {"name": upload.name}, field=field)
        info.update(kind=ProductFile.Kind.PDF, text=extracted.text, pages=extracted.pages,
                    text_status=ProductFile.TextStatus.EXTRACTED if extracted.text else ProductFile.TextStatus.NO_TEXT)
    return info


def _store_files(product: Product, prepared: list[tuple[Upload, dict]], actor, stored: list[str]) -> list[ProductFile]:
    out = []
    for upload, info in prepared:
        item = ProductFile(product=product, uploaded_by=actor if isinstance(actor, User) else None, **info)
        item.file.save(info["name"], ContentFile(upload.content), save=False)
        stored.append(item.file.name)
        item.save()
        out.append(item)
    return out


def _forget_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def _prepare_all(files: list[Upload], already: int = 0) -> list[tuple[Upload, dict]]:
    if already + len(files) > MAX_FILES_PER_PRODUCT:
        raise ApplicationError(_("A product holds at most %(n)s files.") % {"n": MAX_FILES_PER_PRODUCT}, field="files")
    errors = _Errors()
    prepared = []
    for upload in files:
        try:
            prepared.append((upload, _prepare_file(upload)))
        except ApplicationError as exc:
            errors.add("files", exc.message)
    errors.raise_if_any()
    return prepared


# --- products -----------------------------------------------------------------------------------

def _reindex_on_commit(product_id: int) -> None:
    from renkei.knowledge.tasks import index_product

    transaction.on_commit(lambda: index_product.enqueue(product_id))


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


def product_create(*, actor, data: dict[str, Any], files: list[Upload] = ()) -> Product:
    """A new draft (curators may create it published with ``"status": "published"``). Without
    themes, the themes suggested from its text are taken. Files are checked first; if anything
    fails, nothing is stored — no product, no file on disk."""
    if not permissions.can_create(actor):
        raise NotAllowed(_("You may not add products to the library."))
    data = dict(data)
    status = data.pop("status", Product.Status.DRAFT) or Product.Status.DRAFT
    if status not in Product.Status.values:
        raise ApplicationError(_("choose one of: %(values)s") % {"values": ", ".join(Product.Status.values)},
                               field="status")
    if status == Product.Status.PUBLISHED and not permissions.can_publish(actor):
        raise NotAllowed(_("Only knowledge managers publish products."))
    slug = (data.pop("slug", "") or "").strip()
    fields, relations = clean_product(data)
    prepared = _prepare_all(list(files))
    if slug and Product.objects.filter(slug=slug).exists():
        raise ApplicationError(_("another product already has this URL name"), field="slug")
    stored: list[str] = []
    try:
        with transaction.atomic():
            title = fields["title"]
            product = Product(**fields, status=status,
                              slug=slug or unique_slug(Product, title.get("en") or next(iter(title.values())),
                                                       fallback="product"),
                              created_by=actor if isinstance(actor, User) else None)
            if status == Product.Status.PUBLISHED and product.published_on is None:
                product.published_on = timezone.localdate()
            product.languages = languages_of(product)
            product.save()
            _apply_relations(product, relations, fields)
            _store_files(product, prepared, actor, stored)
            audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=product,
                         changes={"title": [None, product.title], "kind": [None, product.kind],
                                  "files": [None, [info["name"] for _u, info in prepared]]})
            _reindex_on_commit(product.pk)
    except Exception:
        _forget_files(stored)
        raise
    return product


@transaction.atomic
def product_update(*, actor, product: Product, data: dict[str, Any], expected_version: int | None = None) -> Product:
    if not permissions.can_edit(actor, product):
        raise NotAllowed(_("You may not edit this product."))
    product = Product.objects.select_for_update().get(pk=product.pk)
    if expected_version is not None and product.version != expected_version:
        raise Conflict(_("Someone else changed this product while you were editing. Reload and try again."))
    data = dict(data)
    for name in ("status", "slug"):
        if name in data:
            raise ApplicationError(_("change this with its own action"), field=name)
    fields, relations = clean_product(data, instance=product)
    before = snapshot(product, AUDITED)
    for name, value in fields.items():
        setattr(product, name, value)
    product.languages = languages_of(product)
    product.version = F("version") + 1
    product.save()
    product.refresh_from_db()
    _apply_relations(product, relations, fields)
    changes = diff(before, snapshot(product, AUDITED))
    for name in relations:
        changes[name] = ["…", [str(x) for x in getattr(product, name).all()]]
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=product, changes=changes)
    _reindex_on_commit(product.pk)
    return product


@transaction.atomic
def product_set_status(*, actor, product: Product, status: str) -> Product:
    """Publish or take back to draft (knowledge managers and administrators)."""
    if not permissions.can_publish(actor):
        raise NotAllowed(_("Only knowledge managers publish products."))
    if status not in Product.Status.values:
        raise ApplicationError(_("choose one of: %(values)s") % {"values": ", ".join(Product.Status.values)},
                               field="status")
    if product.status == status:
        raise ApplicationError(_("The product is already %(status)s.") % {"status": product.get_status_display()},
                               field="status")
    before = product.status
    product.status = status
    if status == Product.Status.PUBLISHED and product.published_on is None:
        product.published_on = timezone.localdate()
    product.version = F("version") + 1
    product.save(update_fields=["status", "published_on", "version", "updated_at"])
    product.refresh_from_db()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=product, changes={"status": [before, status]})
    _reindex_on_commit(product.pk)
    return product


def product_delete(*, actor, product: Product) -> None:
    if not permissions.can_delete(actor, product):
        raise NotAllowed(_("You may not delete this product."))
    names = [f.file.name for f in product.files.all() if f.file]
    with transaction.atomic():
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=product,
                     changes={"title": [product.title, None]})
        product.delete()
        transaction.on_commit(lambda: _forget_files(names))


def files_add(*, actor, product: Product, files: list[Upload]) -> list[ProductFile]:
    """Attach files; every one is checked first, and a bad one means none is stored."""
    if not permissions.can_edit(actor, product):
        raise NotAllowed(_("You may not edit this product."))
    if not files:
        raise ApplicationError(_("Choose a file."), field="files")
    prepared = _prepare_all(list(files), already=product.files.count())
    stored: list[str] = []
    try:
        with transaction.atomic():
            items = _store_files(product, prepared, actor, stored)
            Product.objects.filter(pk=product.pk).update(version=F("version") + 1, updated_at=timezone.now())
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=product,
                         changes={"files": [None, [i.name for i in items]]})
            _reindex_on_commit(product.pk)
    except Exception:
        _forget_files(stored)
        raise
    return items


def file_remove(*, actor, item: ProductFile) -> None:
    product = item.product
    if not permissions.can_edit(actor, product):
        raise NotAllowed(_("You may not edit this product."))
    name = item.file.name
    with transaction.atomic():
        item.delete()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=product, changes={"files": [item.name, None]})
        _reindex_on_commit(product.pk)
        transaction.on_commit(lambda: _forget_files([name]))


# --- the index ----------------------------------------------------------------------------------

def index_rebuild_enqueue(*, actor):
    """Queue a full rebuild of the search index; the rebuild page follows its progress."""
    from renkei.knowledge.models import IndexJob
    from renkei.knowledge.tasks import rebuild_index

    if not permissions.can_rebuild_index(actor):
        raise NotAllowed(_("Only knowledge managers and administrators rebuild the search index."))
    if IndexJob.objects.filter(status__in=[IndexJob.Status.QUEUED, IndexJob.Status.RUNNING]).exists():
        raise Conflict(_("A rebuild is already under way."))
    job = IndexJob.objects.create(requested_by=actor if isinstance(actor, User) else None,
                                  total=Product.objects.count())
    transaction.on_commit(lambda: rebuild_index.enqueue(job.pk))
    return job


# --- knowledge requests -------------------------------------------------------------------------

@transaction.atomic
def request_create(*, actor, place: Place, title: Any, description: Any = None, themes=None) -> KnowledgeRequest:
    """A city asks for help. Without themes, the themes of its text are taken."""
    if not permissions.acts_for(actor, place):
        raise NotAllowed(_("You may ask only for a place you act for."))
    errors = _Errors()
    title_texts = _texts(title, "title", errors, max_length=300)
    description_texts = _texts(description, "description", errors, max_length=5000)
    if not title_texts and "title" not in errors:
        errors.add("title", _("is required (in at least one language)"))
    chosen = _refs(Theme, themes, "themes", errors, key="code") if themes else None
    errors.raise_if_any()
    request = KnowledgeRequest.objects.create(place=place, title=title_texts, description=description_texts,
                                              created_by=actor if isinstance(actor, User) else None)
    if chosen is None:
        text = "\n".join([*title_texts.values(), *description_texts.values()])
        chosen = [t for t, _c in suggest_themes(text, limit=3)]
    request.themes.set(chosen)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=request, changes={"title": [None, title_texts]})
    return request


@transaction.atomic
def answer_add(*, actor, request: KnowledgeRequest, place: Place, text: str, products=()) -> RequestAnswer:
    if not permissions.acts_for(actor, place):
        raise NotAllowed(_("You may answer only for a place you act for."))
    if request.status == KnowledgeRequest.Status.CLOSED:
        raise ApplicationError(_("This request is closed."), field="request")
    if place.pk == request.place_id:
        raise ApplicationError(_("A place cannot answer its own request."), field="place")
    if not (text or "").strip():
        raise ApplicationError(_("is required"), field="text")
    if len(text) > 5000:
        raise ApplicationError(_("is longer than %(n)s characters") % {"n": 5000}, field="text")
    answer = RequestAnswer.objects.create(request=request, place=place, text=text.strip(),
                                          created_by=actor if isinstance(actor, User) else None)
    answer.products.set(products)
    if request.status == KnowledgeRequest.Status.OPEN:
        request.status = KnowledgeRequest.Status.ANSWERED
        request.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=request, changes={"answer": [None, place.name_en]})
    return answer


@transaction.atomic
def request_close(*, actor, request: KnowledgeRequest) -> KnowledgeRequest:
    if not permissions.can_manage_request(actor, request):
        raise NotAllowed(_("You may not close this request."))
    if request.status == KnowledgeRequest.Status.CLOSED:
        raise ApplicationError(_("This request is closed."), field="status")
    before = request.status
    request.status = KnowledgeRequest.Status.CLOSED
    request.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=request, changes={"status": [before, "closed"]})
    return request


@transaction.atomic
def request_to_partnership(*, actor, request: KnowledgeRequest, answer: RequestAnswer):
    """The asking place and an answering place become a (proposed) bilateral partnership."""
    from renkei.partnerships.services import partnership_create

    if not permissions.can_convert_request(actor, request):
        raise NotAllowed(_("You may not act on this request."))
    if answer.request_id != request.pk:
        raise ApplicationError(_("This answer belongs to another request."), field="answer")
    if request.partnership_id:
        raise ApplicationError(_("This request already became a partnership."), field="request")
    title = f"{request.place.name_en} – {answer.place.name_en}: {request.title.get('en') or request.title_text}"
    title_ja = f"{request.place.name_ja or request.place.name_en}–{answer.place.name_ja or answer.place.name_en}：" \
               f"{request.title.get('ja') or request.title_text}"
    partnership = partnership_create(
        actor=actor, title_en=title[:255], title_ja=title_ja[:255], kind="bilateral",
        members=[{"place": request.place}, {"place": answer.place}], themes=list(request.themes.all()),
        description={k: v for k, v in request.description.items()})
    request.partnership = partnership
    request.save(update_fields=["partnership", "updated_at"])
    return partnership


@transaction.atomic
def request_to_activity(*, actor, request: KnowledgeRequest, kind: str, starts_at, ends_at,
                        timezone_name: str = "Asia/Tokyo", venue: str = "", online_url: str = ""):
    """The request becomes a learning activity (a webinar, a study tour…) on its topic."""
    from renkei.activities.services import activity_create

    if not permissions.can_convert_request(actor, request):
        raise NotAllowed(_("You may not act on this request."))
    if request.activity_id:
        raise ApplicationError(_("This request already became an activity."), field="request")
    if starts_at is None:
        raise ApplicationError(_("is required"), field="starts_at")
    if ends_at is None:
        raise ApplicationError(_("is required"), field="ends_at")
    title = request.title.get("en") or request.title_text
    activity = activity_create(actor=actor, data={
        "kind": kind, "title": {"en": title[:255], "ja": (request.title.get("ja") or "")[:255]},
        "starts_at": starts_at, "ends_at": ends_at, "timezone": timezone_name, "venue": venue,
        "online_url": online_url, "description": dict(request.description)})
    request.activity = activity
    request.save(update_fields=["activity", "updated_at"])
    return activity
