"""One QTI assessmentItem → one question row of the bank, or the reasons it cannot become one.

Mapped: a choiceInteraction (cardinality single → single choice, multiple → multiple choice) and one or more
textEntryInteractions (→ fill in the blank, one blank each; the correct response and the mapping's positively
scored keys are the accepted answers). Everything else — other interactions, several interactions of different
kinds, adaptive or templated items, images and formulas — is reported, never imported half.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from django.utils.translation import gettext as _

from ..grading import MAX_BLANK, MAX_TEXT, normalize_text
from ..models import Question, QuestionType, validate_choices
from .safexml import local, namespace
from .text import plain_text

NAMESPACES = {"http://www.imsglobal.org/xsd/imsqti_v2p1", "http://www.imsglobal.org/xsd/imsqti_v2p2"}
MIN_POINTS, MAX_POINTS = Decimal("0.5"), Decimal("100")
DEFAULT_POINTS = Question._meta.get_field("points").default
MAX_OPTION = 500  # Choice.text
TENTHS = Decimal("0.1")


@dataclass
class ParsedItem:
    identifier: str = ""
    title: str = ""
    row: dict | None = None
    reasons: list[str] = field(default_factory=list)
    skipped: bool = False  # not an item at all (a test, or unrelated XML in a package without a manifest)


def parse_item(root: Element, *, listed: bool = True) -> ParsedItem:
    item = ParsedItem(identifier=(root.get("identifier") or "").strip()[:200],
                      title=" ".join((root.get("title") or "").split())[:200])
    name, ns = local(root), namespace(root)
    if name == "questestinterop":
        item.reasons.append(_("QTI 1.x files are not supported; export the questions as QTI 2.1 or 2.2."))
    elif name.startswith("qti-"):
        item.reasons.append(_("QTI 3 files are not supported; export the questions as QTI 2.1 or 2.2."))
    elif name != "assessmentItem" or ns not in NAMESPACES:
        if not listed and name != "assessmentItem":  # tests, response processing templates, metadata …
            item.skipped = True
        elif name == "assessmentTest":
            item.reasons.append(_("This is an assessment test, not an item."))
        elif name == "assessmentItem":
            item.reasons.append(_("Unknown QTI version (namespace %(ns)s); QTI 2.1 and 2.2 are supported.")
                                % {"ns": ns or "-"})
        else:
            item.reasons.append(_("This is not a QTI assessmentItem (root element %(name)s).") % {"name": name})
        return item
    if item.reasons:
        return item
    item.reasons.extend(_item_level_problems(root))
    body = next((e for e in root if local(e) == "itemBody"), None)
    if body is None:
        item.reasons.append(_("The item has no itemBody."))
        return item
    extract = plain_text(body)
    row, reasons = _map_interactions(root, extract.interactions)
    item.reasons.extend(reasons)
    option_media = row.pop("_media", False) if row else False
    declarations = row.pop("_declarations", []) if row else []
    if extract.media or option_media:
        item.reasons.append(_("The item contains images or other media, which the question bank cannot store."))
    if extract.formula:
        item.reasons.append(_("The item contains formulas (MathML), which the question bank cannot store."))
    if extract.templated:
        item.reasons.append(_("The item prints template variables, which are not supported."))
    if not extract.text:
        item.reasons.append(_("The item has no question text."))
    elif len(extract.text) > MAX_TEXT:
        item.reasons.append(_("The question text is longer than %(n)d characters.") % {"n": MAX_TEXT})
    points, problem = _points(root, declarations)
    if problem:
        item.reasons.append(problem)
    if row is not None and not item.reasons:
        row.update(text=extract.text, points=points)
        item.row = row
    return item


def _item_level_problems(root: Element) -> list[str]:
    reasons = []
    if (root.get("adaptive") or "").strip().lower() in ("true", "1"):
        reasons.append(_("Adaptive items are not supported."))
    if any(local(e) in ("templateDeclaration", "templateProcessing") for e in root):
        reasons.append(_("Items with templates (generated values) are not supported."))
    return reasons


def _declarations(root: Element) -> dict[str, Element]:
    return {(e.get("identifier") or ""): e for e in root if local(e) == "responseDeclaration"}


def _values(parent: Element | None) -> list[str]:
    if parent is None:
        return []
    return [(v.text or "").strip() for v in parent if local(v) == "value" and (v.text or "").strip()]


def _child(element: Element, name: str) -> Element | None:
    return next((e for e in element if local(e) == name), None)


def _map_interactions(root: Element, interactions: list[Element]) -> tuple[dict | None, list[str]]:
    kinds = [local(i) for i in interactions]
    if not kinds:
        return None, [_("The item has no interaction (nothing to answer).")]
    if all(k == "textEntryInteraction" for k in kinds):
        return _text_entry(root, interactions)
    if len(kinds) > 1:
        return None, [_("The item has several interactions (%(kinds)s); only one choice interaction or text "
                        "entries alone can be imported.") % {"kinds": ", ".join(kinds)}]
    if kinds[0] == "choiceInteraction":
        return _choice(root, interactions[0])
    if kinds[0] == "orderInteraction":
        return None, [_("Ordering questions (orderInteraction) cannot be imported: the question bank has no "
                        "ordering type.")]
    return None, [_("The interaction type %(kind)s is not supported; single choice, multiple response and text "
                    "entry are.") % {"kind": kinds[0]}]


def _declaration_for(root: Element, interaction: Element) -> tuple[Element | None, str | None]:
    rid = interaction.get("responseIdentifier") or ""
    decl = _declarations(root).get(rid)
    if decl is None:
        return None, _("The interaction's response %(id)s is not declared.") % {"id": rid or "-"}
    return decl, None


def _choice(root: Element, interaction: Element) -> tuple[dict | None, list[str]]:
    decl, problem = _declaration_for(root, interaction)
    if problem:
        return None, [problem]
    cardinality = decl.get("cardinality") or ""
    qtype = {"single": QuestionType.SINGLE, "multiple": QuestionType.MULTIPLE}.get(cardinality)
    reasons = []
    if qtype is None:
        reasons.append(_("A choice interaction with cardinality %(c)s cannot be imported.") % {"c": cardinality})
    correct = set(_values(_child(decl, "correctResponse")))
    if not correct:
        reasons.append(_("The item declares no correct response."))
    options, media = [], False
    for choice in (c for c in interaction if local(c) == "simpleChoice"):
        extract = plain_text(choice)
        media = media or extract.media or extract.formula
        options.append(((choice.get("identifier") or "").strip(), " ".join(extract.text.split("\n"))))
    ids = [i for i, _t in options]
    unknown = sorted(correct - set(ids))
    if unknown:
        reasons.append(_("The correct response names options that do not exist: %(ids)s")
                       % {"ids": ", ".join(unknown)})
    if any(len(t) > MAX_OPTION for _i, t in options):
        reasons.append(_("An option is longer than %(n)d characters.") % {"n": MAX_OPTION})
    choices = [(t, i in correct) for i, t in options]
    if qtype is not None and correct and not unknown:
        problem = validate_choices(qtype, choices)
        if problem:
            reasons.append(str(problem))
    if reasons:
        return None, reasons
    return {"qtype": qtype, "choices": choices, "correct_true": None, "accepted_answers": "",
            "reference_answer": "", "_media": media, "_declarations": [decl]}, []


def _text_entry(root: Element, interactions: list[Element]) -> tuple[dict | None, list[str]]:
    reasons, blanks, decls = [], [], []
    for number, interaction in enumerate(interactions, start=1):
        decl, problem = _declaration_for(root, interaction)
        if problem:
            reasons.append(problem)
            continue
        decls.append(decl)
        if (decl.get("cardinality") or "single") != "single":
            reasons.append(_("Blank %(n)d expects several values; only one answer per blank can be imported.")
                           % {"n": number})
            continue
        answers = _values(_child(decl, "correctResponse"))
        mapping = _child(decl, "mapping")
        for entry in (e for e in (mapping if mapping is not None else []) if local(e) == "mapEntry"):
            value = _decimal(entry.get("mappedValue"))
            if value is not None and value > 0 and (entry.get("mapKey") or "").strip():
                answers.append(entry.get("mapKey").strip())
        unique, seen = [], set()
        for answer in answers:
            key = normalize_text(answer)
            if key not in seen:
                seen.add(key)
                unique.append(" ".join(answer.split()))
        if not unique:
            reasons.append(_("Blank %(n)d has no correct response.") % {"n": number})
        elif any("|" in a or "｜" in a for a in unique):
            reasons.append(_("An accepted answer of blank %(n)d contains |, which separates alternatives in "
                             "the question bank.") % {"n": number})
        elif any(len(a) > MAX_BLANK for a in unique):
            reasons.append(_("An accepted answer of blank %(n)d is longer than %(max)d characters.")
                           % {"n": number, "max": MAX_BLANK})
        blanks.append(unique)
    if reasons:
        return None, reasons
    return {"qtype": QuestionType.FILL_BLANK, "choices": [], "correct_true": None,
            "accepted_answers": "\n".join("|".join(b) for b in blanks), "reference_answer": "",
            "_declarations": decls}, []


def _decimal(raw) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _points(root: Element, decls: list[Element]) -> tuple[Decimal, str | None]:
    """The item's maximum score: SCORE's normalMaximum, a MAXSCORE outcome's default value, the response
    mappings' upper bounds (or best mapped values), SCORE's own default value; else the bank's default."""
    outcomes = {(e.get("identifier") or ""): e for e in root if local(e) == "outcomeDeclaration"}
    score, maxscore = outcomes.get("SCORE"), outcomes.get("MAXSCORE")
    candidates = []
    if score is not None and score.get("normalMaximum"):
        candidates.append(score.get("normalMaximum"))
    if maxscore is not None:
        candidates.extend(_values(_child(maxscore, "defaultValue"))[:1])
    mapped = _mapped_maximum(decls)
    if mapped is not None:
        candidates.append(mapped)
    if score is not None:
        default = _values(_child(score, "defaultValue"))[:1]
        if default and (_decimal(default[0]) or 0) > 0:
            candidates.append(default[0])
    if not candidates:
        return DEFAULT_POINTS, None
    raw = candidates[0]
    value = _decimal(raw)
    if value is None or not (MIN_POINTS <= value <= MAX_POINTS) or value != value.quantize(TENTHS):
        return DEFAULT_POINTS, _("The item's score %(v)s cannot be used: points must be between 0.5 and 100, "
                                 "with at most one decimal.") % {"v": str(raw).strip()}
    return value.quantize(TENTHS), None


def _mapped_maximum(decls: list[Element]) -> Decimal | None:
    """The most a mapped response can score, when every response of the item has a mapping."""
    total = Decimal("0")
    for decl in decls:
        mapping = _child(decl, "mapping")
        if mapping is None:
            return None
        upper = _decimal(mapping.get("upperBound")) if mapping.get("upperBound") else None
        values = [v for e in mapping if local(e) == "mapEntry"
                  if (v := _decimal(e.get("mappedValue"))) is not None and v > 0]
        best = (max(values, default=Decimal("0")) if (decl.get("cardinality") or "single") == "single"
                else sum(values, Decimal("0")))
        total += min(best, upper) if upper is not None else best
    return total if decls and total > 0 else None
