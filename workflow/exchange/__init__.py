"""Exchange formats for translation agencies and CAT tools: TMX (memory) and XLIFF (work)."""
