"""derivcheck.reports: render an audit-result file (JSON) for people.

Reads only the documented JSON schema (``schema.json``); imports nothing from
``derivations``, so ``derivcheck report results.json`` re-renders without
re-running anything.
"""
