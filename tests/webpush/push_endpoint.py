"""A push service on 127.0.0.1 for the test suite, since no real one is reachable here.

It speaks the server side of Web Push (RFC 8030): a POST per message to the subscription's
endpoint, with a VAPID `Authorization` header (RFC 8292) and an aes128gcm body (RFC 8291). Each
`Device` holds the keys a browser would make (a P-256 key pair and a 16-byte auth secret) and
decrypts what it receives with them, as the browser does. A device can be told to answer like a
push service that forgot it (410) or one that is failing (500).
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    headers: dict[str, str]
    payload: dict[str, Any]
    vapid_claims: dict[str, Any]


@dataclass
class Device:
    name: str
    answer: int = 201
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))
    received: list[Received] = field(default_factory=list)

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )


def vapid_claims(authorization: str) -> dict[str, Any]:
    """Check the VAPID signature with the key the header names; return the JWT's claims."""
    assert Vapid02.verify(authorization), "the VAPID signature does not verify"
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    return json.loads(unb64url(token.split(".")[1]))


class PushService:
    def __init__(self) -> None:
        self.devices: dict[str, Device] = {}
        self.errors: list[str] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                name = self.path.rstrip("/").rsplit("/", 1)[-1]
                device = service.devices.get(name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if device is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                if device.answer < 300:
                    try:
                        claims = vapid_claims(self.headers["Authorization"])
                        payload = json.loads(device.decrypt(body))
                    except Exception as error:  # reported by the test, not lost in a thread
                        service.errors.append(f"{type(error).__name__}: {error}")
                        self.send_response(400)
                        self.end_headers()
                        return
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    device.received.append(Received(headers, payload, claims))
                self.send_response(device.answer)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def device(self, name: str, answer: int = 201) -> Device:
        self.devices[name] = Device(name, answer)
        return self.devices[name]

    def endpoint(self, device: Device) -> str:
        return f"{self.url}/push/{device.name}"

    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def wait_for(self, device: Device, count: int, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(device.received) < count and time.monotonic() < deadline and not self.errors:
            time.sleep(0.05)
        assert not self.errors, self.errors
        return device.received

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
