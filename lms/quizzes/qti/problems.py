"""One problem of a QTI import, named by file and item so a trainer can find it in the authoring tool."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lms.common.tabular import RowError


@dataclass
class ItemError(RowError):
    """A RowError (line 0: QTI has no rows) that also names the file, the item's identifier and its title, so
    the import page, the command and the XLSX report share one shape."""

    file: str = ""
    identifier: str = ""
    title: str = ""

    def __str__(self):
        where = self.file or "-"
        if self.identifier:
            where += f" [{self.identifier}]"
        if self.title:
            where += f" {self.title}"
        return _("%(where)s: %(reason)s") % {"where": where, "reason": self.reason}


class PackageError(ValueError):
    """The upload as a whole is refused (not a package, unsafe archive); the message says why."""

    def __init__(self, message: str, file: str = ""):
        super().__init__(message)
        self.file = file
