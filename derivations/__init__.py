"""derivcheck.derivations: what is claimed.

The authoring API (:mod:`.api`), the registry (:mod:`.registry`), the audit
of one claim (:mod:`.audit`) and of many (:mod:`.runner`), the command line
(:mod:`.cli`), and one module per topic of the notes in :mod:`.topics`.
"""
