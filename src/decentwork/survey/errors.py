"""The error of the survey layer, in decentwork's one family of errors."""

from decentwork.errors import BadInput


class ProfileError(BadInput):
    """A survey profile, or the file it reads, cannot be used.

    The message names the profile or data file, the section or variable, and the problem.
    """
