"""Attachments: images and PDF only, checked by their content, not their name."""

from __future__ import annotations

import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# A photo from a phone is 12 to 50 megapixels. A few kilobytes of PNG can claim far more, and
# decoding it (to show it, or to make a thumbnail) would take gigabytes of memory: refuse it.
MAX_ATTACHMENT_PIXELS = 50_000_000
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
    kind = "application/pdf" if head == b"%PDF-" else _image_type(upload)
    if not kind:
        raise ValidationError(_("Please attach a photo (JPEG, PNG, GIF, WebP) or a PDF."))
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS[kind]:
        raise ValidationError(_("The file's name does not match what is inside it."))
    return kind


def _image_type(upload: UploadedFile) -> str:
    """The image's type, "" when it is not an image; ValidationError when it is too large."""
    from PIL import Image, UnidentifiedImageError

    too_large = ValidationError(_("That picture is too large. Please send a smaller photo."))
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit and raises above twice it; both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:  # reads the header only
                if image.width * image.height > MAX_ATTACHMENT_PIXELS:
                    raise too_large
                image.verify()
                return IMAGE_TYPES.get(image.format or "", "")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return ""
    finally:
        upload.seek(0)
