"""``/medias/...``: the media URLs of the seed (product images, CMS banners and logos).

SAP serves a media item's file at its URL; fakesapcc holds no files, so it draws one: an SVG
placeholder of the media's size (from its format: ``300Wx300H``, ``desktop``) that shows its
alt text. A URL no media item has is 404, as SAP's media web answers it.
"""
from __future__ import annotations

import html
import re
import zlib

from flask import Blueprint, Response, request

from ..commerce.catalog import media_at
from ..errors import not_found_path
from ..security import roles
from . import runtime
from .operations import operation

bp = Blueprint("medias", __name__, url_prefix="/medias")

SIZES = {"widescreen": (1400, 400), "desktop": (1140, 326), "tablet": (770, 220),
         "mobile": (400, 114)}  # one aspect: the browser may swap formats as it lays out
PALETTE = ("#d8e6f3", "#e3eedd", "#f3e5d8", "#e8def0", "#f0ead6", "#dbe9ea")


@bp.get("/<path:name>")
@operation("getMedia", secured=roles.OPEN, summary="A media item's file (a placeholder)")
def get_media(name: str):
    path = request.path
    found = media_at(runtime().db, path)
    if found is None:
        raise not_found_path(path)
    width, height = _size(" ".join(x for x in (found.mediaFormat, found.url, found.code) if x))
    text = found.altText or found.code
    colour = PALETTE[zlib.crc32(text.encode()) % len(PALETTE)]
    label = html.escape(text if len(text) <= 48 else text[:47] + "…")
    font = max(12, min(width // max(len(label), 1) * 1.6, height / 5, 56))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="{colour}"/>'
           f'<text x="50%" y="50%" dominant-baseline="middle" text-anchor="middle" '
           f'font-family="sans-serif" font-size="{font:.0f}" fill="#33475b">{label}</text></svg>')
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=3600"})


def _size(fmt: str) -> tuple[int, int]:
    match = re.search(r"(\d+)Wx(\d+)H", fmt)
    if match:
        return int(match.group(1)), int(match.group(2))
    for key, size in SIZES.items():
        if key in fmt.lower():
            return size
    return (240, 80) if "logo" in fmt.lower() else (600, 400)
