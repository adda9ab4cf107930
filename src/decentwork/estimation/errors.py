"""Errors raised by the estimation kernel."""


class EstimationError(ValueError):
    """Bad input to the estimation kernel: the message names the column, value or option."""


class EmptyData(EstimationError):
    """The data have no records."""
