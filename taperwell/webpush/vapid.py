"""The server's VAPID key pair (RFC 8292): it signs every push so push services know the sender.

The private key comes from `TAPERWELL_VAPID_PRIVATE_KEY` (PEM, or base64url of the raw 32-byte key
or of DER) when set, else from `var/vapid_private_key.pem`, which is made on first use. Keep the
key: browsers subscribed with its public half, and a new key means every device subscribes again.
"""

from __future__ import annotations

import base64
import os
import tempfile
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid02

KEY_FILE_NAME = "vapid_private_key.pem"


def key_file() -> Path:
    return Path(settings.VAR_DIR) / KEY_FILE_NAME


def _create_key_file(path: Path) -> None:
    """Write a new key once, whole: it is written to a file of its own and then linked into
    place, which fails if the key file exists. So a second worker starting at the same moment
    never reads a half-written key, and never replaces the winner's."""
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")  # mode 600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(draft)


@cache
def _vapid(configured: str, path: str) -> Vapid02:
    if configured.strip():
        text = configured.strip()
        if text.startswith("-----BEGIN"):
            return Vapid02.from_pem(text.encode())
        return Vapid02.from_string(text)
    if not Path(path).exists():
        _create_key_file(Path(path))
    return Vapid02.from_file(path)


def vapid() -> Vapid02:
    return _vapid(settings.VAPID_PRIVATE_KEY, str(key_file()))


def application_server_key() -> str:
    """The public key as browsers want it for `pushManager.subscribe` (base64url, no padding)."""
    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
