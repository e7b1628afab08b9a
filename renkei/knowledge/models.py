"""The knowledge library: products (notes, case studies, toolkits, guides, videos…) with their
files, the search index kept beside them, and knowledge requests from cities."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.core.models import TimeStampedModel, Titled, Translated


class Product(Titled, TimeStampedModel):
    class Kind(models.TextChoices):
        KNOWLEDGE_NOTE = "knowledge_note", _("Knowledge note")
        CASE_STUDY = "case_study", _("Case study")
        TOOLKIT = "toolkit", _("Toolkit")
        GUIDE = "guide", _("Good-practice guide")
        VIDEO = "video", _("Video")
        REPORT = "report", _("Report")
        ACTION_PLAN = "action_plan", _("Action plan")
        LESSON = "lesson", _("Lesson learned")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Signed-in members")
        INTERNAL = "internal", _("Authors and knowledge managers")

    class Licence(models.TextChoices):
        CC_BY = "CC-BY-4.0", "CC BY 4.0"
        CC_BY_SA = "CC-BY-SA-4.0", "CC BY-SA 4.0"
        CC_BY_NC = "CC-BY-NC-4.0", "CC BY-NC 4.0"
        CC0 = "CC0-1.0", "CC0 1.0"
        RESERVED = "all-rights-reserved", _("All rights reserved")
        OTHER = "other", _("Other (see the product)")

    slug = models.SlugField(_("URL name"), max_length=120, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, db_index=True)
    title = models.JSONField(_("title"), default=dict, help_text=_("text per language"))
    summary = models.JSONField(_("summary"), default=dict, blank=True, help_text=_("text per language"))
    body = models.JSONField(_("body"), default=dict, blank=True, help_text=_("Markdown per language"))
    languages = models.CharField(_("languages"), max_length=60, blank=True, editable=False,
                                 help_text=_("the languages the product is written in, e.g. 'en ja'"))
    video_url = models.URLField(_("video link"), blank=True)
    themes = models.ManyToManyField("places.Theme", blank=True, related_name="knowledge_products",
                                    verbose_name=_("themes"))
    suggested_themes = models.JSONField(_("suggested themes"), default=list, blank=True, editable=False,
                                        help_text=_("[[theme code, confidence], …] from the text"))
    places = models.ManyToManyField("places.Place", blank=True, related_name="knowledge_products",
                                    verbose_name=_("places"))
    organisations = models.ManyToManyField("places.Organisation", blank=True, related_name="knowledge_products",
                                           verbose_name=_("organisations"))
    partnership = models.ForeignKey("partnerships.Partnership", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="knowledge_products", verbose_name=_("from partnership"))
    activity = models.ForeignKey("activities.Activity", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="knowledge_products", verbose_name=_("from learning activity"))
    pilot = models.ForeignKey("partnerships.Pilot", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="knowledge_products", verbose_name=_("from pilot project"))
    published_on = models.DateField(_("publication date"), null=True, blank=True, db_index=True)
    authors = models.JSONField(_("authors"), default=list, blank=True, help_text=_("names as printed"))
    licence = models.CharField(_("licence"), max_length=24, choices=Licence.choices, default=Licence.CC_BY)
    suits_min_population = models.PositiveBigIntegerField(_("suits cities from (people)"), null=True, blank=True)
    suits_max_population = models.PositiveBigIntegerField(_("suits cities up to (people)"), null=True, blank=True)
    preconditions = models.JSONField(_("preconditions"), default=dict, blank=True, help_text=_("text per language"))
    cost_min_eur = models.DecimalField(_("cost from (EUR)"), max_digits=14, decimal_places=0, null=True, blank=True)
    cost_max_eur = models.DecimalField(_("cost up to (EUR)"), max_digits=14, decimal_places=0, null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    visibility = models.CharField(_("visibility"), max_length=12, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="knowledge_created", verbose_name=_("created by"))
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="knowledge_edited",
                                     verbose_name=_("co-authors who may edit"))

    summary_text = Translated("summary")
    preconditions_text = Translated("preconditions")

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("knowledge product")
        verbose_name_plural = _("knowledge products")

    @property
    def language_list(self) -> list[str]:
        return self.languages.split()

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ProductFile(models.Model):
    """A file of a knowledge product. Text is extracted from PDFs so the search finds it."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        OFFICE = "office", _("Office document")
        IMAGE = "image", _("Image")

    class TextStatus(models.TextChoices):
        EXTRACTED = "extracted", _("text extracted")
        NO_TEXT = "no_text", _("no text found (a scan?)")
        NOT_APPLICABLE = "n/a", _("not a text document")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to="knowledge/%Y/")
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    text_status = models.CharField(_("text"), max_length=12, choices=TextStatus.choices,
                                   default=TextStatus.NOT_APPLICABLE)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.name


class SearchDocument(models.Model):
    """What the search index holds for one product, in portable columns.

    The database's own full-text index is built from these columns and kept in step by the
    database itself: on SQLite an FTS5 table (trigram tokenizer) maintained by triggers, on
    PostgreSQL a generated ``tsvector`` column with a GIN index (migration 0002). ``grams_*``
    hold the one- and two-character pieces of Japanese (and other short) words, which a trigram
    index cannot find; ``vector`` is the multilingual sentence embedding of the product.
    """

    product = models.OneToOneField(Product, primary_key=True, on_delete=models.CASCADE, related_name="search")
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    files = models.TextField(blank=True)
    grams_head = models.TextField(blank=True)
    grams_body = models.TextField(blank=True)
    text_key = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the embedded text")
    model = models.CharField(max_length=40, blank=True)
    vector = models.BinaryField(blank=True, default=b"")
    indexed_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        # the catalogue's change check (count and latest time per model) reads only this index
        indexes = [models.Index(fields=["model", "indexed_at"], name="knowledge_search_model_time")]

    def __str__(self) -> str:
        return f"search document of #{self.product_id}"


class SearchTerm(models.Model):
    """Every word of the library (Latin script, four letters or more): the vocabulary that typo
    tolerance corrects a query against (pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite)."""

    term = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term


class IndexJob(models.Model):
    """A full rebuild of the search index, run in the background, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("products"), default=0)
    done = models.PositiveIntegerField(_("indexed"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("index rebuild")
        verbose_name_plural = _("index rebuilds")

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return round(100 * self.done / self.total) if self.total else 0


class KnowledgeRequest(Titled, TimeStampedModel):
    """A city asks for help ("we need help reducing non-revenue water")."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="knowledge_requests",
                              verbose_name=_("asking place"))
    title = models.JSONField(_("what is needed"), default=dict, help_text=_("text per language"))
    description = models.JSONField(_("details"), default=dict, blank=True, help_text=_("text per language"))
    themes = models.ManyToManyField("places.Theme", blank=True, related_name="knowledge_requests",
                                    verbose_name=_("themes"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("asked by"))
    activity = models.ForeignKey("activities.Activity", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="knowledge_requests", verbose_name=_("became the activity"))
    partnership = models.ForeignKey("partnerships.Partnership", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="knowledge_requests", verbose_name=_("became the partnership"))

    description_text = Translated("description")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("knowledge request")
        verbose_name_plural = _("knowledge requests")


class RequestAnswer(models.Model):
    """A place offers help with a request, perhaps pointing to products of the library."""

    request = models.ForeignKey(KnowledgeRequest, on_delete=models.CASCADE, related_name="answers")
    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="knowledge_answers",
                              verbose_name=_("answering place"))
    text = models.TextField(_("answer"))
    products = models.ManyToManyField(Product, blank=True, related_name="+", verbose_name=_("products"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.place}: {self.text[:40]}"
