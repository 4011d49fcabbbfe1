"""The whole upload: read the files, map every item, and check the items against each other."""

from django.utils.translation import gettext as _

from ..grading import normalize_text
from .archive import read_sources
from .items import parse_item
from .problems import ItemError, PackageError
from .safexml import XmlError, parse


def load_items(data: bytes, filename: str) -> tuple[list[dict], list[ItemError]]:
    """Question rows (without a category) and every problem found; rows count only when there are no problems."""
    try:
        sources = read_sources(data, filename)
    except PackageError as exc:
        return [], [ItemError(0, str(exc), file=exc.file or filename)]
    rows: list[dict] = []
    errors: list[ItemError] = []
    identifiers: dict[str, str] = {}
    texts: dict[tuple, str] = {}
    for source in sources:
        if source.error:
            errors.append(ItemError(0, source.error, file=source.path))
            continue
        try:
            root = parse(source.data)
        except XmlError as exc:
            errors.append(ItemError(0, str(exc), file=source.path))
            continue
        item = parse_item(root, listed=source.listed)
        if item.skipped:
            continue

        def problem(reason, item=item, source=source):
            errors.append(ItemError(0, reason, file=source.path, identifier=item.identifier, title=item.title))

        for reason in item.reasons:
            problem(reason)
        if item.identifier:
            if item.identifier in identifiers:
                problem(_("The identifier is also used by %(file)s.") % {"file": identifiers[item.identifier]})
            else:
                identifiers[item.identifier] = source.path
        if item.row is not None:
            key = (item.row["qtype"], normalize_text(item.row["text"]))
            if key in texts:
                problem(_("The same question is also in %(file)s.") % {"file": texts[key]})
            else:
                texts[key] = source.path
                rows.append(item.row)
    if not rows and not errors:
        errors.append(ItemError(0, _("No QTI 2.1/2.2 items were found."), file=filename))
    return rows, errors
