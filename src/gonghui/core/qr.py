"""QR codes as standalone SVG documents: the one way the project draws a QR.

segno's `svg_inline()` leaves out the SVG namespace and the light modules; that draws when
pasted into HTML but not as an `<img src=…svg>` or a downloaded file (a broken image). This
writes `xmlns`, a white background and a quiet zone, so the same SVG works inline, as an
image and when printed.
"""

from __future__ import annotations

import io

import segno


def qr_svg(data: str, *, scale: int = 4, dark: str = "#1f2329", title: str = "", border: int = 2) -> str:
    """The QR code of `data` as an SVG document with a viewBox (it scales crisply to any size
    CSS or print gives it) and an intrinsic width and height (`<img>` has a natural size)."""
    qr = segno.make(data, error="m")
    out = io.BytesIO()
    qr.save(
        out, kind="svg", xmldecl=False, scale=scale, border=border, dark=dark, light="#ffffff", omitsize=True,
        **({"title": title} if title else {}),
    )
    width, height = qr.symbol_size(scale=scale, border=border)
    svg = out.getvalue().decode()
    return svg.replace(" viewBox=", f' width="{width}" height="{height}" viewBox=', 1)
