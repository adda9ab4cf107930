"""Errors raised by the estimation kernel, in decentwork's one family of errors."""

from decentwork.errors import BadInput


class EstimationError(BadInput):
    """Bad input to the estimation kernel: the message names the column, value or option."""


class EmptyData(EstimationError):
    """The data have no records."""
