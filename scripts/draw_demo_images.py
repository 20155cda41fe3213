"""Draw the demo corpus's pictures: one illustration per story and the outlets' site icons.

    .venv/bin/python scripts/draw_demo_images.py

Everything is drawn here with Pillow from shapes and colours (no photograph, no font file but
Pillow's own), so the fictional outlets ship pictures that are as invented as their articles.
Output, committed and read by ``embedded.demo_corpus``:

* ``demo/corpus/images/<story key>.jpg``: 1200 x 675 JPEG, what article pages name as
  og:image and some feeds as media:content;
* ``demo/corpus/icons/<outlet slug>.png`` or ``.ico``: the outlet's site icon (a coloured
  square with its initials), declared by ``<link rel="icon">`` (PNG) or found at
  ``/favicon.ico`` (ICO). Outlets in ``NO_ICON`` get none, so the site's letter badge shows.

Drawing is deterministic (seeded by the story key or outlet slug): running it again gives the
same files.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent / "demo" / "corpus"
WIDTH, HEIGHT = 1200, 675
JPEG_QUALITY = 80
# Small outlets without an icon of their own: the reader pages show a letter badge instead.
NO_ICON = {"lakeside-weekly", "sentinel-underground", "prairie-examiner", "tri-county-observer"}
# Every third outlet serves a classic /favicon.ico; the others declare a PNG on their home page.
ICO_EVERY = 3

Pen = ImageDraw.ImageDraw
Colour = tuple[int, int, int]


def _gradient(top: Colour, bottom: Colour) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT))
    pen = ImageDraw.Draw(image)
    for y in range(HEIGHT):
        t = y / (HEIGHT - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        pen.line((0, y, WIDTH, y), fill=colour)
    return image


def _hills(pen: Pen, rng: random.Random, base: int, amplitude: int, colour: Colour) -> None:
    phase, wavelength = rng.uniform(0, math.tau), rng.uniform(250, 480)
    points = [(0, HEIGHT)]
    for x in range(0, WIDTH + 20, 20):
        y = base + amplitude * math.sin(x / wavelength * math.tau + phase)
        points.append((x, y))
    points.append((WIDTH, HEIGHT))
    pen.polygon(points, fill=colour)


def water_cyberattack(rng: random.Random) -> Image.Image:
    image = _gradient((22, 78, 99), (8, 30, 45))
    pen = ImageDraw.Draw(image)
    for row in range(9):  # the control room's data: a grid of dim and lit cells
        for col in range(22):
            lit = rng.random() < 0.18
            x, y = 40 + col * 52, 40 + row * 30
            pen.rectangle((x, y, x + 40, y + 18), fill=(46, 196, 182) if lit else (20, 60, 76))
    pen.rectangle((760, 300, 980, 560), fill=(190, 205, 210))  # water tank on its stand
    pen.ellipse((760, 270, 980, 330), fill=(215, 226, 230))
    for x in (790, 940):
        pen.rectangle((x, 560, x + 16, 675), fill=(120, 135, 140))
    pen.rectangle((0, 600, 780, 624), fill=(120, 135, 140))  # the pipe
    pen.rounded_rectangle((300, 380, 440, 500), radius=14, fill=(230, 80, 60))  # the padlock
    pen.arc((320, 300, 420, 420), 180, 360, fill=(230, 80, 60), width=18)
    pen.ellipse((358, 420, 382, 444), fill=(8, 30, 45))
    return image


def rate_decision(rng: random.Random) -> Image.Image:
    image = _gradient((245, 240, 228), (222, 214, 196))
    pen = ImageDraw.Draw(image)
    heights = [360, 380, 400, 420, 425, 425, 425, 410]
    for index, height in enumerate(heights):
        x = 120 + index * 110
        pen.rectangle((x, HEIGHT - 80 - height, x + 70, HEIGHT - 80), fill=(30, 64, 110))
    pen.line((80, HEIGHT - 80, 1040, HEIGHT - 80), fill=(40, 40, 40), width=4)
    pen.ellipse((1010, 120, 1090, 200), outline=(178, 24, 43), width=16)  # a per cent sign
    pen.ellipse((1080, 250, 1160, 330), outline=(178, 24, 43), width=16)
    pen.line((1140, 110, 1030, 340), fill=(178, 24, 43), width=18)
    return image


def grant_audit(rng: random.Random) -> Image.Image:
    image = _gradient((135, 190, 230), (230, 240, 246))
    pen = ImageDraw.Draw(image)
    _hills(pen, rng, 470, 25, (110, 150, 90))
    for row in range(3):  # rows of solar panels
        for col in range(7):
            x, y = 60 + col * 150 + row * 30, 420 + row * 70
            pen.polygon(
                [(x, y), (x + 120, y), (x + 140, y + 50), (x + 20, y + 50)], fill=(25, 45, 90)
            )
            pen.line((x + 60, y, x + 80, y + 50), fill=(120, 150, 200), width=2)
    pen.ellipse((760, 60, 1000, 300), outline=(40, 40, 40), width=22)  # the auditor's lens
    pen.line((975, 275, 1100, 400), fill=(40, 40, 40), width=34)
    return image


def farmworker_heat(rng: random.Random) -> Image.Image:
    image = _gradient((255, 170, 60), (250, 220, 150))
    pen = ImageDraw.Draw(image)
    pen.ellipse((820, 40, 1080, 300), fill=(255, 236, 140))
    for ring in range(3):
        pen.ellipse(
            (790 - ring * 30, 10 - ring * 30, 1110 + ring * 30, 330 + ring * 30),
            outline=(255, 210, 110),
            width=4,
        )
    pen.rectangle((0, 420, WIDTH, HEIGHT), fill=(150, 110, 50))
    for row in range(8):  # crop rows running to the horizon
        y = 430 + row * 32
        for x in range(-40, WIDTH, 46):
            pen.ellipse((x + row * 7, y, x + row * 7 + 30, y + 20), fill=(70, 120, 40))
    return image


def shelter_emergency(rng: random.Random) -> Image.Image:
    image = _gradient((60, 50, 100), (230, 140, 100))
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 500, WIDTH, HEIGHT), fill=(70, 60, 60))
    for index in range(7):  # a row of tents
        x = 40 + index * 165
        colour = (230, 230, 220) if index % 2 else (200, 215, 230)
        pen.polygon([(x, 560), (x + 75, 420), (x + 150, 560)], fill=colour)
        pen.polygon([(x + 60, 560), (x + 75, 470), (x + 90, 560)], fill=(60, 55, 70))
    for x in range(80, WIDTH, 230):  # street lights
        pen.rectangle((x, 300, x + 6, 500), fill=(40, 40, 50))
        pen.ellipse((x - 12, 286, x + 18, 316), fill=(255, 226, 150))
    return image


def orbital_telescope(rng: random.Random) -> Image.Image:
    image = _gradient((8, 10, 35), (30, 20, 70))
    pen = ImageDraw.Draw(image)
    for _ in range(220):
        x, y, r = rng.randrange(WIDTH), rng.randrange(HEIGHT), rng.choice((1, 1, 1, 2, 3))
        pen.ellipse((x, y, x + r, y + r), fill=(255, 255, 240))
    pen.ellipse((-300, 480, 900, 1300), fill=(40, 90, 160))  # the planet's limb
    pen.ellipse((-300, 480, 900, 1300), outline=(120, 190, 255), width=8)
    cx, cy = 820, 260  # the telescope: a tube, a sunshield and two solar wings
    pen.polygon(
        [(cx - 160, cy + 60), (cx + 120, cy - 60), (cx + 160, cy + 20), (cx - 120, cy + 140)],
        fill=(210, 210, 220),
    )
    pen.ellipse((cx + 100, cy - 70, cx + 180, cy + 30), fill=(60, 60, 70))
    for side in (-1, 1):
        x0 = cx - 40 + side * 40
        pen.polygon(
            [
                (x0, cy + side * 60),
                (x0 + 60, cy + side * 170),
                (x0 + 140, cy + side * 130),
                (x0 + 80, cy + side * 30),
            ],
            fill=(40, 70, 140),
        )
    return image


def insulin_fine(rng: random.Random) -> Image.Image:
    image = _gradient((232, 240, 246), (196, 214, 228))
    pen = ImageDraw.Draw(image)
    for index in range(5):  # vials
        x = 120 + index * 150
        pen.rounded_rectangle(
            (x, 260, x + 90, 520), radius=16, fill=(240, 248, 255), outline=(120, 140, 160), width=4
        )
        pen.rectangle((x + 10, 360, x + 80, 510), fill=(140, 200, 230))
        pen.rectangle(
            (x + 15, 230, x + 75, 262), fill=(230, 80, 80) if index % 2 else (80, 110, 200)
        )
    pen.rectangle((880, 300, 1120, 360), fill=(110, 70, 40))  # a gavel
    pen.rectangle((975, 360, 1005, 560), fill=(130, 90, 50))
    pen.rectangle((860, 580, 1140, 610), fill=(90, 60, 35))
    return image


def quake_kestrel(rng: random.Random) -> Image.Image:
    image = _gradient((160, 200, 225), (60, 120, 160))
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 380, WIDTH, HEIGHT), fill=(40, 100, 140))
    for x0, width in ((80, 360), (560, 240), (880, 280)):  # the islands
        pen.ellipse((x0, 340, x0 + width, 440), fill=(120, 150, 90))
    points, x = [], 0  # a seismograph trace across the sky
    while x <= WIDTH:
        burst = 120 if 420 < x < 760 else 12
        points.append((x, 170 + rng.uniform(-burst, burst)))
        x += 12
    pen.line(points, fill=(180, 30, 40), width=5)
    crack = [(140, 400)]
    for _ in range(9):
        crack.append((crack[-1][0] + rng.randint(20, 36), crack[-1][1] + rng.randint(-14, 14)))
    pen.line(crack, fill=(50, 40, 30), width=6)
    return image


def data_breach(rng: random.Random) -> Image.Image:
    image = _gradient((25, 25, 40), (50, 30, 70))
    pen = ImageDraw.Draw(image)
    for row in range(14):
        for col in range(24):
            if rng.random() < 0.55:
                x, y = 30 + col * 48, 30 + row * 44
                shade = rng.choice(((90, 200, 255), (60, 90, 160), (200, 90, 220)))
                pen.rectangle((x, y, x + 34, y + 8), fill=shade)
    pen.rounded_rectangle((470, 300, 730, 520), radius=24, fill=(245, 190, 60))  # an open lock
    pen.arc((500, 150, 660, 330), 180, 330, fill=(245, 190, 60), width=30)
    pen.ellipse((580, 380, 620, 420), fill=(25, 25, 40))
    pen.rectangle((592, 410, 608, 460), fill=(25, 25, 40))
    return image


def recount(rng: random.Random) -> Image.Image:
    image = _gradient((240, 236, 226), (214, 206, 190))
    pen = ImageDraw.Draw(image)
    pen.polygon([(380, 300), (820, 300), (860, 600), (340, 600)], fill=(40, 70, 120))  # ballot box
    pen.rectangle((520, 300, 680, 316), fill=(20, 30, 60))
    for index in range(6):  # ballots, counted in piles
        x, y = 80 + index * 28, 420 - index * 40
        pen.rectangle(
            (x, y, x + 200, y + 130), fill=(255, 255, 250), outline=(150, 150, 150), width=3
        )
        pen.rectangle((x + 20, y + 30, x + 44, y + 54), outline=(60, 60, 60), width=3)
        pen.line((x + 60, y + 42, x + 170, y + 42), fill=(120, 120, 120), width=4)
    for index in range(4):
        pen.line((930 + index * 40, 360, 930 + index * 40, 480), fill=(40, 40, 40), width=8)
    pen.line((910, 460, 1090, 380), fill=(40, 40, 40), width=8)
    return image


def wildfire(rng: random.Random) -> Image.Image:
    image = _gradient((120, 40, 30), (240, 150, 60))
    pen = ImageDraw.Draw(image)
    _hills(pen, rng, 360, 40, (70, 30, 30))
    _hills(pen, rng, 470, 30, (40, 20, 20))
    for _ in range(26):  # flames along the ridge
        x = rng.randrange(0, WIDTH)
        height = rng.randint(60, 160)
        y = 470 + rng.randint(-20, 30)
        pen.polygon(
            [(x - 25, y), (x, y - height), (x + 25, y)], fill=(255, rng.randint(120, 200), 40)
        )
    smoke = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    puff = ImageDraw.Draw(smoke)
    for _ in range(30):
        x, y, r = rng.randrange(WIDTH), rng.randint(40, 300), rng.randint(40, 110)
        puff.ellipse((x - r, y - r, x + r, y + r), fill=(90, 80, 80, 70))
    image.paste(
        smoke.filter(ImageFilter.GaussianBlur(18)), mask=smoke.filter(ImageFilter.GaussianBlur(18))
    )
    return image


def cup_final(rng: random.Random) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), (40, 140, 60))
    pen = ImageDraw.Draw(image)
    for index in range(0, WIDTH, 120):  # mown stripes
        pen.rectangle((index, 0, index + 60, HEIGHT), fill=(50, 155, 70))
    pen.rectangle((360, 120, 840, 420), outline=(250, 250, 250), width=12)  # the goal
    for x in range(380, 840, 30):
        pen.line((x, 130, x, 410), fill=(220, 230, 220), width=2)
    for y in range(140, 410, 30):
        pen.line((370, y, 830, y), fill=(220, 230, 220), width=2)
    pen.line((0, 420, WIDTH, 420), fill=(250, 250, 250), width=8)
    pen.ellipse((560, 520, 640, 600), fill=(255, 255, 255), outline=(30, 30, 30), width=4)
    pen.regular_polygon((600, 560, 16), 5, fill=(30, 30, 30))
    return image


STORY_PICTURES: dict[str, Callable[[random.Random], Image.Image]] = {
    "water-cyberattack": water_cyberattack,
    "rate-decision": rate_decision,
    "grant-audit": grant_audit,
    "farmworker-heat": farmworker_heat,
    "shelter-emergency": shelter_emergency,
    "orbital-telescope": orbital_telescope,
    "insulin-fine": insulin_fine,
    "quake-kestrel": quake_kestrel,
    "data-breach": data_breach,
    "recount": recount,
    "wildfire": wildfire,
    "cup-final": cup_final,
}


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w.lower() not in {"the", "of"}]
    return "".join(w[0] for w in words[:2]).upper() or name[:1].upper()


def draw_icon(slug: str, name: str) -> Image.Image:
    rng = random.Random(_seed(slug))  # noqa: S311 (colours, not secrets)
    hue_colour = tuple(rng.randint(30, 170) for _ in range(3))
    size = 256
    icon = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(icon)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=48, fill=hue_colour)
    text = _initials(name)
    font = ImageFont.load_default(size=150 if len(text) == 1 else 118)
    box = pen.textbbox((0, 0), text, font=font)
    position = ((size - (box[2] - box[0])) / 2 - box[0], (size - (box[3] - box[1])) / 2 - box[1])
    pen.text(position, text, font=font, fill=(255, 255, 255))
    return icon


def main() -> None:
    images = ROOT / "images"
    images.mkdir(exist_ok=True)
    for key, draw in STORY_PICTURES.items():
        picture = draw(random.Random(_seed(key)))  # noqa: S311 (shapes, not secrets)
        picture.save(images / f"{key}.jpg", quality=JPEG_QUALITY, optimize=True, progressive=True)
        print(f"wrote {images / f'{key}.jpg'}")
    icons = ROOT / "icons"
    icons.mkdir(exist_ok=True)
    with (ROOT / "outlets.csv").open(newline="", encoding="utf-8") as handle:
        outlets = list(csv.DictReader(handle))
    for index, outlet in enumerate(outlets):
        if outlet["slug"] in NO_ICON:
            continue
        icon = draw_icon(outlet["slug"], outlet["name"])
        if index % ICO_EVERY == 0:
            path = icons / f"{outlet['slug']}.ico"
            icon.save(path, sizes=[(16, 16), (32, 32), (48, 48)])
        else:
            path = icons / f"{outlet['slug']}.png"
            icon.resize((96, 96), Image.Resampling.LANCZOS).save(path, optimize=True)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
