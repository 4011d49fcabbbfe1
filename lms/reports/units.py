"""Org unit names and branches for thousands of units in two queries."""

from django.db.models import Q

from lms.org.models import OrgUnit

BRANCH_KINDS = (OrgUnit.Kind.BRANCH, OrgUnit.Kind.GENERAL_BRANCH)


class UnitIndex:
    """The units of some subtrees plus their ancestors, with full names and nearest branches."""

    def __init__(self, roots: list[OrgUnit] | None = None):
        step = OrgUnit.steplen
        if roots is None:
            units = OrgUnit.objects.all()
        else:
            q = Q(pk__in=[])
            ancestor_paths: set[str] = set()
            for root in roots:
                q |= Q(path__startswith=root.path)
                ancestor_paths.update(root.path[:i] for i in range(step, len(root.path), step))
            if ancestor_paths:
                q |= Q(path__in=ancestor_paths)
            units = OrgUnit.objects.filter(q)
        self._by_id: dict[int, tuple[str, str, str]] = {}
        self._by_path: dict[str, int] = {}
        for pk, path, name, kind in units.values_list("pk", "path", "name", "kind").order_by("path"):
            self._by_id[pk] = (path, name, kind)
            self._by_path[path] = pk
        self._step = step
        self._full: dict[int, str] = {}
        self._branch: dict[int, int] = {}

    def __contains__(self, pk: int) -> bool:
        return pk in self._by_id

    def path(self, pk: int) -> str:
        return self._by_id[pk][0]

    def name(self, pk: int) -> str:
        return self._by_id[pk][1]

    def ancestors_and_self(self, pk: int) -> list[int]:
        path = self._by_id[pk][0]
        ids = []
        for i in range(self._step, len(path) + 1, self._step):
            ancestor = self._by_path.get(path[:i])
            if ancestor is not None:
                ids.append(ancestor)
        return ids

    def full_name(self, pk: int | None) -> str:
        if pk is None or pk not in self._by_id:
            return ""
        name = self._full.get(pk)
        if name is None:
            name = "/".join(self._by_id[a][1] for a in self.ancestors_and_self(pk))
            self._full[pk] = name
        return name

    def branch_of(self, pk: int) -> int:
        """Nearest enclosing branch or general branch (the unit itself included); else the unit itself."""
        branch = self._branch.get(pk)
        if branch is None:
            branch = pk
            for ancestor in reversed(self.ancestors_and_self(pk)):
                if self._by_id[ancestor][2] in BRANCH_KINDS:
                    branch = ancestor
                    break
            self._branch[pk] = branch
        return branch

    def branches_under(self, roots: list[OrgUnit]) -> list[int]:
        """Branch units inside the given subtrees, in tree order."""
        return [pk for pk, (path, _name, kind) in self._by_id.items()
                if kind in BRANCH_KINDS and any(path.startswith(r.path) for r in roots)]


class UnitChoice:
    __slots__ = ("pk", "full_name")

    def __init__(self, pk: int, full_name: str):
        self.pk, self.full_name = pk, full_name


def unit_choices(roots: list[OrgUnit], limit: int = 3000) -> list[UnitChoice]:
    """The roots and the committees/branches below them, with full names (for scope pickers), in two queries."""
    index = UnitIndex(roots)
    wanted = (OrgUnit.Kind.COMMITTEE, *BRANCH_KINDS)
    root_ids = {r.pk for r in roots}
    out = []
    for pk, (path, _name, kind) in index._by_id.items():
        if pk in root_ids or (kind in wanted and any(path.startswith(r.path) for r in roots)):
            out.append(UnitChoice(pk, index.full_name(pk)))
            if len(out) >= limit:
                break
    return out
