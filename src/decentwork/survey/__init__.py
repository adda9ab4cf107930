"""Survey profiles: read a labour force survey file and harmonise it to the ILO standard
variables (``ilo_sex``, ``ilo_age``, ``ilo_lfs``...) with its design, through a YAML profile.
"""

from decentwork.survey.compare import crosstab
from decentwork.survey.errors import ProfileError
from decentwork.survey.harmonise import design_of, harmonise
from decentwork.survey.profile import Profile, bundled_profiles, load_profile, parse_profile
from decentwork.survey.readers import value_labels

__all__ = [
    "Profile",
    "ProfileError",
    "bundled_profiles",
    "crosstab",
    "design_of",
    "harmonise",
    "load_profile",
    "parse_profile",
    "value_labels",
]
