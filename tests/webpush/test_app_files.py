"""The files that make taperwell installable: the manifest, the icons, the favicon at the site
root, the service worker at the root scope, and the links to them in every page's head."""

from __future__ import annotations

import io
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.staticfiles import finders
from PIL import Image

from taperwell.webpush import vapid
from tests import factories

pytestmark = pytest.mark.django_db


def _static_image(url: str) -> Image.Image:
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"{url} is not a static file"
    return Image.open(path)


def test_the_manifest_names_the_app_its_icons_and_starts_on_today(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["name"] == data["short_name"] == "taperwell"
    assert data["start_url"] == "/today/"
    assert data["display"] == "standalone"
    assert data["scope"] == "/"
    assert data["theme_color"].startswith("#")
    icons = {(icon["sizes"], icon["purpose"]): icon for icon in data["icons"]}
    assert set(icons) == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for (sizes, _purpose), icon in icons.items():
        image = _static_image(icon["src"])
        assert f"{image.width}x{image.height}" == sizes
        assert image.format == "PNG"


def test_a_maskable_icon_fills_its_square_so_launchers_can_crop_it():
    image = _static_image("/static/webpush/icons/maskable-192.png").convert("RGBA")
    corners = [image.getpixel(xy) for xy in [(0, 0), (191, 0), (0, 191), (191, 191)]]
    assert all(pixel[3] == 255 for pixel in corners)


def test_the_favicon_and_apple_touch_icon_are_at_the_site_root(client):
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200
    assert favicon["Content-Type"] == "image/x-icon"
    assert Image.open(io.BytesIO(b"".join(favicon.streaming_content))).format == "ICO"
    touch = client.get("/apple-touch-icon.png")
    assert touch.status_code == 200
    assert Image.open(io.BytesIO(b"".join(touch.streaming_content))).size == (180, 180)


def test_the_service_worker_is_served_for_the_whole_site_and_never_from_a_stale_cache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    text = response.content.decode()
    assert text.startswith("const CONFIG = ")
    for page in ("/crisis/", "/today/", "/skills/breathe/", "/skills/flare-plan/", "/checkin/"):
        assert f'"{page}"' in text


def test_every_page_links_the_manifest_the_touch_icon_and_the_offline_script(client, patient):
    client.force_login(patient.user)
    for url in ("/crisis/", "/today/"):
        html = client.get(url).content.decode()
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        assert 'rel="apple-touch-icon"' in html
        assert "webpush/offline.js" in html
        assert f'<meta name="taperwell-owner" content="{patient.user.public_id}">' in html


def test_a_signed_out_page_names_no_owner(client):
    html = client.get("/crisis/").content.decode()
    assert '<meta name="taperwell-owner" content="">' in html


def test_the_offline_page_is_open_to_everyone_and_offers_the_pages_kept_on_the_phone(client):
    html = client.get("/offline/").content.decode()
    assert "You are offline" in html
    for url in ("/crisis/", "/skills/breathe/", "/skills/flare-plan/"):
        assert f'href="{url}"' in html


def test_a_vapid_key_is_made_once_in_var_and_kept(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    first = vapid.application_server_key()
    key_file = tmp_path / vapid.KEY_FILE_NAME
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    vapid._vapid.cache_clear()
    assert vapid.application_server_key() == first  # read back, not made again
    assert len(first) == 87  # base64url of a 65-byte uncompressed P-256 point


def test_a_vapid_key_from_the_environment_is_used_and_nothing_is_written(
    settings, tmp_path, vapid_key
):
    settings.VAR_DIR = tmp_path
    from py_vapid import Vapid02

    expected = Vapid02.from_pem(vapid_key.encode())
    assert vapid.vapid().public_key.public_numbers() == expected.public_key.public_numbers()
    assert not (tmp_path / vapid.KEY_FILE_NAME).exists()


def test_the_patient_home_screen_app_opens_on_a_page_a_patient_can_reach(client, clinic):
    someone = factories.make_patient(clinic, full_name="Someone New")
    client.force_login(someone.user)
    start = client.get("/manifest.webmanifest").json()["start_url"]
    assert client.get(start).status_code in {200, 302}


def test_a_second_worker_making_the_key_at_the_same_time_keeps_the_first_one(tmp_path):
    key_file = tmp_path / vapid.KEY_FILE_NAME
    vapid._create_key_file(key_file)
    first = key_file.read_bytes()
    vapid._create_key_file(key_file)  # lost the race: the winner's key stays
    assert key_file.read_bytes() == first
    # A real P-256 private key in PEM, readable by the same library pywebpush signs with.
    key = serialization.load_pem_private_key(first, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.curve.name == "secp256r1"
    assert [p.name for p in tmp_path.iterdir()] == [vapid.KEY_FILE_NAME]  # no drafts left
