"""decentwork: an open labour market information system.

Survey microdata to ILO-standard decent-work indicators with design-based uncertainty.
"""

__version__ = "0.1.0"
