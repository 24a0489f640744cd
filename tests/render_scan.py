"""Scanned-looking page images: tests/render_pdf.py's pages rasterised, clean or degraded.

A scan is a picture of a printed page, so the scan tests print the same newspaper-like
pages the PDF tests read (real corpus articles set in columns with headlines, bylines,
images, captions and rules) and rasterise them with PDFium at 200-300 dpi. `degrade`
makes a picture look scanned from old paper: turned 0.5-1.5 degrees, slightly blurred,
speckled with noise, yellowed, saved as a JPEG of middling quality (its 8x8 artefacts
around every character). The truth is render_pdf's: `Rendered.expected(stem)`.

OCR never reads exactly, so `char_accuracy` measures how close it came: 1 - edit
distance / length of the truth, over the text as the index matches it
(`search.text.analysis.normalize`, whitespace dropped): a full-width `１２` printed
on the page and the `12` the recogniser writes are one character to a search.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

from search.text.analysis import normalize, squeeze

PAPER = (236, 224, 190)  # yellowed newsprint
INK = (40, 36, 32)


def rasterise(pdf: bytes, dpi: int = 200) -> list[Image.Image]:
    """Each page of the PDF as a greyscale picture at `dpi`."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in document]
    finally:
        document.close()


def degrade(image: Image.Image, seed: int) -> Image.Image:
    """The page as an old scan: turned 0.5-1.5 degrees either way, blurred, noisy,
    yellowed and JPEG-compressed (quality 55-75), all drawn from `seed`."""
    rng = random.Random(seed)
    angle = rng.uniform(0.5, 1.5) * rng.choice((-1, 1))
    grey = image.convert("L").rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255
    )
    grey = grey.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.9)))
    noisy = np.asarray(grey, np.float32) + np.random.default_rng(seed).normal(
        0, 16, grey.size[::-1]
    )
    shade = np.clip(noisy, 0, 255)[..., None] / 255
    paper, ink = np.array(PAPER, np.float32), np.array(INK, np.float32)
    coloured = Image.fromarray((ink + (paper - ink) * shade).astype(np.uint8), "RGB")
    return Image.open(io.BytesIO(encoded(coloured, "JPEG", quality=rng.randint(55, 75))))


def encoded(image: Image.Image, form: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, form, **options)
    return out.getvalue()


def tiff(pages: Sequence[Image.Image]) -> bytes:
    """The pictures as one multi-page TIFF (LZW), as an archive keeps an issue."""
    first, *rest = (page.convert("L") for page in pages)
    return encoded(first, "TIFF", save_all=True, append_images=rest, compression="tiff_lzw")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), one row at a time."""
    if len(a) < len(b):
        a, b = b, a
    row = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (char != other))
    return row[-1]


def matching(text: str) -> str:
    """`text` as the index matches it: normalised, without whitespace."""
    return squeeze(normalize(text))


def char_accuracy(got: str, want: str) -> float:
    """1 - edit distance / length of the truth, both as the index matches them."""
    got, want = matching(got), matching(want)
    return 1 - edit_distance(got, want) / max(1, len(want))
