"""Draws the app icons from the favicon's shapes: a green circle, a white hill, a rising sun.

Run once when the design changes: `python taperwell/webpush/static/webpush/icons/make_icons.py`.
The PNG and ICO files it writes are committed beside it; nothing runs it at start.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
BRAND = (31, 111, 92, 255)  # --brand in core/static/css/taperwell.css
WHITE = (255, 255, 255, 255)
SCALE = 4  # drawn large, then reduced, for smooth edges


def _draw(size: int, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), BRAND if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    # A maskable icon is cropped to a circle of 80% by the launcher: keep the arc inside it.
    if not maskable:
        draw.ellipse((big * 0.03, big * 0.03, big * 0.97, big * 0.97), fill=BRAND)
    inset = 0.28 if maskable else 0.22
    box = (big * inset, big * (0.5 - 0.05), big * (1 - inset), big * (1.05 - inset))
    width = round(big * (0.07 if maskable else 0.1))
    draw.arc(box, start=200, end=340, fill=WHITE, width=width)
    sun = big * (0.07 if maskable else 0.09)
    draw.ellipse((big / 2 - sun, big * 0.36 - sun, big / 2 + sun, big * 0.36 + sun), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for size in (192, 512):
        _draw(size, maskable=False).save(HERE / f"icon-{size}.png", optimize=True)
        _draw(size, maskable=True).save(HERE / f"maskable-{size}.png", optimize=True)
    _draw(180, maskable=True).convert("RGB").save(HERE / "apple-touch-icon.png", optimize=True)
    _draw(64, maskable=False).save(HERE / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
