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
    """`data` as a standalone SVG: namespace, a viewBox (it scales crisply to any printed size)
    and an intrinsic width and height (so an `<img>` has a natural size), a white background
    and a quiet zone of `border` modules (four for codes printed on posters)."""
    qr = segno.make(data, error="m")
    out = io.BytesIO()
    qr.save(
        out, kind="svg", xmldecl=False, scale=scale, border=border, dark=dark, light="#ffffff", omitsize=True,
        **({"title": title} if title else {}),
    )
    width, height = qr.symbol_size(scale=scale, border=border)
    svg = out.getvalue().decode()
    namespace = 'xmlns="http://www.w3.org/2000/svg"'
    return svg.replace(namespace, f'{namespace} width="{width}" height="{height}"', 1)
