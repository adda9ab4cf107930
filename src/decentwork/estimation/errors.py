"""Errors raised by the estimation kernel."""


class EstimationError(ValueError):
    """Bad input to the estimation kernel: the message names the column, value or option."""
