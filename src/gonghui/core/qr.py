"""QR codes as standalone SVG documents: the one way the project draws a QR.

segno's `svg_inline()` leaves out the SVG namespace and the light modules; that draws when
pasted into HTML but not as an `<img src=…svg>` or a downloaded file (a broken image). This
writes `xmlns`, a white background and a quiet zone, so the same SVG works inline, as an
image and when printed.
"""

from __future__ import annotations

import io

import segno


def qr_svg(data: str, *, scale: int = 4, dark: str = "#1f2329", title: str = "") -> str:
    out = io.BytesIO()
    segno.make(data, error="m").save(
        out, kind="svg", xmldecl=False, scale=scale, border=2, dark=dark, light="#ffffff",
        **({"title": title} if title else {}),
    )
    return out.getvalue().decode()
