"""The one error of the survey layer."""


class ProfileError(ValueError):
    """A survey profile, or the file it reads, cannot be used.

    The message names the profile or data file, the section or variable, and the problem.
    """
