"""A seeded synthetic labour force survey: persons in households in PSUs in strata.

``generate`` returns it as an Arrow table, ``write_parquet`` writes it to Parquet in
chunks; the same seed and sizes give the same records either way.
"""

from decentwork.synthetic.parquet import write_parquet
from decentwork.synthetic.survey import generate

__all__ = ["generate", "write_parquet"]
