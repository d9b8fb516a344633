"""Draws the integration's brand images (custom_components/blink_audio_doctor/brand/).

A camera with sound waves and a pulse line: "two-way audio, checked". Run with
`scripts/run python scripts/lib/draw_brand.py`; the PNGs are committed, this script is how they
were made.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = Path(__file__).resolve().parents[2] / "custom_components/blink_audio_doctor/brand"
BLUE = (29, 112, 231, 255)
GREEN = (46, 196, 121, 255)
WHITE = (255, 255, 255, 255)
INK = (24, 33, 48, 255)


def icon(size: int, *, dark: bool) -> Image.Image:
    """The square icon: a rounded tile with a camera, sound waves and a pulse."""
    scale = 4  # draw large, then shrink: smooth edges
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    tile = (40, 48, 64, 255) if dark else BLUE
    draw.rounded_rectangle((0, 0, s - 1, s - 1), radius=s // 5, fill=tile)
    u = s / 100  # drawing units
    # Camera body and lens.
    draw.rounded_rectangle((14 * u, 30 * u, 58 * u, 66 * u), radius=8 * u, fill=WHITE)
    draw.ellipse((26 * u, 38 * u, 46 * u, 58 * u), fill=tile)
    draw.ellipse((31 * u, 43 * u, 41 * u, 53 * u), fill=WHITE)
    # Sound waves leaving the camera.
    for i, radius in enumerate((12, 21, 30)):
        box = (58 * u - radius * u, 48 * u - radius * u, 58 * u + radius * u, 48 * u + radius * u)
        draw.arc(box, start=-42, end=42, fill=WHITE, width=int((5 - i) * u))
    # The doctor's pulse line under it.
    points = [(10, 80), (36, 80), (42, 72), (48, 88), (54, 76), (58, 80), (90, 80)]
    draw.line([(x * u, y * u) for x, y in points], fill=GREEN, width=int(5 * u), joint="curve")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def logo(height: int, *, dark: bool) -> Image.Image:
    """The wide logo: the icon and the name."""
    font = ImageFont.load_default(size=int(height * 0.36))
    text = "Blink Audio Doctor"
    measure = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = measure.textbbox((0, 0), text, font=font)
    gap = height // 5
    width = height + gap + (right - left) + gap // 2
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    image.alpha_composite(icon(height, dark=dark))
    draw = ImageDraw.Draw(image)
    y = (height - (bottom - top)) // 2 - top
    draw.text((height + gap, y), text, font=font, fill=WHITE if dark else INK)
    return image


def main() -> None:
    """Write the eight images Home Assistant looks for."""
    BRAND.mkdir(exist_ok=True)
    for dark in (False, True):
        prefix = "dark_" if dark else ""
        icon(256, dark=dark).save(BRAND / f"{prefix}icon.png")
        icon(512, dark=dark).save(BRAND / f"{prefix}icon@2x.png")
        logo(128, dark=dark).save(BRAND / f"{prefix}logo.png")
        logo(256, dark=dark).save(BRAND / f"{prefix}logo@2x.png")


if __name__ == "__main__":
    main()
