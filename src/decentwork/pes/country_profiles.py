"""What the synthetic PES generator knows of each country it can imitate: common family and
given names in the country's script, the population of each ISO 3166-2 subdivision, the
capital, the languages spoken, the currency wages are quoted in, and telephone numbers.

Names are common Khmer and Lao names written by the author of this module from general
knowledge, not taken from any register. Populations are rounded census counts (Cambodia's
2019 general population census, Lao PDR's 2015 population and housing census), in
thousands, used only as relative weights.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CountryProfile:
    """One country's names, places, languages, money and telephone numbers."""

    alpha_2: str
    family_names: tuple[str, ...]
    male_names: tuple[str, ...]
    female_names: tuple[str, ...]
    family_name_first: bool
    """Whether names are written family name first (Khmer) or last (Lao)."""
    population: dict[str, int]
    """Thousands of people per ISO 3166-2 subdivision."""
    capital: str
    language: str
    other_languages: dict[str, float]
    """ISO 639-1 codes of second languages, and the share of seekers who give each."""
    currency: str
    wage: float
    """A typical expected monthly wage of a job seeker with lower secondary education."""
    phone_prefix: str
    phone_networks: tuple[str, ...]
    phone_digits: int


KHM = CountryProfile(
    alpha_2="KH",
    family_names=(
        "សុខ", "ចាន់", "ហេង", "លី", "គឹម", "ជា", "សៅ", "ម៉ៅ", "កែវ", "ឈឹម", "ទេព", "ពេជ្រ",
        "ស៊ុន", "ប៊ុន", "យិន", "អ៊ុំ", "ខៀវ", "ស្រេង", "ព្រំ", "នួន", "ឡុង", "មាស", "សំ",
        "ភួង", "ឃុត", "សួស", "ចេង", "ទូច", "រស់", "ហ៊ុយ"),
    male_names=(
        "ដារ៉ា", "សុខា", "វិចិត្រ", "សំណាង", "វាសនា", "ពិសិដ្ឋ", "សុផល", "រិទ្ធី", "វណ្ណៈ",
        "សុវណ្ណ", "ចន្ទា", "បូរ៉ា", "រតនៈ", "សុភ័ក្ត្រ", "មករា", "សុធា", "វុទ្ធី", "កុសល",
        "ធារ៉ា", "សុខុម", "ពិសី", "វិសាល", "ស៊ីថា", "សុភាព"),
    female_names=(
        "សុភា", "ស្រីមុំ", "ចាន់ធី", "ធីតា", "បុប្ផា", "សុជាតា", "លក្ខិណា", "ស្រីពៅ",
        "ម៉ាលីស", "ស្រីល័ក្ខ", "ពិសី", "ចន្ទ្រា", "សុខលី", "រចនា", "សុគន្ធា", "ដាលីន",
        "នារី", "សុវណ្ណារី", "ស្រីនិច", "វណ្ណា", "សុធារី", "កញ្ញា", "រ៉ានី", "ស្រីនាង"),
    family_name_first=True,
    population={
        "KH-1": 861, "KH-2": 987, "KH-3": 899, "KH-4": 527, "KH-5": 877, "KH-6": 677,
        "KH-7": 593, "KH-8": 1196, "KH-9": 123, "KH-10": 373, "KH-11": 89, "KH-12": 2282,
        "KH-13": 254, "KH-14": 1057, "KH-15": 412, "KH-16": 204, "KH-17": 1014,
        "KH-18": 311, "KH-19": 160, "KH-20": 525, "KH-21": 900, "KH-22": 276, "KH-23": 42,
        "KH-24": 71, "KH-25": 776},
    capital="KH-12",
    language="km",
    other_languages={"en": 0.25, "zh": 0.03, "th": 0.04, "vi": 0.02},
    currency="USD",
    wage=250.0,
    phone_prefix="+855",
    phone_networks=("10", "11", "12", "15", "16", "17", "69", "70", "77", "78", "81", "85",
                    "86", "87", "89", "92", "93", "95", "96", "97", "98", "99"),
    phone_digits=7,
)

LAO = CountryProfile(
    alpha_2="LA",
    family_names=(
        "ພົມມະຈັນ", "ແກ້ວມະນີ", "ສີສຸວັນ", "ວົງສະຫວັນ", "ພົມວິຫານ", "ສຸລິຍະ", "ຈັນທະວົງ",
        "ອິນທະວົງ", "ສີຫາລາດ", "ພູມມະລາ", "ໄຊຍະວົງ", "ສີລາວົງ", "ແສງສຸລິຍາ", "ພັນທະວົງ",
        "ວົງພະຈັນ", "ຄຳວົງສາ", "ດວງມະນີ", "ສຸວັນນະວົງ", "ມະນີວົງ", "ແກ້ວວົງສາ"),
    male_names=(
        "ສົມພອນ", "ບຸນມີ", "ສົມສັກ", "ຄຳພອນ", "ທອງລາ", "ວັນໄຊ", "ພອນສັກ", "ບຸນທັນ",
        "ສົມບັດ", "ຄຳສິງ", "ທອງສະຫວັນ", "ພູວົງ", "ອານຸສອນ", "ສີສະຫວາດ", "ວິໄລ", "ບຸນເລີດ",
        "ສຸກສະຫວັນ", "ສຸລິຍາ"),
    female_names=(
        "ນ້ອຍ", "ແສງຈັນ", "ມະນີວອນ", "ພອນທິບ", "ຄຳແພງ", "ອຳພອນ", "ບົວພັນ", "ຈັນທະລີ",
        "ສຸດາລັດ", "ມາລີ", "ພອນສະຫວັນ", "ທິບພະວັນ", "ດາລາ", "ສີດາ", "ນາລີ", "ຄຳມະນີ",
        "ວຽງຄຳ", "ສຸພາພອນ", "ວິໄລ"),
    family_name_first=False,
    population={
        "LA-VT": 821, "LA-PH": 177, "LA-LM": 176, "LA-OU": 307, "LA-BK": 180, "LA-LP": 431,
        "LA-HO": 289, "LA-XA": 381, "LA-XI": 245, "LA-VI": 419, "LA-BL": 274, "LA-KH": 392,
        "LA-SV": 969, "LA-SL": 397, "LA-XE": 113, "LA-CH": 695, "LA-AT": 139, "LA-XS": 85},
    capital="LA-VT",
    language="lo",
    other_languages={"th": 0.30, "en": 0.15, "vi": 0.03, "zh": 0.03},
    currency="LAK",
    wage=2_800_000.0,
    phone_prefix="+856 20",
    phone_networks=("2", "5", "7", "9"),
    phone_digits=7,
)

PROFILES = {"KHM": KHM, "LAO": LAO}
