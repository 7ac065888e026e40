"""The ImpEx engine: ``syntax`` (the parsed form), ``parser`` (text → syntax), ``types`` (the
SAP types the loader knows) and ``loader`` (syntax → store)."""
