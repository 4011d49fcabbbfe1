"""The ground floor every app may import: tabular files, parsing, the import flow, API errors, routing, parsing
and schema helpers, throttles and upload limits. It imports no other app of the project (import contract)."""
