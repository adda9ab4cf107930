"""CSPro survey files: the data dictionary (:mod:`.dictionary`) and the fixed-position text
data it describes, read by DuckDB (:mod:`.data`)."""
