"""OpenJobcenter: a multi-tenant platform for German job centres (SGB II)."""
