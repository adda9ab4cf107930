"""Code lists: ISIC Rev.4 divisions, ICSE-93 status and ISCO-08 unit groups, with the
employment structure of a lower-middle-income country.

Divisions belong to broad sectors that drive status, hours and formality. Each division
lists the ISCO-08 unit groups found in it, weighted separately for employees and for the
self-employed.
"""

from __future__ import annotations

import numpy as np

AGRICULTURE, INDUSTRY, UTILITIES, CONSTRUCTION, TRADE, TRANSPORT = 0, 1, 2, 3, 4, 5
HOSPITALITY, MODERN_SERVICES, PUBLIC_SERVICES, OTHER_SERVICES, HOUSEHOLDS = 6, 7, 8, 9, 10

# ICSE-93 status codes, in the column order of STATUS_WEIGHTS.
STATUS_CODES = np.array([1, 2, 3, 4, 5, 6])
EMPLOYEE, EMPLOYER = 1, 2

# ISIC division, sector, employment shares (%) for urban men, urban women, rural men, rural
# women.
DIVISIONS = [
    (1, AGRICULTURE, 8.0, 5.0, 50.0, 55.0),
    (2, AGRICULTURE, 0.3, 0.1, 1.5, 0.5),
    (3, AGRICULTURE, 0.5, 0.1, 2.0, 0.5),
    (8, INDUSTRY, 0.8, 0.1, 1.5, 0.3),
    (10, INDUSTRY, 3.5, 4.0, 2.0, 3.0),
    (13, INDUSTRY, 1.2, 2.5, 0.5, 1.5),
    (14, INDUSTRY, 1.5, 6.0, 0.5, 3.0),
    (16, INDUSTRY, 1.5, 0.2, 1.5, 0.2),
    (23, INDUSTRY, 1.5, 0.5, 1.0, 0.5),
    (25, INDUSTRY, 3.0, 0.3, 1.0, 0.1),
    (35, UTILITIES, 1.0, 0.3, 0.3, 0.05),
    (41, CONSTRUCTION, 10.0, 0.7, 6.0, 0.3),
    (43, CONSTRUCTION, 4.0, 0.3, 2.0, 0.1),
    (45, TRADE, 4.0, 0.5, 1.5, 0.1),
    (46, TRADE, 4.0, 2.0, 1.0, 0.5),
    (47, TRADE, 14.0, 22.0, 8.0, 14.0),
    (49, TRANSPORT, 10.0, 0.8, 5.0, 0.2),
    (55, HOSPITALITY, 1.0, 1.5, 0.3, 0.5),
    (56, HOSPITALITY, 3.0, 8.0, 1.5, 4.0),
    (61, MODERN_SERVICES, 0.8, 0.8, 0.1, 0.05),
    (62, MODERN_SERVICES, 1.0, 0.6, 0.05, 0.02),
    (64, MODERN_SERVICES, 1.5, 2.0, 0.2, 0.2),
    (68, MODERN_SERVICES, 0.6, 0.5, 0.1, 0.05),
    (71, MODERN_SERVICES, 1.0, 0.4, 0.1, 0.02),
    (84, PUBLIC_SERVICES, 6.0, 4.0, 2.0, 0.8),
    (85, PUBLIC_SERVICES, 3.0, 8.0, 2.0, 4.0),
    (86, PUBLIC_SERVICES, 1.5, 5.0, 0.7, 1.5),
    (94, OTHER_SERVICES, 0.8, 0.6, 0.5, 0.3),
    (95, OTHER_SERVICES, 2.0, 0.3, 1.0, 0.1),
    (96, OTHER_SERVICES, 2.0, 5.0, 1.0, 2.5),
    (97, HOUSEHOLDS, 1.0, 8.0, 0.5, 3.0),
]
DIVISION_CODES = np.array([row[0] for row in DIVISIONS])
DIVISION_SECTOR = np.array([row[1] for row in DIVISIONS])
DIVISION_SHARES = np.array([row[2:] for row in DIVISIONS])  # (division, urban/sex group)

# Relative pull of each sector on people with low (ISCED 0-1), middle (2-4) and high (5-8)
# education.
SECTOR_EDUCATION_AFFINITY = np.array(
    [
        [1.5, 0.8, 0.25],  # agriculture
        [1.0, 1.1, 0.6],  # industry
        [0.5, 1.0, 2.0],  # utilities
        [1.3, 1.0, 0.4],  # construction
        [1.0, 1.1, 0.6],  # trade
        [1.0, 1.2, 0.4],  # transport
        [1.1, 1.1, 0.5],  # hospitality
        [0.1, 0.8, 5.0],  # modern services
        [0.2, 0.9, 5.0],  # public services
        [1.0, 1.1, 0.6],  # other services
        [1.6, 0.8, 0.1],  # households as employers
    ]
)

# Base ICSE-93 status probabilities per sector: employee, employer, own-account, member of
# producers' cooperative, contributing family worker, not classifiable.
STATUS_WEIGHTS = np.array(
    [
        [0.22, 0.02, 0.56, 0.010, 0.18, 0.010],
        [0.58, 0.04, 0.32, 0.005, 0.05, 0.005],
        [0.95, 0.01, 0.03, 0.000, 0.005, 0.005],
        [0.60, 0.04, 0.33, 0.000, 0.025, 0.005],
        [0.30, 0.04, 0.55, 0.002, 0.105, 0.003],
        [0.42, 0.04, 0.50, 0.010, 0.025, 0.005],
        [0.42, 0.04, 0.45, 0.000, 0.085, 0.005],
        [0.80, 0.05, 0.13, 0.000, 0.015, 0.005],
        [0.94, 0.01, 0.04, 0.000, 0.005, 0.005],
        [0.32, 0.03, 0.59, 0.000, 0.055, 0.005],
        [0.98, 0.00, 0.01, 0.000, 0.005, 0.005],
    ]
)

# ISCO-08 unit groups per ISIC division: (code, weight among employees, weight among the
# self-employed).
OCCUPATIONS = {
    1: [
        (6111, 0.05, 0.25),
        (6112, 0.02, 0.06),
        (6121, 0.03, 0.08),
        (6130, 0.02, 0.12),
        (6310, 0.0, 0.25),
        (6330, 0.0, 0.18),
        (9211, 0.55, 0.03),
        (9212, 0.12, 0.01),
        (9213, 0.12, 0.01),
        (8341, 0.03, 0.005),
        (3142, 0.02, 0.002),
        (2132, 0.01, 0.002),
        (1311, 0.01, 0.01),
    ],
    2: [(6210, 0.4, 0.7), (9215, 0.6, 0.3)],
    3: [(6222, 0.4, 0.7), (6221, 0.1, 0.2), (9216, 0.5, 0.1)],
    8: [(8111, 0.5, 0.4), (9311, 0.45, 0.3), (7113, 0.05, 0.3)],
    10: [
        (7512, 0.2, 0.4),
        (7511, 0.1, 0.3),
        (7513, 0.05, 0.2),
        (8160, 0.35, 0.02),
        (9329, 0.25, 0.05),
        (1321, 0.03, 0.03),
    ],
    13: [
        (7318, 0.1, 0.6),
        (8151, 0.3, 0.05),
        (8152, 0.3, 0.1),
        (9329, 0.28, 0.05),
        (1321, 0.02, 0.02),
    ],
    14: [(7531, 0.15, 0.6), (7533, 0.1, 0.3), (8153, 0.6, 0.08), (7532, 0.15, 0.02)],
    16: [(7522, 0.3, 0.7), (7521, 0.2, 0.2), (8172, 0.3, 0.05), (9329, 0.2, 0.05)],
    23: [(8181, 0.25, 0.05), (7314, 0.1, 0.6), (8114, 0.35, 0.1), (9329, 0.3, 0.25)],
    25: [
        (7212, 0.35, 0.4),
        (7213, 0.15, 0.2),
        (7221, 0.1, 0.3),
        (7214, 0.2, 0.05),
        (8121, 0.15, 0.02),
        (7222, 0.05, 0.03),
    ],
    35: [
        (7411, 0.2, 0.5),
        (7413, 0.25, 0.2),
        (3113, 0.15, 0.1),
        (2151, 0.08, 0.1),
        (3131, 0.17, 0.05),
        (4110, 0.15, 0.05),
    ],
    41: [
        (7112, 0.25, 0.35),
        (7115, 0.1, 0.25),
        (7114, 0.1, 0.05),
        (9313, 0.45, 0.15),
        (3123, 0.05, 0.05),
        (2142, 0.03, 0.05),
        (1323, 0.02, 0.1),
    ],
    43: [
        (7126, 0.2, 0.25),
        (7411, 0.2, 0.3),
        (7131, 0.2, 0.25),
        (7122, 0.15, 0.15),
        (9313, 0.25, 0.05),
    ],
    45: [(7231, 0.5, 0.6), (7233, 0.1, 0.1), (5223, 0.3, 0.05), (5221, 0.1, 0.25)],
    46: [
        (3322, 0.2, 0.1),
        (5223, 0.15, 0.05),
        (4321, 0.15, 0.0),
        (8332, 0.15, 0.1),
        (9333, 0.25, 0.05),
        (1420, 0.05, 0.4),
        (3324, 0.05, 0.3),
    ],
    47: [
        (5221, 0.05, 0.35),
        (5223, 0.6, 0.1),
        (5211, 0.05, 0.3),
        (5212, 0.02, 0.08),
        (9520, 0.03, 0.15),
        (5230, 0.2, 0.0),
        (1420, 0.05, 0.02),
    ],
    49: [
        (8322, 0.35, 0.4),
        (8331, 0.2, 0.05),
        (8332, 0.25, 0.1),
        (8321, 0.1, 0.3),
        (9331, 0.03, 0.15),
        (4323, 0.07, 0.0),
    ],
    55: [
        (5151, 0.1, 0.2),
        (9112, 0.45, 0.05),
        (4224, 0.25, 0.05),
        (1411, 0.05, 0.6),
        (5120, 0.15, 0.1),
    ],
    56: [
        (5120, 0.3, 0.3),
        (5131, 0.35, 0.05),
        (5132, 0.05, 0.05),
        (9412, 0.2, 0.05),
        (9411, 0.05, 0.1),
        (5212, 0.02, 0.4),
        (1412, 0.03, 0.05),
    ],
    61: [(3522, 0.3, 0.2), (2153, 0.15, 0.1), (4222, 0.35, 0.05), (7422, 0.2, 0.65)],
    62: [
        (2512, 0.35, 0.4),
        (2514, 0.2, 0.2),
        (3512, 0.3, 0.2),
        (2511, 0.1, 0.1),
        (1330, 0.05, 0.1),
    ],
    64: [
        (4211, 0.35, 0.0),
        (3312, 0.2, 0.3),
        (2411, 0.15, 0.3),
        (1346, 0.05, 0.1),
        (4311, 0.25, 0.3),
    ],
    68: [(3334, 0.4, 0.8), (5153, 0.6, 0.2)],
    71: [(2142, 0.3, 0.3), (2161, 0.2, 0.3), (3112, 0.3, 0.1), (2165, 0.2, 0.3)],
    84: [
        (4110, 0.35, 0.35),
        (2422, 0.15, 0.15),
        (5412, 0.2, 0.2),
        (3359, 0.15, 0.15),
        (1112, 0.02, 0.02),
        (5414, 0.08, 0.08),
        (4419, 0.05, 0.05),
    ],
    85: [
        (2341, 0.4, 0.3),
        (2330, 0.3, 0.2),
        (2342, 0.08, 0.3),
        (2310, 0.06, 0.05),
        (5312, 0.08, 0.1),
        (1345, 0.03, 0.05),
        (9112, 0.05, 0.0),
    ],
    86: [
        (2221, 0.2, 0.1),
        (3221, 0.25, 0.15),
        (2211, 0.12, 0.3),
        (2212, 0.05, 0.15),
        (2222, 0.04, 0.05),
        (3222, 0.08, 0.1),
        (5321, 0.16, 0.05),
        (2262, 0.03, 0.05),
        (3213, 0.07, 0.05),
    ],
    94: [(2636, 0.4, 0.6), (3413, 0.3, 0.35), (4110, 0.3, 0.05)],
    95: [(7421, 0.4, 0.4), (7536, 0.2, 0.35), (7422, 0.3, 0.15), (7311, 0.1, 0.1)],
    96: [(5141, 0.35, 0.4), (5142, 0.2, 0.2), (9121, 0.3, 0.25), (5169, 0.15, 0.15)],
    97: [
        (9111, 0.6, 0.6),
        (5311, 0.12, 0.12),
        (5322, 0.08, 0.08),
        (9214, 0.1, 0.1),
        (8322, 0.05, 0.05),
        (5414, 0.05, 0.05),
    ],
}

# Relative pull of occupations of low (ISCO major group 9), middle (4-8) and high (1-3)
# skill on people with low, middle and high education: OCCUPATION_EDUCATION_AFFINITY[band,
# skill].
OCCUPATION_EDUCATION_AFFINITY = np.array(
    [
        [1.5, 1.0, 0.05],
        [1.0, 1.0, 0.6],
        [0.3, 0.7, 6.0],
    ]
)


def education_band(education: np.ndarray) -> np.ndarray:
    """0 for ISCED 0-1, 1 for ISCED 2-4, 2 for ISCED 5-8."""
    return (education >= 2).astype(np.int64) + (education >= 5)


def occupation_skill(isco: np.ndarray) -> np.ndarray:
    """0 for elementary occupations (major group 9), 1 for groups 4-8, 2 for groups 1-3."""
    major = isco // 1000
    return np.where(major == 9, 0, np.where(major >= 4, 1, 2))


def occupation_table() -> tuple[np.ndarray, np.ndarray]:
    """ISCO codes per division (padded with 0) and their weights per (division, education
    band, self-employed): shapes (divisions, k) and (divisions, 3, 2, k)."""
    width = max(len(rows) for rows in OCCUPATIONS.values())
    codes = np.zeros((len(DIVISIONS), width), dtype=np.int64)
    weights = np.zeros((len(DIVISIONS), 3, 2, width))
    for d, division in enumerate(DIVISION_CODES):
        rows = np.array(OCCUPATIONS[int(division)])
        k = len(rows)
        codes[d, :k] = rows[:, 0]
        affinity = OCCUPATION_EDUCATION_AFFINITY[:, occupation_skill(rows[:, 0].astype(int))]
        weights[d, :, 0, :k] = rows[:, 1] * affinity
        weights[d, :, 1, :k] = rows[:, 2] * affinity
    return codes, weights
