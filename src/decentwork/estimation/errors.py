"""Errors raised by the estimation kernel, in decentwork's one family of errors."""

from decentwork.errors import BadInput


class EstimationError(BadInput):
    """Bad input to the estimation kernel: the message names the column, value or option."""


class EmptyData(EstimationError):
    """The data have no records."""


class EngineUnavailable(EstimationError):
    """The engine asked for cannot run here: PySpark or Java is missing (the message says
    how to install it)."""


class QueryFailed(EstimationError):
    """An engine other than DuckDB could not run a query (the message is its first line)."""


def bad_option(owner: str, option: str, value: object, expected: str) -> EstimationError:
    """The error for an option of ``owner`` (``Design``, ``Calibration``) whose value is not
    what it should be."""
    return EstimationError(
        f"{owner}: {option}={value!r} must be {expected}",
        parameter=option,
        given=repr(value),
        expected=expected,
    )
