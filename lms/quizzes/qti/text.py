"""An itemBody (XHTML in the QTI namespace) as the plain text the bank stores and shows with line breaks.

Blocks become lines and runs of white space one space; feedback, rubrics, scripts and styles are dropped.
Images, media, formulas and template variables cannot be kept in plain text, so they are noted for the
report instead of silently vanishing.
"""

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from .safexml import local

BREAK = "\x00"
BLOCKS = {
    "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "address", "table", "caption", "thead", "tbody", "tfoot", "tr", "prompt", "simpleChoice",
}
CELLS = {"td", "th"}
DROPPED = {"feedbackInline", "feedbackBlock", "modalFeedback", "rubricBlock", "script", "style", "stylesheet"}
MEDIA = {"img", "object", "picture", "audio", "video", "svg", "embed", "iframe"}
TEMPLATED = {"printedVariable", "templateInline", "templateBlock"}
BLANK = "____"


@dataclass
class Extract:
    text: str = ""
    media: bool = False
    formula: bool = False
    templated: bool = False
    interactions: list[Element] = field(default_factory=list)


def plain_text(element: Element, *, inline_blanks: bool = True) -> Extract:
    """The element's visible text. Interactions are collected: a text entry contributes the blank marker,
    the others their prompt (a choice interaction's options are read separately)."""
    out = Extract()
    parts: list[str] = []

    def walk(node: Element, top: bool):
        name = local(node)
        if not top:
            if name in DROPPED:
                parts.append(node.tail or "")
                return
            if name.endswith("Interaction"):
                out.interactions.append(node)
                if name == "textEntryInteraction" and inline_blanks:
                    parts.append(BLANK)
                else:  # block interactions: their prompt is part of the question; choices are read apart
                    for child in node:
                        if local(child) == "prompt":
                            parts.append(BREAK)
                            walk(child, False)
                    parts.append(BREAK)
                    _note_inside(node, out)
                parts.append(node.tail or "")
                return
            if name in MEDIA:
                out.media = True
            elif name == "math":
                out.formula = True
            elif name in TEMPLATED:
                out.templated = True
        block = name in BLOCKS and not top
        if block:
            parts.append(BREAK)
        if name not in MEDIA and name != "math":
            parts.append(node.text or "")
            for child in node:
                walk(child, False)
                if local(child) in CELLS:
                    parts.append(" ")
        if block:
            parts.append(BREAK)
        if not top:
            parts.append(node.tail or "")

    walk(element, True)
    lines = (" ".join(line.split()) for line in "".join(parts).split(BREAK))
    out.text = "\n".join(line for line in lines if line)
    return out


def _note_inside(node: Element, out: Extract) -> None:
    """Interactions nested in an unsupported one still count, so "several interactions" is reported right."""
    for child in node.iter():
        if child is not node and local(child).endswith("Interaction"):
            out.interactions.append(child)
