import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer")
    FOCAL_POINT = "focal_point", _("City focal point")
    REVIEWER = "reviewer", _("Reviewer")
    NETWORK_SECRETARIAT = "network_secretariat", _("Network secretariat")
    KNOWLEDGE_MANAGER = "knowledge_manager", _("Knowledge manager")
    EVALUATOR = "evaluator", _("Evaluator")


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            if self.is_superuser:
                cached = cached | {Role.ADMINISTRATOR}
            self._role_cache = cached
        return cached


class RoleGrant(models.Model):
    """A role held by a user. A person may hold several (an officer who also reviews)."""

    user = models.ForeignKey(User, related_name="role_grants", on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class PlaceRepresentation(models.Model):
    """A city focal point acts for these places (and may edit only them)."""

    user = models.ForeignKey(User, related_name="represented_places", on_delete=models.CASCADE)
    place = models.ForeignKey("places.Place", related_name="representatives", on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "place"], name="unique_place_representation")]
        verbose_name = _("place represented")
        verbose_name_plural = _("places represented")

    def __str__(self) -> str:
        return f"{self.user} → {self.place}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 digest is stored."""

    user = models.ForeignKey(User, related_name="api_tokens", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "rk_" + secrets.token_hex(24)  # hex: a prefix never starts with "-" on a command line
