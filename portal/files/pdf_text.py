"""The text layer of our PDFs reads back as the Thai that was typed.

HarfBuzz draws SARA AM (ำ) as two glyphs, NIKHAHIT then SARA AA (with a tone
mark, Sarabun ligates NIKHAHIT + tone into one glyph: น้ำ is น, ํ้, า). A
PDF maps each *code* in the content stream to one text, and WeasyPrint
uses the glyph id as the code: the SARA AA of "ำ" and the SARA AA of "า"
are one code, so one of the two always reads back wrong (WeasyPrint keeps
the first it met: บ้าน read as บ้ำน, or ำ as ํา — the old work-around,
which made "น้ำ" unsearchable).

This runs as WeasyPrint's finisher, on the finished objects before they are
written, and gives the glyphs drawn for a SARA AM codes of their own: the
same glyph on the page (the encoding CMap maps the new code to the old
glyph, so shaping, positions and widths are untouched), with the text
"ำ" on SARA AA and the tone alone (or nothing) on the NIKHAHIT before it.
Every extractor that reads ToUnicode (pdftotext, pypdf, pdfminer, a
viewer's search) then gets the typed characters, in the typed order.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

SARA_AM, NIKHAHIT, SARA_AA = "\u0e33", "\u0e4d", "\u0e32"
# Marks that may sit between the NIKHAHIT and the SARA AA once HarfBuzz has
# moved the NIKHAHIT before the tone (a font that does not ligate them).
_ABOVE_MARKS = {chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F))}
_TF = re.compile(rb"^/(\S+) \S+ Tf$")
_HEX = re.compile(rb"<([0-9a-fA-F]*)>")


@dataclass
class _Glyphs:
    """What one font's glyphs stand for, from its cmap and GSUB."""

    text: dict[int, str] = field(default_factory=dict)  # glyph -> characters it draws
    nikhahit: set[int] = field(default_factory=set)  # NIKHAHIT and its ligatures
    sara_aa: set[int] = field(default_factory=set)  # SARA AA and its alternates


@lru_cache(maxsize=16)
def _glyphs(font_data: bytes, index: int) -> _Glyphs:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(font_data), fontNumber=index, lazy=True)
    order = font.getGlyphOrder()
    gid = {name: i for i, name in enumerate(order)}
    names: dict[str, str] = {}
    codepoints: dict[str, list[int]] = {}
    for code, name in font.getBestCmap().items():
        codepoints.setdefault(name, []).append(code)
    for name, codes in codepoints.items():
        if len(codes) == 1:  # a glyph shared by two characters stays WeasyPrint's guess
            names[name] = chr(codes[0])
    singles: list[tuple[str, str]] = []
    ligatures: list[tuple[str, list[str]]] = []
    if "GSUB" in font:
        for lookup in font["GSUB"].table.LookupList.Lookup:
            for sub in lookup.SubTable:
                if lookup.LookupType == 7:
                    sub = sub.ExtSubTable
                if getattr(sub, "LookupType", lookup.LookupType) == 1:
                    singles.extend(sub.mapping.items())
                elif getattr(sub, "LookupType", lookup.LookupType) == 4:
                    for first, ligs in sub.ligatures.items():
                        ligatures.extend((lig.LigGlyph, [first, *lig.Component]) for lig in ligs)
    # Alternates and ligatures draw the characters of what they replace;
    # a few rounds reach alternates of alternates.
    for _ in range(3):
        for source, target in singles:
            if source in names and target not in names:
                names[target] = names[source]
        for target, parts in ligatures:
            if target not in names and all(p in names for p in parts):
                names[target] = "".join(names[p] for p in parts)
    found = _Glyphs()
    for name, text in names.items():
        if name not in gid:
            continue
        glyph = gid[name]
        found.text[glyph] = text
        if NIKHAHIT in text:
            found.nikhahit.add(glyph)
        elif text == SARA_AA:
            found.sara_aa.add(glyph)
    return found


def _font_data(font: Any) -> bytes | None:
    from weasyprint.text.fonts import get_hb_object_data

    return get_hb_object_data(font.hb_face)


def _deref(pdf: Any, reference: Any) -> Any:
    if isinstance(reference, bytes):
        reference = reference.decode()
    return pdf.objects[int(str(reference).split()[0])]


def _hex(text: str) -> str:
    return "".join(char.encode("utf-16-be").hex() for char in text)


@dataclass
class _Font:
    """One font of the PDF as we rewrite it."""

    font: Any
    glyphs: _Glyphs
    next_code: int
    new_codes: dict[tuple[int, str], int] = field(default_factory=dict)  # (glyph, text) -> code

    def code_for(self, glyph: int, text: str) -> int:
        key = (glyph, text)
        if key not in self.new_codes:
            self.new_codes[key] = self.next_code
            self.next_code += 1
        return self.new_codes[key]


def _fonts(document: Any) -> dict[str, _Font]:
    fonts = {}
    for font in document.fonts.values():
        if font.bitmap or font.hash in fonts:
            continue
        data = _font_data(font)
        if not data:
            continue
        glyphs = _glyphs(data, font.index)
        if glyphs.nikhahit and glyphs.sara_aa:
            fonts[font.hash] = _Font(font, glyphs, font.glyph_count + len(font.missing))
    return fonts


def _rewrite_stream(chunks: list[Any], fonts: dict[str, _Font]) -> None:
    """Give each SARA AM drawn in one content stream its own codes."""
    current: _Font | None = None
    # Every glyph shown, in order: (chunk index, hex string index, glyph index).
    shown: list[tuple[int, int, int]] = []
    parsed: dict[int, list[list[str]]] = {}
    for i, chunk in enumerate(chunks):
        if not isinstance(chunk, bytes):
            continue
        if chunk.endswith(b" Tf"):
            match = _TF.match(chunk)
            current = fonts.get(match.group(1).decode()) if match else None
            shown.clear()
            continue
        if current is None or not chunk.endswith(b"TJ"):
            continue
        strings = [[m[k:k + 4].decode() for k in range(0, len(m), 4)]
                   for m in _HEX.findall(chunk)]
        parsed[i] = strings
        glyphs = current.glyphs
        for s, string in enumerate(strings):
            for g, code in enumerate(string):
                glyph = int(code, 16)
                if glyph in glyphs.sara_aa:
                    _mark_sara_am(current, parsed, shown, (i, s, g))
                shown.append((i, s, g))
    for i, strings in parsed.items():
        chunks[i] = _put_back(chunks[i], strings)


def _put_back(chunk: bytes, strings: list[list[str]]) -> bytes:
    """``chunk`` with its hex strings replaced, in order, by ``strings``."""
    pieces = iter(("<" + "".join(string) + ">").encode() for string in strings)
    return _HEX.sub(lambda _match: next(pieces), chunk)


def _mark_sara_am(font: _Font, parsed: dict[int, list[list[str]]],
                  shown: list[tuple[int, int, int]], at: tuple[int, int, int]) -> None:
    """If the SARA AA at ``at`` follows a NIKHAHIT (marks between), recode both."""
    glyphs = font.glyphs
    for back in reversed(shown):
        i, s, g = back
        glyph = int(parsed[i][s][g], 16)
        if glyph in glyphs.nikhahit:
            # The NIKHAHIT part reads as nothing, its ligated tone as the tone:
            # the SARA AA after it carries the whole "ำ".
            rest = glyphs.text[glyph].replace(NIKHAHIT, "", 1)
            parsed[i][s][g] = f"{font.code_for(glyph, rest):04x}"
            i, s, g = at
            aa = int(parsed[i][s][g], 16)
            parsed[i][s][g] = f"{font.code_for(aa, SARA_AM):04x}"
            return
        if glyphs.text.get(glyph, "")[:1] not in _ABOVE_MARKS:
            return


def _cmap_stream(lines: list[bytes]) -> list[bytes]:
    """A ToUnicode CMap around ``lines``, as WeasyPrint writes it."""
    return [
        b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
        b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0",
        b">> def", b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
        b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange",
        *lines,
        b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end",
    ]


def _batches(kind: bytes, entries: list[bytes]) -> list[bytes]:
    lines = []
    for start in range(0, len(entries), 100):
        batch = entries[start:start + 100]
        lines += [b"%d begin%s" % (len(batch), kind), *batch, b"end" + kind]
    return lines


def _rewrite_font(pdf: Any, font_dictionary: Any, font: _Font) -> None:
    """The ToUnicode of every code, and new CIDs drawn as their old glyph.

    The new codes are new CIDs under WeasyPrint's Identity-H encoding, with
    a CIDToGIDMap that draws each as the glyph it stands in for: extractors
    that take a code for its CID (pypdf and pdfminer do) read them right.
    """
    import pydyf

    weasy = font.font
    texts = dict(weasy.to_unicode)
    sara_am_parts = font.glyphs.nikhahit | font.glyphs.sara_aa
    for glyph, text in texts.items():
        # WeasyPrint gives a cluster's text to its last glyph and nothing to
        # the others, and keeps what it met first: the SARA AA it first drew
        # inside "้ำ" would read as "้ำ" everywhere. These read as what the font
        # says they draw; others (the ligature "fi", also the cmap's "ﬁ") as
        # WeasyPrint says.
        known = font.glyphs.text.get(glyph)
        if known is not None and (not text or glyph in sara_am_parts):
            texts[glyph] = known
    new = sorted((code, glyph, text) for (glyph, text), code in font.new_codes.items())
    entries = [b"<%04x> <%s>" % (code, _hex(texts[code]).encode()) for code in sorted(texts)]
    entries += [b"<%04x> <%s>" % (code, _hex(text).encode()) for code, _glyph, text in new]
    to_unicode = _deref(pdf, font_dictionary["ToUnicode"])
    to_unicode.stream[:] = _cmap_stream(_batches(b"bfchar", entries))
    if not new:
        return
    cid_font = _deref(pdf, font_dictionary["DescendantFonts"][0])
    missing = set(weasy.missing.values())
    gids = [0 if cid in missing else cid for cid in range(new[0][0])]
    gids += [glyph for _code, glyph, _text in new]
    cid_to_gid = pydyf.Stream([b"".join(gid.to_bytes(2, "big") for gid in gids)],
                              compress=to_unicode.compress)
    pdf.add_object(cid_to_gid)
    cid_font["CIDToGIDMap"] = cid_to_gid.reference
    cid_font["W"].extend([new[0][0], pydyf.Array(
        [weasy.widths.get(glyph, 0) for _code, glyph, _text in new])])
    if missing:
        # WeasyPrint's own encoding CMap (it draws missing glyphs as .notdef)
        # must let the new codes through as themselves.
        encoding = _deref(pdf, font_dictionary["Encoding"])
        end = encoding.stream.index(b"endcmap")
        encoding.stream[end:end] = _batches(
            b"cidchar", [b"<%04x> %d" % (code, code) for code, _glyph, _text in new])


def fix_thai_text(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: see the module docstring."""
    from weasyprint.pdf.stream import Stream

    fonts = _fonts(document)
    if not fonts:
        return
    for pdf_object in pdf.objects:
        if isinstance(pdf_object, Stream):
            _rewrite_stream(pdf_object.stream, fonts)
    by_name = {font.font.name: font for font in fonts.values()}
    font_dictionaries = [pdf_object for pdf_object in pdf.objects
                         if isinstance(pdf_object, dict) and pdf_object.get("Subtype") == "/Type0"
                         and pdf_object.get("BaseFont") in by_name]
    for font_dictionary in font_dictionaries:
        _rewrite_font(pdf, font_dictionary, by_name[font_dictionary["BaseFont"]])
