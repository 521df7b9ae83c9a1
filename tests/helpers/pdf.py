"""Read a PDF back as an archive and a screen reader would: PDF/A-3b
identification, an output intent, embedded fonts, and the PDF/UA-1 tags,
language and title. (veraPDF needs its own Java build, which cannot be
fetched here; these are the parts of its checks that our PDFs could miss.)"""

from __future__ import annotations

import io

import pikepdf


def archival_problems(data: bytes) -> list[str]:
    """What keeps ``data`` from being a tagged PDF/A-3b in Thai; [] when fine."""
    problems = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        meta = pdf.open_metadata()
        if (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) != ("3", "B"):
            problems.append(f"XMP pdfaid {meta.get('pdfaid:part')}{meta.get('pdfaid:conformance')}")
        if meta.get("pdfuaid:part") != "1":
            problems.append("XMP has no pdfuaid:part=1")
        if "/StructTreeRoot" not in root:
            problems.append("no structure tree")
        if not root.get("/MarkInfo", {}).get("/Marked"):
            problems.append("MarkInfo/Marked not true")
        if str(root.get("/Lang", "")) != "th":
            problems.append(f"Lang {root.get('/Lang')!r}")
        title = str(pdf.docinfo.get("/Title", ""))
        if not title.strip() or meta.get("dc:title") != title:
            problems.append(f"title {title!r} / XMP {meta.get('dc:title')!r}")
        if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
            problems.append("title not shown by viewers (DisplayDocTitle)")
        intents = root.get("/OutputIntents", [])
        if not any(i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i for i in intents):
            problems.append("no PDF/A output intent with an ICC profile")
        if "/ID" not in pdf.trailer:
            problems.append("no file identifier")
        for page in pdf.pages:
            for name, font in page.Resources.get("/Font", {}).items():
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.get("/FontDescriptor", {})
                    if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                        problems.append(f"font {name} {font.get('/BaseFont')} not embedded")
                if "/ToUnicode" not in font:
                    problems.append(f"font {name} has no ToUnicode")
    return problems


def title(data: bytes) -> str:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return str(pdf.docinfo.get("/Title", ""))
