"""Draw the paper's raster logos from the same design as static/brand/logo.svg.

    python scripts/make_brand_images.py        # rewrites static/brand/logo*.png

Search engines want a raster publisher logo (Google: PNG/JPEG/GIF, at least
112×112) and RSS caps a channel image at 144 px wide, so the square mark is drawn
at 512 and 144 px. The PNGs are committed; run this again only after changing the
design. Needs a font with Vietnamese letters (DejaVu Sans Bold, Debian's
fonts-dejavu-core).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

STATIC = Path(__file__).resolve().parent.parent / "static" / "brand"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
RED, WHITE = (179, 20, 27), (255, 255, 255)
# (text, share of the tile's height for its cap height) from top to bottom
LINES = [("BÁO", 0.10), ("CÔNG", 0.17), ("THƯƠNG", 0.17)]


def draw(size):
    scale = 4  # draw large, then downsample: smooth edges without antialiasing options
    side = size * scale
    tile = Image.new("RGB", (side, side), RED)
    pen = ImageDraw.Draw(tile)
    fonts = [ImageFont.truetype(FONT, int(side * share * 1.35)) for _, share in LINES]
    boxes = [
        pen.textbbox((0, 0), text, font=font) for (text, _), font in zip(LINES, fonts, strict=True)
    ]
    # Fit the widest line into 84% of the tile.
    widest = max(box[2] - box[0] for box in boxes)
    if widest > side * 0.84:
        factor = side * 0.84 / widest
        fonts = [ImageFont.truetype(FONT, int(f.size * factor)) for f in fonts]
        boxes = [
            pen.textbbox((0, 0), text, font=font)
            for (text, _), font in zip(LINES, fonts, strict=True)
        ]
    gap = side * 0.04
    total = sum(box[3] - box[1] for box in boxes) + gap * (len(LINES) - 1)
    top = (side - total) / 2
    for (text, _), font, box in zip(LINES, fonts, boxes, strict=True):
        width, height = box[2] - box[0], box[3] - box[1]
        pen.text(((side - width) / 2 - box[0], top - box[1]), text, font=font, fill=WHITE)
        top += height + gap
    return tile.resize((size, size), Image.Resampling.LANCZOS)


def main():
    STATIC.mkdir(parents=True, exist_ok=True)
    for name, size in (("logo.png", 512), ("logo-144.png", 144)):
        draw(size).save(STATIC / name, optimize=True)
        print(f"static/brand/{name}: {size}×{size}")


if __name__ == "__main__":
    main()
