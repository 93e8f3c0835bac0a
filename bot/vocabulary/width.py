"""Full-width characters, as phone keyboards type them in Chinese input mode, to ASCII."""
from __future__ import annotations

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space to their ASCII forms: one
# character for one, so that offsets found in the converted text are offsets in the typed one.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_half_width(text: str) -> str:
    """"１３９１２３４５６７８" → "13912345678", "Ｃ００００００１" → "C000001"; same length."""
    return text.translate(_FULL_WIDTH)
