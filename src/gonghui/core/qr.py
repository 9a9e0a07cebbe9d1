"""QR codes as standalone SVG documents: the one way the project draws a QR.

segno's `svg_inline()` leaves out the SVG namespace and the light modules; that draws when
pasted into HTML but not as an `<img src=…svg>` or a downloaded file (a broken image). This
writes the namespace, a viewBox (it scales crisply to any printed size), an intrinsic width
and height (an `<img>` gets a natural size), a white background and the four-module quiet
zone scanners need — so the same SVG works inline, as an image and on a poster.
"""

from __future__ import annotations

import io

import segno

QUIET_ZONE = 4


def qr_svg(data: str, *, scale: int = 4, dark: str = "#1f2329", title: str = "") -> str:
    qr = segno.make(data, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", xmldecl=False, scale=scale, border=QUIET_ZONE, dark=dark, light="#fff",
            omitsize=True, **({"title": title} if title else {}))
    width, height = qr.symbol_size(scale=scale, border=QUIET_ZONE)
    return out.getvalue().decode().replace("<svg ", f'<svg width="{width}" height="{height}" ', 1)
