"""Attachments: images and PDF only, checked by their content, not their name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
    "application/pdf": {"pdf"},
}


def attachment_type(upload: UploadedFile) -> str:
    """The real type of an upload, or ValidationError with a message for the person."""
    if upload.size is not None and upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("That file is too big. The limit is 5 MB."))
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    kind = ""
    if head == b"%PDF-":
        kind = "application/pdf"
    else:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(upload) as image:
                image.verify()
                kind = IMAGE_TYPES.get(image.format or "", "")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            kind = ""
        finally:
            upload.seek(0)
    if not kind:
        raise ValidationError(_("Please attach a photo (JPEG, PNG, GIF, WebP) or a PDF."))
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS[kind]:
        raise ValidationError(_("The file's name does not match what is inside it."))
    return kind
