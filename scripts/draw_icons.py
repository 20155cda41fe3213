"""Draw Newsdesk's own icon (the browser tab, a phone's home screen) into static/icons/.

    .venv/bin/python scripts/draw_icons.py

The icon is the site's idea in one picture: a folded newspaper page whose lines are the
Left / Center / Right bar every story card carries, in the site's side colours. It is drawn
large and scaled down, so the small sizes stay smooth. The output is committed; run this again
only to change the design.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
# The site's colours (static/css/site.css): ink, and the Left / Center / Right sides.
INK = (27, 27, 31)
PAPER = (255, 255, 255)
LEFT, CENTER, RIGHT = (33, 102, 172), (122, 122, 134), (178, 24, 43)
SIZES = {"favicon-32.png": 32, "favicon-192.png": 192, "apple-touch-icon.png": 180}
CANVAS = 768  # drawn at 4x the largest size, then scaled down


def draw(size: int = CANVAS) -> Image.Image:
    unit = size / 24
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=5 * unit, fill=INK)
    # The page, with its top-right corner folded.
    left, top, right, bottom = 5 * unit, 4 * unit, 19 * unit, 20 * unit
    fold = 4 * unit
    pen.polygon(
        [(left, top), (right - fold, top), (right, top + fold), (right, bottom), (left, bottom)],
        fill=PAPER,
    )
    pen.polygon(
        [(right - fold, top), (right - fold, top + fold), (right, top + fold)], fill=(200, 200, 208)
    )
    # The headline, then the bias bar: three segments, as on a card.
    pen.rectangle(
        (left + 1.5 * unit, top + 2 * unit, right - fold - 0.5 * unit, top + 3.6 * unit), fill=INK
    )
    bar_top, bar_bottom = top + 6 * unit, top + 9 * unit
    x0, x1 = left + 1.5 * unit, right - 1.5 * unit
    third = (x1 - x0) / 3
    for index, colour in enumerate((LEFT, CENTER, RIGHT)):
        pen.rectangle(
            (x0 + index * third, bar_top, x0 + (index + 1) * third, bar_bottom), fill=colour
        )
    # Body text lines.
    for row in range(3):
        y = top + (11 + 1.9 * row) * unit
        end = x1 - (3 * unit if row == 2 else 0)
        pen.rectangle((x0, y, end, y + 0.8 * unit), fill=(150, 150, 160))
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    master = draw()
    for name, size in SIZES.items():
        icon = master.resize((size, size), Image.Resampling.LANCZOS)
        icon.save(OUT / name, optimize=True)
        print(f"wrote {OUT / name} ({size} px)")


if __name__ == "__main__":
    main()
