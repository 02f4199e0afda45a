"""The digest's chart: mentions per day by label over the last 14 days, as a small PNG.

Drawn with Pillow (no plotting library, no fonts to install: Pillow's built-in bitmap font),
so it renders the same on every machine and embeds in the email by Content-ID — mail clients
block remote images, and a chart that needs one would show as a broken box.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 36, 12, 28, 36
BACKGROUND = (255, 255, 255)
AXIS = (110, 119, 129)
GRID = (234, 238, 242)
# One colour per label, readable side by side; "other" for items with no label.
COLOURS: dict[str, tuple[int, int, int]] = {
    "safeguarding": (185, 28, 28),
    "reputation_risk": (194, 65, 12),
    "parental_complaint": (29, 78, 216),
    "staff_conduct": (109, 40, 217),
    "positive": (21, 128, 61),
    "other": (107, 114, 128),
}
_DAYS = ("M", "T", "W", "T", "F", "S", "S")


@dataclass(frozen=True)
class DayCounts:
    day: date
    counts: dict[str, int]  # label (or "other") -> items first seen that day

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def render_chart(days: Sequence[DayCounts], labels: Sequence[str]) -> bytes:
    """A stacked bar per day (oldest left), a bar segment per label in `labels` order."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    top = max((d.total for d in days), default=0)
    scale_max = max(1, _nice_ceiling(top))
    base_y = MARGIN_TOP + plot_h
    for step in range(5):  # gridlines and their values
        value = scale_max * step / 4
        y = base_y - plot_h * step / 4
        draw.line([(MARGIN_LEFT, y), (WIDTH - MARGIN_RIGHT, y)], fill=GRID)
        draw.text((4, y - 6), f"{value:g}", fill=AXIS, font=font)
    slot = plot_w / max(1, len(days))
    bar_w = max(2, int(slot * 0.7))
    for i, day in enumerate(days):
        x0 = MARGIN_LEFT + i * slot + (slot - bar_w) / 2
        y = base_y
        for label in labels:
            n = day.counts.get(label, 0)
            if n <= 0:
                continue
            h = plot_h * n / scale_max
            draw.rectangle([(x0, y - h), (x0 + bar_w, y - 1)], fill=COLOURS.get(label, AXIS))
            y -= h
        draw.text((x0 + bar_w / 2 - 3, base_y + 4), _DAYS[day.day.weekday()], fill=AXIS, font=font)
        if i == 0 or day.day.day == 1 or i == len(days) - 1:
            draw.text((x0 - 2, base_y + 18), f"{day.day.day}/{day.day.month}", fill=AXIS, font=font)
    draw.line([(MARGIN_LEFT, base_y), (WIDTH - MARGIN_RIGHT, base_y)], fill=AXIS)
    x = MARGIN_LEFT
    for label in labels:  # the legend, along the top
        draw.rectangle([(x, 8), (x + 9, 17)], fill=COLOURS.get(label, AXIS))
        name = label.replace("_", " ")
        draw.text((x + 13, 7), name, fill=(31, 35, 40), font=font)
        x += 13 + int(draw.textlength(name, font=font)) + 14
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _nice_ceiling(n: int) -> int:
    """The axis top: n rounded up to 4, 8, 20, 40 ... so the gridlines have whole values."""
    for nice in (4, 8, 12, 20, 40, 60, 100, 200, 400, 1000):
        if n <= nice:
            return nice
    return ((n + 999) // 1000) * 1000
