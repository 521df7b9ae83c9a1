"""Two questions any service may ask, code-defined or built: a Thai address
(:class:`ThaiAddressField`) and a place on the map (:class:`LocationField`).

Both are :class:`~portal.forms.fields.StructuredAnswer` fields drawn as several
inputs in one ``<fieldset>`` (the ``field`` and ``staff_field`` macros draw
them as they draw a :class:`~portal.forms.fields.ThaiDateField`), and both work
with no JavaScript: the server reads what was typed. A small script may help
(``static/thai-address.js``: the postcode suggests the subdistricts;
``static/geo.js``: the phone's position).

The places come from the maintained ``geothai`` package (DOPA codes, Thailand
Post postcodes), never from a list typed here."""

from __future__ import annotations

import json
import re
import unicodedata
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache
from typing import Any

import geothai
from flask_babel import gettext, pgettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from ..i18n import current_locale
from ..thai import THAI_LATITUDES, THAI_LONGITUDES, ascii_digits
from .fields import CHOOSE, StructuredAnswer, clean_text
from .html import html_params

# In the page's order: the postcode before the names, so that the script
# (static/thai-address.js) can suggest them from it.
ADDRESS_PARTS = ("house_no", "moo", "road", "postcode", "subdistrict", "district", "province")
BANGKOK = "10"
HOUSE_NO_MAX = 30
ROAD_MAX = 200
NAME_MAX = 100
# What the browser may fill each input with (HTML's autofill names; the
# levels go from the province down).
AUTOCOMPLETE = {"house_no": "address-line1", "moo": "address-line2", "road": "address-line3",
                "subdistrict": "address-level3", "district": "address-level2",
                "province": "address-level1", "postcode": "postal-code"}
LATITUDES = THAI_LATITUDES
LONGITUDES = THAI_LONGITUDES


class _Problem(Exception):
    """What does not fit, and the inputs it concerns (first: the one an
    error summary's link reaches)."""

    def __init__(self, message: str, parts: tuple[str, ...]) -> None:
        super().__init__(message)
        self.message, self.parts = message, parts


def _is_thai() -> bool:
    return current_locale().startswith("th")


def _part_label(part: str) -> str:
    labels = {
        "house_no": pgettext("address part", "House number"),
        "moo": pgettext("address part", "Village no. (moo)"),
        "road": pgettext("address part", "Soi / road"),
        "subdistrict": pgettext("address part", "Subdistrict (tambon / khwaeng)"),
        "district": pgettext("address part", "District (amphoe / khet)"),
        "province": pgettext("address part", "Province"),
        "postcode": pgettext("address part", "Postcode"),
        "lat": pgettext("location part", "Latitude"),
        "lng": pgettext("location part", "Longitude"),
    }
    return labels[part]


# ---- names as people type them -------------------------------------------

# geothai's own clean-up rules (its ``search`` and ``match`` document them),
# here on its public lists: case, spaces, dots, hyphens, apostrophes and a
# leading word for the level do not count. Added: the short form "ข." of
# แขวง, the English words, SARA AM typed as two characters, zero-width spaces.
_SHORT = re.compile(r"^\s*(?:จ|อ|ต|ข)\s*\.\s*")
_MARKS = re.compile(r"[\s.'’\-\u200b\u200c\u200d\ufeff]")
_THAI_WORD = re.compile(r"^(?:จังหวัด|กิ่งอำเภอ|อำเภอ|เขต|ตำบล|แขวง)")
_ENGLISH_WORD = re.compile(r"^(?:changwat|amphoe|amphur|khet|tambon|tambol|khwaeng|kwaeng)\s+"
                           r"|\s+(?:province|district|subdistrict|sub-district)$", re.I)
_TONE_BEFORE_AM = re.compile("([\u0e33])([\u0e48-\u0e4b])")


def name_key(text: str) -> str:
    """One spelling of a place's name, for comparing what was typed with
    geothai's: ``"ต. เกาะเต่า"``, ``"ตำบลเกาะเต่า"`` and ``"เกาะเต่า"`` are one."""
    text = unicodedata.normalize("NFC", ascii_digits(clean_text(text or "")))
    text = text.replace("\u0e4d\u0e32", "\u0e33")  # ํ + า is ำ
    text = _TONE_BEFORE_AM.sub(r"\2\1", text)      # ำ before its tone mark
    text = _ENGLISH_WORD.sub("", _SHORT.sub("", text.strip()))
    return _THAI_WORD.sub("", _MARKS.sub("", text.lower()))


def _bare(name_th: str, word: str) -> str:
    """A name without its level's word: geothai names Bangkok's districts
    "เขตบางรัก"; the answer keeps "บางรัก" as it keeps "เกาะพะงัน"."""
    return name_th[len(word):] if name_th.startswith(word) and len(name_th) > len(word) \
        else name_th


def _keys(area: Any) -> set[str]:
    return {name_key(area.name_th), name_key(area.name_en)}


_PROVINCE_SHORT = {"กทม": BANGKOK, "กรุงเทพ": BANGKOK, "กรุงเทพฯ": BANGKOK, "bkk": BANGKOK,
                   "อยุธยา": "14", "ayutthaya": "14"}


@cache
def _province_codes() -> dict[str, str]:
    codes = {name_key(k): v for k, v in _PROVINCE_SHORT.items()}
    for province in geothai.provinces():
        codes.update(dict.fromkeys(_keys(province), province.code))
    return codes


def _province(typed: str) -> Any:
    """The province chosen (a code from the list) or named (a link, an API)."""
    return geothai.province(typed) or geothai.province(_province_codes().get(name_key(typed), ""))


def _district_is(district: Any, key: str) -> bool:
    # "อ.เมือง" is the capital district (code XX01); Bangkok has none.
    return key in _keys(district) or (key in ("เมือง", "mueang") and district.code.endswith("01")
                                      and district.province_code != BANGKOK)


def _thai_sort_key(name: str) -> str:
    # A leading vowel (เ แ โ ใ ไ) sorts by the consonant after it, as in a dictionary.
    return name[1:2] + name[:1] + name[2:] if name[:1] in "เแโใไ" else name


@cache
def _province_choices(thai: bool) -> tuple[tuple[str, str], ...]:
    provinces = geothai.provinces()
    rest = sorted((p for p in provinces if p.code != BANGKOK),
                  key=lambda p: _thai_sort_key(p.name_th) if thai else p.name_en)
    return tuple((p.code, p.name_th if thai else p.name_en)
                 for p in [geothai.province(BANGKOK), *rest])


# ---- names as the answer shows them --------------------------------------

def _words(province_code: str, thai: bool) -> tuple[str, str, str]:
    """The words before a subdistrict, district and province name."""
    if not thai:
        return "", "", ""
    return ("แขวง", "เขต", "") if province_code == BANGKOK else ("ตำบล", "อำเภอ", "จังหวัด")


def _district_name(district: Any, thai: bool) -> str:
    if thai:
        word = _words(district.province_code, True)[1]
        return word + _bare(district.name_th, "เขต")
    return f"{district.name_en} district"


def _subdistrict_name(sub: Any, thai: bool) -> str:
    if thai:
        return _words(sub.province_code, True)[0] + sub.name_th
    return f"{sub.name_en} subdistrict"


def _province_name(province: Any, thai: bool) -> str:
    if thai:
        return _words(province.code, True)[2] + province.name_th
    return province.name_en


def _listing(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return shown + (" …" if len(names) > limit else "")


def places_for_postcode(postcode: str) -> list[dict[str, str]]:
    """The subdistricts that use ``postcode``, with their district and
    province, in both languages (names bare, as an answer keeps them): what
    the postcode look-up of ``static/thai-address.js`` receives."""
    places = []
    for sub in geothai.by_postal_code(postcode):
        found = geothai.address(sub.code)
        if found is None:
            continue
        places.append({
            "subdistrict_code": sub.code, "subdistrict": sub.name_th,
            "subdistrict_en": sub.name_en,
            "district_code": found.district.code,
            "district": _bare(found.district.name_th, "เขต"),
            "district_en": found.district.name_en,
            "province_code": found.province.code, "province": found.province.name_th,
            "province_en": found.province.name_en,
        })
    return places


# ---- the address ----------------------------------------------------------

def _squash(text: str) -> str:
    return " ".join(clean_text(text or "").split())


_MOO_WORD = re.compile(r"^(?:หมู่ที่|หมู่|ม\.|moo\.?|mu\.?|village\s*no\.?)\s*", re.I)


def read_address(typed: dict[str, str], *, house_required: bool) -> dict[str, str]:
    """What was typed in the seven inputs, matched against geothai: the
    answer (official codes and names), or :class:`_Problem` saying what does
    not fit in the reader's language."""
    house = _squash(ascii_digits(typed.get("house_no", "")))
    moo = _MOO_WORD.sub("", _squash(ascii_digits(typed.get("moo", ""))))
    road = _squash(typed.get("road", ""))
    sub_typed, district_typed = _squash(typed.get("subdistrict", "")), \
        _squash(typed.get("district", ""))
    province_typed = _squash(typed.get("province", ""))
    postcode = re.sub(r"[\s\-]", "", ascii_digits(typed.get("postcode", "")))
    thai = _is_thai()

    wanted = {"house_no": house if house_required else "x", "postcode": postcode,
              "subdistrict": sub_typed, "district": district_typed,
              "province": province_typed}
    missing = tuple(part for part, value in wanted.items() if not value)
    if missing:
        raise _Problem(gettext("Please fill in: %(parts)s.",
                               parts=", ".join(_part_label(p) for p in missing)), missing)
    if len(house) > HOUSE_NO_MAX:
        raise _Problem(gettext("The house number is too long (at most %(max)s characters).",
                               max=HOUSE_NO_MAX), ("house_no",))
    if len(road) > ROAD_MAX:
        raise _Problem(gettext("Soi / road is too long (at most %(max)s characters).",
                               max=ROAD_MAX), ("road",))
    if len(sub_typed) > NAME_MAX or len(district_typed) > NAME_MAX:
        raise _Problem(gettext("This name is too long."),
                       ("subdistrict",) if len(sub_typed) > NAME_MAX else ("district",))
    if moo and not (moo.isascii() and moo.isdigit() and 1 <= int(moo) <= 99):
        raise _Problem(gettext("The village number (moo) is a number from 1 to 99."), ("moo",))
    if not re.fullmatch(r"[0-9]{5}", postcode):
        raise _Problem(gettext("A postcode has 5 digits."), ("postcode",))

    province = _province(province_typed)
    if province is None:
        raise _Problem(gettext("Choose the province from the list."), ("province",))
    key = name_key(district_typed)
    district = next((d for d in geothai.districts(province.code) if _district_is(d, key)), None)
    if district is None:
        raise _Problem(_no_district(district_typed, key, province, thai), ("district",))
    key = name_key(sub_typed)
    sub = next((s for s in geothai.subdistricts(district.code) if key in _keys(s)), None)
    if sub is None:
        raise _Problem(_no_subdistrict(sub_typed, key, district, postcode, thai),
                       ("subdistrict",))
    if postcode not in sub.postal_codes:
        right = (" หรือ " if thai else " or ").join(sub.postal_codes)
        place = f"{_subdistrict_name(sub, thai)}{' ' if thai else ', '}" \
                f"{_district_name(district, thai)}"
        raise _Problem(gettext("Postcode %(postcode)s is not that of %(place)s: "
                               "its postcode is %(right)s.", postcode=postcode, place=place,
                               right=right), ("postcode",))
    return {"house_no": house, "moo": str(int(moo)) if moo else "", "road": road,
            "subdistrict_code": sub.code, "subdistrict": sub.name_th,
            "district": _bare(district.name_th, "เขต"), "province": province.name_th,
            "postcode": postcode}


def _no_district(typed: str, key: str, province: Any, thai: bool) -> str:
    if province.code == BANGKOK:
        message = gettext("There is no khet “%(name)s” in Bangkok.", name=typed)
    else:
        message = gettext("There is no district “%(name)s” in %(province)s.", name=typed,
                          province=_province_name(province, thai))
    elsewhere = [d for p in geothai.provinces() if p.code != province.code
                 for d in geothai.districts(p.code) if key in _keys(d)]
    if elsewhere:
        where = _listing([_province_name(geothai.province(d.province_code), thai)
                          for d in elsewhere])
        message += " " + gettext("%(place)s is in %(where)s.",
                                 place=_district_name(elsewhere[0], thai), where=where)
    return message


def _no_subdistrict(typed: str, key: str, district: Any, postcode: str, thai: bool) -> str:
    place = _district_name(district, thai)
    if district.province_code == BANGKOK:
        message = gettext("There is no khwaeng “%(name)s” in %(district)s.", name=typed,
                          district=place)
    else:
        message = gettext("There is no subdistrict “%(name)s” in %(district)s.", name=typed,
                          district=place)
    elsewhere = [s for d in geothai.districts(district.province_code) if d.code != district.code
                 for s in geothai.subdistricts(d.code) if key in _keys(s)]
    if elsewhere:
        where = _listing([_district_name(geothai.district(s.district_code), thai)
                          for s in elsewhere])
        return message + " " + gettext("%(place)s is in %(where)s.",
                                       place=_subdistrict_name(elsewhere[0], thai),
                                       where=where)
    using = geothai.by_postal_code(postcode)
    if using:
        names = [_subdistrict_name(s, thai) + ("" if s.district_code == district.code else
                                               " " + _district_name(
                                                   geothai.district(s.district_code), thai))
                 for s in using]
        message += " " + gettext("Postcode %(postcode)s is that of %(places)s.",
                                 postcode=postcode, places=_listing(names))
    return message


class _Parts:
    """Names, ids and marks the widgets of a several-input field share with
    the ``date_input`` macro (which draws the fieldset, legend, hint and
    error around the widget): ``part_name``, ``part_ids``, ``hint_id``,
    ``hint_text``, ``note``; the first input has the field's own id."""

    PARTS: tuple[str, ...] = ()
    note: str | None = None
    typed: dict[str, str] | None = None
    bad_parts: tuple[str, ...] = ()
    hint: Any = None
    name: str
    id: str

    def __init__(self, label: Any = None, validators: Any = None, *, hint: Any = None,
                 **kwargs: Any) -> None:
        kwargs.pop("widget", None)  # the class's own widget draws every part
        super().__init__(label, validators, **kwargs)  # type: ignore[call-arg]
        self.hint = hint

    def part_name(self, part: str) -> str:
        return f"{self.name}-{part}"

    def part_ids(self) -> dict[str, str]:
        return {p: self.id if i == 0 else f"{self.id}-{p}" for i, p in enumerate(self.PARTS)}

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def note_id(self) -> str:
        return f"{self.id}-note"

    @property
    def first_input_id(self) -> str:
        """Where an error summary's link lands: the first input refused."""
        ids = self.part_ids()
        return ids[self.bad_parts[0]] if self.bad_parts else self.id

    def hint_text(self) -> str:
        return str(self.hint) if self.hint is not None else str(self.default_hint)

    default_hint: Any = ""

    def read_typed(self, formdata: Any) -> None:
        self.typed, self.bad_parts = None, ()
        if formdata is not None and any(self.part_name(p) in formdata for p in self.PARTS):
            self.typed = {p: clean_text(formdata.get(self.part_name(p)) or "")
                          for p in self.PARTS}


def _input_css(kwargs: dict[str, Any]) -> tuple[str, bool]:
    css = str(kwargs.pop("class", kwargs.pop("class_", "input")))
    staff = "form-control" in css
    # The macro marks a refused field's input is-invalid; here only the parts that are.
    css = " ".join(c for c in css.split() if c != "is-invalid")
    return css, staff


def _marks(field: Any, part: str, staff: bool, common: dict[str, Any],
           css: str) -> dict[str, Any]:
    """Attributes of one input: its class, and whether it is the one refused."""
    out = {**common, "class": css}
    if part in field.bad_parts:
        if staff:
            out["class"] = f"{css} is-invalid"
        out["aria-invalid"] = "true"
        if field.errors:
            out["aria-describedby"] = " ".join(
                filter(None, [out.get("aria-describedby", ""), f"{field.id}-error"]))
    return out


def _hint_html(field: Any, hint: bool) -> str:
    return (f'<p class="hint" id="{field.hint_id}">{escape(field.hint_text())}</p>'
            if hint else "")


def _common(field: Any, hint: bool, kwargs: dict[str, Any]) -> dict[str, Any]:
    described = " ".join(filter(None, [kwargs.pop("aria-describedby", ""),
                                       field.hint_id if hint else ""]))
    kwargs.pop("id", None)
    common = {k: v for k, v in kwargs.items() if k in ("disabled", "readonly")}
    if described:
        common["aria-describedby"] = described
    return common


def _item(part: str, width: str, label: str, control: str, prefix: str) -> str:
    return (f'<div class="{prefix}-item {prefix}-{part} col-12 {width}">'
            f"{label}{control}</div>")


class ThaiAddressInput:
    """The seven inputs of a :class:`ThaiAddressField`, each with its own
    label: house number, หมู่, ซอย/ถนน, ตำบล/แขวง, อำเภอ/เขต (typed), the
    province (a list of the 77) and the postcode; the browser may fill them
    in (``autocomplete``) and a phone shows digits for หมู่ and the postcode.
    ``hint=False`` when the caller (the ``date_input`` macro) shows the hint."""

    def __call__(self, field: ThaiAddressField, hint: bool = True, **kwargs: Any) -> Markup:
        from flask import url_for

        css, staff = _input_css(kwargs)
        common = _common(field, hint, kwargs)
        ids, shown, thai = field.part_ids(), field.shown_parts(), _is_thai()
        optional = pgettext("address part", "(optional)")

        def label(part: str) -> str:
            text = _part_label(part)
            if part in ("moo", "road") or (part == "house_no" and not field.flags.required):
                text = f"{text} {optional}"
            return f'<label for="{ids[part]}">{escape(text)}</label>'

        def text_input(part: str, **extra: Any) -> str:
            attrs = {"id": ids[part], "name": field.part_name(part), "type": "text",
                     "value": shown[part],
                     "autocomplete": f"section-{field.name} {AUTOCOMPLETE[part]}",
                     "data-address": part, **extra,
                     **_marks(field, part, staff, common, f"{css} address-input-box")}
            return f"<input {html_params(**attrs)}>"

        chosen = shown["province"]
        options = [f'<option value="">{escape(str(CHOOSE))}</option>']
        for code, name in _province_choices(thai):
            selected = " selected" if code == chosen else ""
            options.append(f'<option value="{code}"{selected}>{escape(name)}</option>')
        select_attrs = html_params(
            id=ids["province"], name=field.part_name("province"),
            autocomplete=f"section-{field.name} {AUTOCOMPLETE['province']}",
            **{"data-address": "province"}, **_marks(field, "province", staff, common, css))
        select = f"<select {select_attrs}>{''.join(options)}</select>"
        lookup = url_for("public.places_by_postcode", postcode="00000")
        items = [
            _item("house_no", "col-sm-4", label("house_no"),
                  text_input("house_no", maxlength=HOUSE_NO_MAX), "address-input"),
            _item("moo", "col-sm-3", label("moo"),
                  text_input("moo", inputmode="numeric", maxlength=10), "address-input"),
            _item("road", "col-sm-5", label("road"),
                  text_input("road", maxlength=ROAD_MAX), "address-input"),
            _item("postcode", "col-sm-4", label("postcode"),
                  text_input("postcode", inputmode="numeric", maxlength=7), "address-input"),
            _item("subdistrict", "col-sm-8", label("subdistrict"),
                  text_input("subdistrict", maxlength=NAME_MAX), "address-input"),
            _item("district", "col-sm-6", label("district"),
                  text_input("district", maxlength=NAME_MAX), "address-input"),
            _item("province", "col-sm-6", label("province"), select, "address-input"),
        ]
        status = (f'<p class="hint address-input-status" role="status" data-address-status '
                  f'data-found="{escape(gettext("Subdistricts of this postcode are suggested."))}" '
                  f'data-none="{escape(gettext("No subdistrict uses this postcode."))}"></p>')
        script = url_for("static", filename="thai-address.js")
        return Markup(
            f'{_hint_html(field, hint)}<div class="address-field" data-thai-address '
            f'data-places-url="{escape(lookup)}"><div class="address-input form-row">'
            f'{"".join(items)}</div>{status}</div>'
            f'<script src="{escape(script)}" defer></script>')


class ThaiAddressField(StructuredAnswer, _Parts, Field):
    """A Thai address, read against geothai: house number (needed when the
    field is required), หมู่ (1–99), ซอย/ถนน, ตำบล/แขวง, อำเภอ/เขต, จังหวัด
    and postcode. The names may be typed with or without their words
    (ตำบล, ต., แขวง, อ.เมือง…), in Thai or English, with Thai digits; what does
    not fit is refused with a message saying what (no such ตำบล in that
    อำเภอ, a postcode not of that ตำบล) and which input.

    - Inputs are named ``<name>-house_no`` … ``<name>-postcode``; the house
      number's input has the field's own id, the others ``<id>-<part>``.
    - ``data`` (and the stored answer) is ``None`` or the dict
      ``{"house_no", "moo", "road", "subdistrict_code", "subdistrict",
      "district", "province", "postcode"}`` with geothai's official Thai names
      (bare: "บางรัก", not "เขตบางรัก"); :meth:`answer_text` adds the words.
    """

    widget = ThaiAddressInput()
    PARTS = ADDRESS_PARTS
    default_hint = _l("As in the house registration. Words such as “tambon” or “amphoe” "
                      "may be left out.")
    problem: _Problem | None = None


    def shown_parts(self) -> dict[str, str]:
        """What the inputs show: what was typed, else the answer (the edit form)."""
        if self.typed is not None:
            return dict(self.typed)
        data = self.data if isinstance(self.data, dict) else {}
        code = str(data.get("subdistrict_code") or "")
        province = code[:2] if geothai.province(code[:2]) else ""
        if not province and data.get("province"):
            found = _province(str(data["province"]))
            province = found.code if found else ""
        shown = {p: str(data.get(p) or "") for p in ADDRESS_PARTS}
        shown["province"] = province
        return shown

    def process(self, formdata: Any, data: Any = unset_value,
                extra_filters: Any = None) -> None:
        self.read_typed(formdata)
        self.problem = None
        super().process(formdata, data, extra_filters)
        if self.typed is None:
            return
        given = [v.strip() for v in self.typed.values() if v.strip()]
        # What validators such as InputRequired and Optional look at.
        self.raw_data = [" ".join(given)] if given else []
        self.data = None
        if given:
            try:
                self.data = read_address(self.typed, house_required=bool(self.flags.required))
            except _Problem as problem:
                self.problem = problem

    def process_formdata(self, valuelist: list[str]) -> None:
        """One value under the field's own name is no address: the parts are."""

    def pre_validate(self, form: Any) -> None:
        if self.problem is not None:
            self.bad_parts = self.problem.parts
            raise StopValidation(self.problem.message)
        if self.data is None and self.flags.required:
            missing = ("house_no", "postcode", "subdistrict", "district", "province")
            self.bad_parts = missing
            raise StopValidation(gettext("Please fill in: %(parts)s.", parts=", ".join(
                _part_label(p) for p in missing)))

    # ---- the stored answer ----
    def answer_value(self) -> Any:
        return dict(self.data) if isinstance(self.data, dict) else None

    def answer_is_empty(self, raw: Any) -> bool:
        return not isinstance(raw, dict) or not (raw.get("subdistrict_code") or raw.get(
            "house_no"))

    def stored_to_data(self, raw: Any) -> Any:
        return dict(raw) if isinstance(raw, dict) else None

    def comparable(self, raw: Any) -> Any:
        if self.answer_is_empty(raw):
            return None
        return json.dumps({k: str(raw.get(k) or "").strip() for k in
                           ("house_no", "moo", "road", "subdistrict_code", "postcode")},
                          sort_keys=True, ensure_ascii=False)

    def answer_text(self, raw: Any, locale: str) -> str:
        if not isinstance(raw, dict):
            return str(raw)
        thai = locale.startswith("th")
        code = str(raw.get("subdistrict_code") or "")
        found = geothai.address(code)
        province_code = code[:2]
        if thai or found is None:  # as confirmed then, even if geothai renames later
            names = [str(raw.get(k) or "") for k in ("subdistrict", "district", "province")]
        else:
            names = [found.subdistrict.name_en, found.district.name_en, found.province.name_en]
        house, moo, road = (str(raw.get(k) or "").strip() for k in ("house_no", "moo", "road"))
        postcode = str(raw.get("postcode") or "")
        if thai:
            sub_word, district_word, province_word = _words(province_code, True)
            pieces = [f"เลขที่ {house}" if house else "", f"หมู่ {moo}" if moo else "", road,
                      sub_word + names[0] if names[0] else "",
                      district_word + names[1] if names[1] else "",
                      province_word + names[2] if names[2] else "", postcode]
            return " ".join(p for p in pieces if p)
        first = " ".join(p for p in (house, f"Moo {moo}" if moo else "") if p)
        pieces = [first, road, f"{names[0]} Subdistrict" if names[0] else "",
                  f"{names[1]} District" if names[1] else "",
                  " ".join(p for p in (names[2], postcode) if p)]
        return ", ".join(p for p in pieces if p)


# ---- the location -----------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?[0-9]{1,3}(?:\.[0-9]+)?$")
_PAIR = re.compile(r"^\s*([^,\s]+)\s*(?:,|\s)\s*([^,\s]+)\s*$")
_SIX = Decimal("0.000001")


def _coordinate(text: str) -> str:
    return f"{text:.6f}".rstrip("0").rstrip(".") if isinstance(text, float) else str(text)


class LocationInput:
    """The latitude and longitude inputs of a :class:`LocationField`, and a
    "use my location" button that ``static/geo.js`` shows where the browser
    can tell (it stays hidden without JavaScript)."""

    def __call__(self, field: LocationField, hint: bool = True, **kwargs: Any) -> Markup:
        from flask import url_for

        css, staff = _input_css(kwargs)
        common = _common(field, hint, kwargs)
        ids, shown = field.part_ids(), field.shown_parts()
        items = []
        for part, geo in (("lat", "lat"), ("lng", "lon")):
            attrs = {"id": ids[part], "name": field.part_name(part), "type": "text",
                     "inputmode": "decimal", "autocomplete": "off", "value": shown[part],
                     "data-geo": geo, "maxlength": 40,
                     **_marks(field, part, staff, common, f"{css} location-input-box")}
            items.append(_item(part, "col-sm-6", f'<label for="{ids[part]}">'
                               f"{escape(_part_label(part))}</label>",
                               f"<input {html_params(**attrs)}>", "location-input"))
        button_css = "btn btn-secondary" if staff else "btn"
        button = (f'<p class="location-input-use"><button type="button" class="{button_css}" '
                  f'data-geo-button hidden data-done="{escape(gettext("Location filled in."))}" '
                  f'data-failed="'
                  f'{escape(gettext("The location could not be read; please type it."))}">'
                  f'{escape(gettext("Use my location"))}</button> '
                  f'<span data-geo-status role="status"></span></p>')
        script = url_for("static", filename="geo.js")
        return Markup(f'{_hint_html(field, hint)}<div class="location-field" data-geo-group>'
                      f'<div class="location-input form-row">{"".join(items)}</div>{button}'
                      f'</div><script src="{escape(script)}" defer></script>')


class LocationField(StructuredAnswer, _Parts, Field):
    """A place in Thailand as latitude and longitude in decimal degrees:
    Thai digits read, a pasted ``13.756331, 100.501762`` (a map app's copy)
    split, values outside Thailand (:data:`~portal.thai.THAI_LATITUDES`,
    :data:`~portal.thai.THAI_LONGITUDES`) refused, the two swapped noticed.

    Inputs ``<name>-lat`` (the field's id) and ``<name>-lng`` (``<id>-lng``);
    ``data`` and the stored answer are ``None`` or ``{"lat": float, "lng":
    float}`` rounded to 6 places (about 10 cm)."""

    widget = LocationInput()
    PARTS = ("lat", "lng")
    default_hint = _l("Decimal degrees, e.g. 13.756331 and 100.501762 (a map app can copy "
                      "them).")
    problem: _Problem | None = None


    def shown_parts(self) -> dict[str, str]:
        if self.typed is not None:
            return dict(self.typed)
        data = self.data if isinstance(self.data, dict) else {}
        return {p: _coordinate(data[p]) if data.get(p) is not None else "" for p in self.PARTS}

    def process(self, formdata: Any, data: Any = unset_value,
                extra_filters: Any = None) -> None:
        self.read_typed(formdata)
        self.problem = None
        super().process(formdata, data, extra_filters)
        if self.typed is not None:
            self._read(self.typed["lat"], self.typed["lng"])

    def process_formdata(self, valuelist: list[str]) -> None:
        # One value under the field's name (a link, an API): "lat,lng".
        if self.typed is None and valuelist and valuelist[0].strip():
            self._read(valuelist[0], "")

    def _read(self, lat: str, lng: str) -> None:
        lat, lng = ascii_digits(lat).strip(), ascii_digits(lng).strip()
        pair = _PAIR.match(lat) if lat and not lng else None
        if pair:
            lat, lng = pair.group(1), pair.group(2)
        self.raw_data = [f"{lat},{lng}"] if lat or lng else []
        self.data = None
        if not (lat or lng):
            return
        try:
            self.data = read_location(lat, lng)
        except _Problem as problem:
            self.problem = problem

    def pre_validate(self, form: Any) -> None:
        if self.problem is not None:
            self.bad_parts = self.problem.parts
            raise StopValidation(self.problem.message)
        if self.data is None and self.flags.required:
            self.bad_parts = self.PARTS
            raise StopValidation(gettext("Please enter the latitude and the longitude."))

    def answer_value(self) -> Any:
        return dict(self.data) if isinstance(self.data, dict) else None

    def answer_is_empty(self, raw: Any) -> bool:
        return not isinstance(raw, dict) or raw.get("lat") is None or raw.get("lng") is None

    def stored_to_data(self, raw: Any) -> Any:
        return dict(raw) if isinstance(raw, dict) else None

    def comparable(self, raw: Any) -> Any:
        if self.answer_is_empty(raw):
            return None
        return f"{float(raw['lat']):.6f},{float(raw['lng']):.6f}"

    def answer_text(self, raw: Any, locale: str) -> str:
        if self.answer_is_empty(raw):
            return str(raw)
        return f"{_coordinate(float(raw['lat']))}, {_coordinate(float(raw['lng']))}"


def _within(value: Decimal, bounds: tuple[float, float]) -> bool:
    return Decimal(str(bounds[0])) <= value <= Decimal(str(bounds[1]))


def read_location(lat: str, lng: str) -> dict[str, float]:
    """Latitude and longitude typed (ASCII digits), as the answer keeps
    them, or :class:`_Problem`."""
    if not (lat and lng):
        raise _Problem(gettext("Please enter both the latitude and the longitude."),
                       ("lng",) if lat else ("lat",))
    values: dict[str, Decimal] = {}
    for part, text, example in (("lat", lat, "13.756331"), ("lng", lng, "100.501762")):
        try:
            if not _NUMBER.match(text):
                raise InvalidOperation
            values[part] = Decimal(text)
        except InvalidOperation:
            message = (gettext("Type the latitude as a decimal number, e.g. %(example)s.",
                               example=example) if part == "lat" else
                       gettext("Type the longitude as a decimal number, e.g. %(example)s.",
                               example=example))
            raise _Problem(message, (part,)) from None
    lat_ok, lng_ok = _within(values["lat"], LATITUDES), _within(values["lng"], LONGITUDES)
    if not (lat_ok and lng_ok) and _within(values["lng"], LATITUDES) \
            and _within(values["lat"], LONGITUDES):
        raise _Problem(gettext("The latitude and longitude seem to be the wrong way round."),
                       ("lat", "lng"))
    if not lat_ok:
        raise _Problem(gettext("A latitude in Thailand is between %(min)s and %(max)s.",
                               min=LATITUDES[0], max=LATITUDES[1]), ("lat",))
    if not lng_ok:
        raise _Problem(gettext("A longitude in Thailand is between %(min)s and %(max)s.",
                               min=LONGITUDES[0], max=LONGITUDES[1]), ("lng",))
    return {p: float(v.quantize(_SIX, rounding=ROUND_HALF_EVEN)) for p, v in values.items()}
