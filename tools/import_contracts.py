"""A custom import-linter contract: between apps, only an app's public surface may be imported.

Each app's public surface is its ``services`` (actions), ``selectors`` and ``models`` (reads), ``signals``
(definitions) and ``serializers`` (API shapes other APIs nest), plus the extension points and access rules it
declares in the contract (``public_modules``). Everything else in an app is private to it, so it can change freely.
"""

from __future__ import annotations

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class PublicSurfaceContract(Contract):
    type_name = "public_surface"

    apps = fields.ListField(subfield=fields.StringField())
    surface = fields.ListField(subfield=fields.StringField())
    public_modules = fields.ListField(subfield=fields.StringField(), required=False)
    exempt = fields.ListField(subfield=fields.StringField(), required=False)

    def _app_of(self, module: str) -> str | None:
        best = None
        for app in self.apps:
            if (module == app or module.startswith(app + ".")) and (best is None or len(app) > len(best)):
                best = app
        return best

    def _is_public(self, module: str, app: str) -> bool:
        if module == app:
            return True
        inner = module[len(app) + 1:]
        if any(inner == name or inner.startswith(name + ".") for name in self.surface):
            return True
        return any(module == name or module.startswith(name + ".") for name in (self.public_modules or []))

    def check(self, graph, verbose: bool) -> ContractCheck:
        exempt = tuple(self.exempt or [])
        violations = []
        for importer in sorted(graph.modules):
            if exempt and importer.startswith(exempt):
                continue
            importer_app = self._app_of(importer)
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = self._app_of(imported)
                if imported_app is None or imported_app == importer_app or self._is_public(imported, imported_app):
                    continue
                lines = sorted(d["line_number"] for d in graph.get_import_details(importer=importer,
                                                                                  imported=imported))
                violations.append((importer, imported, lines))
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["violations"]:
            output.print_error(f"{importer} imports the private module {imported} (l. {', '.join(map(str, lines))})",
                               bold=False)
            output.new_line()
        output.print("Import the app's services, models, signals or serializers, or declare the module in "
                     "public_modules of .importlinter if it is an extension point or access rule.")
