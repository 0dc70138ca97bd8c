#!/usr/bin/env python3
"""Benchmark the photo pipeline: upload cost, refusing bombs, and what phones download.

Three measurements, each printed as a table (a measurement, not a test: nothing fails):

1. Upload to ready, for a 24 MP JPEG (6000×4000, smooth colour noise plus grain so it
   weighs what a camera file weighs, about 8.5 MB): `clean_image` (check, decode,
   re-encode without metadata), storing the Photo, then `generate_renditions`. Also
   `generate_renditions` alone from the stored file, with and without JPEG draft
   decoding, and `clean_image` alone.
2. Refusing bombs: a 50000×50000 PNG header (1.5 KB), a GIF whose logical screen is
   65535×65535, a real 9000×9000 PNG (under the byte cap, over the pixel cap), and a
   GIF with 1000 frames: time, the message, memory.
3. Home page image bytes on a 360 px phone (DPR 2) and a 1280 px desktop (DPR 1),
   on a database filled by `manage.py seed_demo` (its photos get renditions as
   every upload does).

Memory: every measurement runs in a fresh subprocess, which reports
`resource.getrusage(RUSAGE_SELF).ru_maxrss` (the process's peak resident memory)
after Django is set up ("base") and after the work ("peak"); "work" is the
difference. `tracemalloc` is reported too, but it only sees Python allocations
(file bytes, encoded outputs), not Pillow's pixel buffers: maxrss is the number
that says whether a worker survives.

Home page bytes, the method: render "/" with Django's test client; for every
`<picture>`, take the WebP `<source>` (all current browsers pick it), evaluate its
`sizes` for the viewport width (the media conditions and `calc()` expressions we
emit) to get the slot's CSS width, give each `srcset` candidate its density
(candidate width / slot width), and pick the smallest candidate whose density
reaches the device pixel ratio (the largest if none does). That is what Chromium
156 picked, file for file, for all 37 images of the seeded home page at both
viewports (checked once with Playwright, scrolling the page through). The chosen
files' sizes are summed from storage, each file once (a photo shown twice is
downloaded once). Lazy images count: this is the whole page scrolled through. The
same is done with the `<img>` JPEG srcset (a browser without WebP), and the original
files are summed for comparison (what the page served before renditions).

Everything runs in a temporary directory (SQLite file and media) removed at the end.
Usage: .venv/bin/python scripts/image_benchmark.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable

PHONE = ("phone 360 px, DPR 2", 360, 2.0)
DESKTOP = ("desktop 1280 px, DPR 1", 1280, 1.0)


# --- Test files ------------------------------------------------------------------------


def make_24mp_jpeg(path):
    """6000×4000: coarse colour noise scaled up (shapes) plus fine grain (texture)."""
    from PIL import Image, ImageChops

    width, height = 6000, 4000
    channels = [
        Image.effect_noise((width // 40, height // 40), 60).resize(
            (width, height), Image.Resampling.BICUBIC
        )
        for _ in range(3)
    ]
    grain = Image.effect_noise((width, height), 12).convert("RGB")
    picture = ImageChops.add(Image.merge("RGB", channels), grain, scale=1.0, offset=-128)
    picture.save(path, format="JPEG", quality=85)


def _png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def make_png_header_bomb(path, size=50000):
    """A valid PNG header claiming size×size pixels, with almost no data."""
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 10)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def make_real_png(path, size=9000):
    """A real size×size RGB PNG, all one colour: every row is there, compressed small.
    Written row by row, so making it costs no memory."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x80\x90\xa0" * size
    idat = b"".join(compressor.compress(row) for _ in range(size)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def make_gif_screen_bomb(path):
    """A 1×1 GIF whose logical screen says 65535×65535."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("P", (1, 1)).save(buffer, format="GIF")
    data = bytearray(buffer.getvalue())
    data[6:10] = struct.pack("<HH", 65535, 65535)
    path.write_bytes(bytes(data))


def make_gif_many_frames(path, frames=1000):
    from PIL import Image

    images = [Image.new("RGB", (16, 16), (i % 256, (i * 7) % 256, 0)) for i in range(frames)]
    images[0].save(path, format="GIF", save_all=True, append_images=images[1:], duration=20)


BOMB_FILES = {
    "PNG 50000×50000 header": "bomb.png",
    "GIF logical screen 65535×65535": "screen.gif",
    "PNG 9000×9000 (real rows)": "big.png",
    "GIF 1000 frames": "frames.gif",
}


def make_files(folder):
    folder = Path(folder)
    make_24mp_jpeg(folder / "anh-24mp.jpg")
    make_png_header_bomb(folder / BOMB_FILES["PNG 50000×50000 header"])
    make_gif_screen_bomb(folder / BOMB_FILES["GIF logical screen 65535×65535"])
    make_real_png(folder / BOMB_FILES["PNG 9000×9000 (real rows)"])
    make_gif_many_frames(folder / BOMB_FILES["GIF 1000 frames"])


# --- Children: one measurement per process ---------------------------------------------


def _maxrss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    # Import everything the work uses, so "base" includes the libraries.
    import PIL.Image  # noqa: F401
    from django.core.files import File  # noqa: F401

    import articles.images  # noqa: F401
    import articles.renditions  # noqa: F401


def child(name, args):
    import tracemalloc

    if name == "make-files":
        make_files(args[0])
        print("{}")
        return

    _setup_django()
    from django.core.exceptions import ValidationError
    from django.core.files import File

    from articles.images import clean_image
    from articles.models import Photo
    from articles.renditions import generate_renditions

    result = {"base_mb": _maxrss_mb()}
    tracemalloc.start()
    started = time.perf_counter()
    if name in ("upload", "clean", "store"):
        path = Path(args[0])
        with path.open("rb") as handle:
            clean = clean_image(File(handle, name=path.name))
        result["clean_s"] = time.perf_counter() - started
        if name != "clean":
            photo = Photo(original_filename=path.name)
            photo.image.save(f"upload.{clean.extension}", clean.content, save=False)
            photo.save()
            result["photo"] = photo.pk
            result["stored_bytes"] = photo.image.size
        if name == "upload":
            made = generate_renditions(photo)
            result["renditions"] = len(made)
            result["rendition_bytes"] = sum(r.size_bytes for r in made)
    elif name in ("renditions", "renditions-nodraft"):
        if name == "renditions-nodraft":
            from PIL import JpegImagePlugin

            JpegImagePlugin.JpegImageFile.draft = lambda self, mode, size: None
        photo = Photo.objects.get(pk=int(args[0]))
        made = generate_renditions(photo)
        result["renditions"] = len(made)
        result["rendition_bytes"] = sum(r.size_bytes for r in made)
    elif name == "refuse":
        path = Path(args[0])
        try:
            with path.open("rb") as handle:
                clean_image(File(handle, name=path.name))
            result["refused"] = None
        except ValidationError as error:
            result["refused"] = error.messages[0]
    elif name == "home":
        tracemalloc.stop()
        result.update(home_page_bytes())
        print(json.dumps(result))
        return
    result["seconds"] = time.perf_counter() - started
    result["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1048576
    result["peak_mb"] = _maxrss_mb()
    print(json.dumps(result))


# --- Home page bytes -------------------------------------------------------------------

_LENGTH = re.compile(r"^(?:calc\(\s*([\d.]+)vw\s*([+-])\s*([\d.]+)px\s*\)|([\d.]+)(px|vw))$")
_CONDITION = re.compile(r"^\((max|min)-width:\s*([\d.]+)px\)\s*(.+)$")


def css_length(text, viewport):
    match = _LENGTH.match(text.strip())
    if not match:
        raise ValueError(f"unsupported length {text!r}")
    if match.group(1):
        vw, sign, px = float(match.group(1)), match.group(2), float(match.group(3))
        return viewport * vw / 100 + (px if sign == "+" else -px)
    number, unit = float(match.group(4)), match.group(5)
    return number if unit == "px" else viewport * number / 100


def slot_width(sizes, viewport):
    """The CSS width `sizes` gives at this viewport: first entry whose condition holds."""
    for entry in re.split(r",\s*(?![^()]*\))", sizes):
        entry = entry.strip()
        match = _CONDITION.match(entry)
        if match is None:
            return css_length(entry, viewport)
        kind, limit, length = match.group(1), float(match.group(2)), match.group(3)
        if (viewport <= limit) if kind == "max" else (viewport >= limit):
            return css_length(length, viewport)
    return viewport  # no default given: 100vw


def chromium_pick(srcset, slot, dpr):
    """The candidate Chromium picks: the smallest whose density (its width / the slot's
    CSS width) reaches the device pixel ratio, else the largest. Checked against
    headless Chromium 156 on the seeded home page: the same file for all 37 images at
    360 px/DPR 2 and at 1280 px/DPR 1."""
    candidates = []
    for item in srcset.split(","):
        url, descriptor = item.split()
        candidates.append((int(descriptor.rstrip("w")) / slot, url))
    candidates.sort()
    return next((url for density, url in candidates if density >= dpr), candidates[-1][1])


def home_page_bytes():
    from html.parser import HTMLParser

    from django.core.files.storage import default_storage
    from django.test import Client

    from articles.models import Photo, Rendition

    class Pictures(HTMLParser):
        def __init__(self):
            super().__init__()
            self.items, self.current = [], None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "picture":
                self.current = {}
            elif tag == "source" and self.current is not None:
                self.current["webp"] = (attrs["srcset"], attrs["sizes"])
            elif tag == "img":
                item = self.current if self.current is not None else {}
                item["img"] = attrs
                if self.current is None:
                    self.items.append(item)

        def handle_endtag(self, tag):
            if tag == "picture":
                self.items.append(self.current)
                self.current = None

    html = Client().get("/").content.decode()
    parser = Pictures()
    parser.feed(html)
    prefix = default_storage.url("")
    by_url = {r.file.url: r for r in Rendition.objects.select_related("photo")}
    originals = {p.image.url: p for p in Photo.objects.all()}

    def size_of(url):
        return default_storage.size(url[len(prefix) :])

    def original_of(url):
        if url in by_url:
            return by_url[url].photo
        return originals[url]

    report = {"pictures": 0, "plain_imgs": 0, "lazy": 0, "viewports": {}}
    for item in parser.items:
        report["pictures" if "webp" in item else "plain_imgs"] += 1
        report["lazy"] += item["img"].get("loading") == "lazy"
    for label, viewport, dpr in (PHONE, DESKTOP):
        webp, jpeg, originals = set(), set(), set()  # URLs: each file is downloaded once
        for item in parser.items:
            img = item["img"]
            if "webp" in item:
                srcset, sizes = item["webp"]
                slot = slot_width(sizes, viewport)
                webp.add(chromium_pick(srcset, slot, dpr))
                jpeg.add(chromium_pick(img["srcset"], slot, dpr))
            else:
                webp.add(img["src"])
                jpeg.add(img["src"])
            originals.add(original_of(img["src"]).image.url)
        report["viewports"][label] = {
            "files": len(webp),
            "webp": sum(map(size_of, webp)),
            "jpeg": sum(map(size_of, jpeg)),
            "original": sum(map(size_of, originals)),
            "picks": sorted({by_url[url].kind for url in webp if url in by_url}),
        }
    return report


# --- Parent ----------------------------------------------------------------------------


def run_child(env, *args):
    completed = subprocess.run(
        [PYTHON, __file__, "--child", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if completed.returncode != 0:
        sys.exit(f"child {args} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def median_run(env, repeat, *args):
    runs = [run_child(env, *args) for _ in range(repeat)]
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float))]
    merged = {k: statistics.median(run[k] for run in runs) for k in keys}
    return {**runs[0], **merged}


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], env=env, cwd=ROOT, check=True, capture_output=True)


def table(title, header, rows):
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    line = "  ".join(f"{h:<{w}}" for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(f"{str(c):<{w}}" for c, w in zip(row, widths, strict=True)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per upload measurement")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1:])
        return

    with tempfile.TemporaryDirectory(prefix="toasoan-images-") as scratch:
        scratch = Path(scratch)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
            "MEDIA_ROOT": str(scratch / "media"),
            "DEBUG": "1",
        }
        env.pop("REDIS_URL", None)
        load_before = os.getloadavg()[0]
        print("Preparing: database, test files…", flush=True)
        manage(env, "migrate", "--noinput")
        # Made by a child: Linux carries a parent's resident memory into its children's
        # maxrss, so the parent stays small (standard library only, no pixels).
        run_child(env, "make-files", scratch)
        photo_path = scratch / "anh-24mp.jpg"
        bombs = {label: scratch / name for label, name in BOMB_FILES.items()}

        print("Measuring the 24 MP upload…", flush=True)
        upload = median_run(env, args.repeat, "upload", photo_path)
        clean = median_run(env, args.repeat, "clean", photo_path)
        stored = run_child(env, "store", photo_path)
        renditions = median_run(env, args.repeat, "renditions", stored["photo"])
        no_draft = median_run(env, args.repeat, "renditions-nodraft", stored["photo"])
        mb = photo_path.stat().st_size / 1048576

        def row(label, r):
            return [
                label,
                f"{r['seconds']:.2f}",
                f"{r['peak_mb']:.0f}",
                f"{r['peak_mb'] - r['base_mb']:.0f}",
                f"{r['traced_peak_mb']:.1f}",
            ]

        table(
            f"1. 24 MP JPEG (6000×4000, {mb:.1f} MB) — median of {args.repeat} runs; "
            f"{upload['renditions']} renditions, {upload['rendition_bytes'] / 1048576:.1f} MB",
            ["step", "seconds", "peak MB (maxrss)", "work MB", "tracemalloc MB"],
            [
                row("upload to ready (clean_image + save + renditions)", upload),
                row("  clean_image alone", clean),
                row("  generate_renditions alone (draft decode)", renditions),
                row("  generate_renditions alone, full decode", no_draft),
            ],
        )
        print(f"   (base: Django + Pillow loaded = {upload['base_mb']:.0f} MB maxrss)")

        print("\nMeasuring refusals…", flush=True)
        rows = []
        for label, path in bombs.items():
            r = run_child(env, "refuse", path)
            rows.append(
                [
                    label,
                    f"{path.stat().st_size / 1024:.1f} KB",
                    f"{r['seconds'] * 1000:.0f}",
                    f"{r['peak_mb']:.0f}",
                    f"{r['peak_mb'] - r['base_mb']:.0f}",
                    (r["refused"] or "ACCEPTED")[:70],
                ]
            )
        table(
            "2. Refusing bombs (clean_image, one process each)",
            ["file", "size", "ms", "peak MB", "work MB", "message"],
            rows,
        )

        print("\nSeeding the demo database (manage.py seed_demo)…", flush=True)
        started = time.perf_counter()
        manage(env, "seed_demo", "--password", "bench-pass-123")
        seeded = time.perf_counter() - started
        home = run_child(env, "home")
        rows = []
        for label, numbers in home["viewports"].items():
            rows.append(
                [
                    label,
                    numbers["files"],
                    f"{numbers['webp'] / 1024:.0f}",
                    f"{numbers['jpeg'] / 1024:.0f}",
                    f"{numbers['original'] / 1024:.0f}",
                    ", ".join(numbers["picks"]),
                ]
            )
        table(
            f"3. Home page images, whole page scrolled ({home['pictures']} <picture>, "
            f"{home['plain_imgs']} plain <img>, {home['lazy']} lazy; seed_demo took "
            f"{seeded:.0f} s)",
            ["viewport", "files", "WebP KB", "JPEG-only KB", "originals KB (before)", "kinds"],
            rows,
        )
        print(
            f"\nLoad average (1 min): {load_before:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} CPUs: "
            "times are comparable only between quiet runs on the same machine."
        )


if __name__ == "__main__":
    main()
