"""Evidence files attached to an assessment's answers (assessments/evidence.py stores and checks them).

The bytes live in the storage alias STORAGES["evidence"] (a local folder outside every served URL, or
an S3-compatible bucket); rows keep the name the user gave, the size, the SHA-256 and the content
type detected from the bytes. Object names carry no user input: `evidence/<assessment>/<random>.<ext>`.
"""

import uuid
from pathlib import PurePosixPath
from typing import cast

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment
from frameworks.models import Indicator


class _EvidenceStorage(LazyObject):
    """STORAGES["evidence"], looked up when first used (and again after the setting changes)."""

    def _setup(self):
        self._wrapped = storages["evidence"]

    def forget(self) -> None:
        self._wrapped = empty  # type: ignore[assignment]  # LazyObject's "not set up yet"


_storage = _EvidenceStorage()


@receiver(setting_changed)
def _storage_setting_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        _storage.forget()


def evidence_storage() -> Storage:
    return cast(Storage, _storage)


def object_name(instance: "EvidenceFile", filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"evidence/{instance.assessment_id}/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="evidence_files",
                                   verbose_name=_("assessment"))
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+", verbose_name=_("indicator"))
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=object_name, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField(_("content type"), max_length=120)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["assessment", "indicator"])]

    def __str__(self) -> str:
        return self.original_name


@receiver(post_delete, sender=EvidenceFile)
def _remove_object(sender, instance: EvidenceFile, **kwargs):
    """A row deleted with its assessment or region (or by `delete_evidence`): its object goes once the
    deletion is committed, so a rolled-back deletion keeps its file."""
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: evidence_storage().delete(name))
