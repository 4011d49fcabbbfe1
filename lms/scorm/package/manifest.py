"""Reading imsmanifest.xml: the SCORM version, the organization's tree of items and the launchable resources.

The XML is parsed with defusedxml (no DTDs, entities or external references). Elements are matched by their
local name, as vendors' manifests are often loose about namespaces; the version comes from
<metadata><schemaversion> and, where that is missing, from the ADL namespaces the manifest declares.
Only the default organization (or the first) is delivered; items without a resource are headings.
"""

import posixpath
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote, urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from lms.common.archives import shown

from .errors import ScormError

V12, V2004_3, V2004_4 = "1.2", "2004-3", "2004-4"
ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
MAX_ITEMS = 2000
MAX_LAUNCH = 1000  # ScormItem.launch


@dataclass
class Item:
    identifier: str
    title: str
    depth: int
    launch: str = ""  # href of the resource (with its parameters), relative to the package root
    is_sco: bool = False
    mastery_score: Decimal | None = None  # 1.2 adlcp:masteryscore (0–100)
    scaled_passing_score: Decimal | None = None  # 2004 primary objective's minNormalizedMeasure (-1–1)
    launch_data: str = ""


@dataclass
class Manifest:
    version: str
    identifier: str
    title: str
    items: list[Item] = field(default_factory=list)

    @property
    def scos(self) -> list[Item]:
        return [i for i in self.items if i.is_sco]


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el, name: str):
    return [c for c in el if _local(c.tag) == name]


def _child(el, name: str):
    return next(iter(_children(el, name)), None)


def _text(el) -> str:
    return (el.text or "").strip() if el is not None else ""


def _attr(el, name: str) -> str:
    """An attribute by local name, whatever its namespace (adlcp:scormtype, adlcp:scormType …)."""
    for key, value in el.attrib.items():
        if _local(key).lower() == name.lower():
            return value.strip()
    return ""


def _version(root, raw: bytes) -> str:
    metadata = _child(root, "metadata")
    schema_version = _text(_child(metadata, "schemaversion")) if metadata is not None else ""
    lowered = schema_version.lower()
    if lowered == "1.2":
        return V12
    if "4th" in lowered:
        return V2004_4
    if "2004" in lowered or lowered.startswith("cam 1.3") or lowered == "1.3":
        return V2004_3
    text = raw.decode("utf-8", "replace")
    if ADLCP_2004 in text:
        return V2004_3  # without a stated edition, the older behaviour of 2004 is assumed
    if ADLCP_12 in text or "imscp_rootv1p1p2" in text:
        return V12
    raise ScormError(_("imsmanifest.xml does not say which SCORM version it is (no <schemaversion> 1.2, "
                       "2004 3rd Edition or 2004 4th Edition)."))


def _with_parameters(href: str, parameters: str) -> str:
    """The launch URL per the content packaging rules for item parameters."""
    parameters = parameters.strip()
    if not parameters:
        return href
    if parameters.startswith("#"):
        return href if "#" in href else href + parameters
    parameters = parameters.lstrip("?&")
    return f"{href}{'&' if '?' in href else '?'}{parameters}"


def _resource_path(href: str, bases: list[str], files: set[str], identifier: str) -> str:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("/"):
        raise ScormError(_("The resource %(id)s starts from an outside address (%(href)s); a package must "
                           "contain all its files.") % {"id": shown(identifier), "href": shown(href)})
    joined = "".join(bases) + parts.path
    path = posixpath.normpath(unquote(joined))
    if path.startswith("..") or path.startswith("/") or "\\" in path:
        raise ScormError(_("The resource %(id)s points outside the package: %(href)s")
                         % {"id": shown(identifier), "href": shown(href)})
    if path not in files:
        raise ScormError(_("The launch file %(href)s of resource %(id)s is not in the package.")
                         % {"href": shown(joined), "id": shown(identifier)})
    rest = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
    return path + rest


def _decimal(raw: str, low: Decimal, high: Decimal, what: str) -> Decimal | None:
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ScormError(_("imsmanifest.xml has an invalid %(what)s: %(value)s")
                         % {"what": what, "value": shown(raw)}) from exc
    if not value.is_finite() or not low <= value <= high:
        raise ScormError(_("imsmanifest.xml has an invalid %(what)s: %(value)s") % {"what": what, "value": shown(raw)})
    return value


def _scaled_passing_score(item) -> Decimal | None:
    sequencing = _child(item, "sequencing")
    objectives = _child(sequencing, "objectives") if sequencing is not None else None
    primary = _child(objectives, "primaryObjective") if objectives is not None else None
    if primary is None or _attr(primary, "satisfiedByMeasure").lower() != "true":
        return None
    return _decimal(_text(_child(primary, "minNormalizedMeasure")) or "1.0", Decimal(-1), Decimal(1),
                    "minNormalizedMeasure")


def parse(raw: bytes, files: set[str]) -> Manifest:
    """The manifest's delivery plan; raise ScormError with the first problem found."""
    try:
        root = SafeET.fromstring(raw)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as exc:
        raise ScormError(_("imsmanifest.xml is not well-formed XML: %(error)s") % {"error": shown(exc)}) from exc
    if _local(root.tag) != "manifest":
        raise ScormError(_("imsmanifest.xml must have <manifest> as its root element."))
    version = _version(root, raw)
    resources_el = _child(root, "resources")
    resources = {}
    if resources_el is not None:
        base = resources_el.get(XML_BASE, "")
        for res in _children(resources_el, "resource"):
            ident = _attr(res, "identifier")
            if ident:
                resources[ident] = (res, [base, res.get(XML_BASE, "")])
    organizations = _child(root, "organizations")
    orgs = _children(organizations, "organization") if organizations is not None else []
    if not orgs:
        raise ScormError(_("imsmanifest.xml has no <organization>: there is nothing to launch."))
    default = _attr(organizations, "default")
    org = next((o for o in orgs if _attr(o, "identifier") == default), orgs[0])
    manifest = Manifest(version=version, identifier=_attr(root, "identifier")[:200],
                        title=_text(_child(org, "title"))[:255])

    def walk(parent, depth):
        for el in _children(parent, "item"):
            if len(manifest.items) >= MAX_ITEMS:
                raise ScormError(_("The organization has more than %(n)d items.") % {"n": MAX_ITEMS})
            ident = _attr(el, "identifier") or f"item-{len(manifest.items) + 1}"
            item = Item(identifier=ident[:200], title=(_text(_child(el, "title")) or ident)[:255], depth=depth)
            ref = _attr(el, "identifierref")
            if ref:
                if ref not in resources:
                    raise ScormError(_("The item %(item)s refers to the resource %(ref)s, which the manifest "
                                       "does not define.") % {"item": shown(ident), "ref": shown(ref)})
                res, bases = resources[ref]
                href = _attr(res, "href")
                if not href:
                    raise ScormError(_("The resource %(id)s of item %(item)s has no launch file (href).")
                                     % {"id": shown(ref), "item": shown(ident)})
                item.launch = _with_parameters(_resource_path(href, bases, files, ref), _attr(el, "parameters"))
                if len(item.launch) > MAX_LAUNCH:
                    raise ScormError(_("The launch address of item %(item)s is longer than %(n)d characters.")
                                     % {"item": shown(ident), "n": MAX_LAUNCH})
                item.is_sco = _attr(res, "scormtype").lower() == "sco"
                item.mastery_score = _decimal(_text(_child(el, "masteryscore")), Decimal(0), Decimal(100),
                                              "masteryscore")
                item.scaled_passing_score = _scaled_passing_score(el)
                item.launch_data = _text(_child(el, "dataFromLMS"))[:4096]
            manifest.items.append(item)
            walk(el, depth + 1)

    walk(org, 0)
    if not manifest.scos:
        raise ScormError(_("The organization has no item that launches a SCO (a resource with "
                           "adlcp:scormType=\"sco\" and an href)."))
    if not manifest.title:
        manifest.title = next((i.title for i in manifest.items), "") or manifest.identifier or "SCORM"
    return manifest

