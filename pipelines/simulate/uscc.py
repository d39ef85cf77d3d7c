"""Unified social credit codes (GB 32100-2015), vectorised.

18 characters: registration authority (1) + entity kind (1) + region (6) + organisation code (9,
the last being its GB 11714 check character) + GB 32100 check character.
"""
from __future__ import annotations

import numpy as np

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ASCII = np.frombuffer(CHARSET.encode(), dtype=np.uint8)
_INDEX = {c: i for i, c in enumerate(CHARSET)}
# GB 11714 value of each charset character: digits as is, letters A=10 ... Z=35.
_ORG_VALUE = np.array([int(c) if c.isdigit() else ord(c) - 55 for c in CHARSET], dtype=np.int64)
_BODY_SPACE = 31**8
_MULT = 602_214_076_023  # not a multiple of 31: i -> (i * _MULT + offset) mod 31^8 is a bijection


def check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(_INDEX[c] * int(w) for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    if len(code) != 18 or any(c not in _INDEX for c in code):
        return False
    return check_char(code[:17]) == code[17]


def make(serials: np.ndarray, prefixes: np.ndarray, regions: np.ndarray, offset: int) -> np.ndarray:
    """Codes for distinct serial numbers (unique organisation codes), as an 'S18' array.

    prefixes: 2-character strings per code ('91', '92', ...); regions: 6-digit strings.
    """
    n = len(serials)
    body = (serials.astype(object) * _MULT + offset) % _BODY_SPACE  # exact integers
    body = np.array(body, dtype=np.int64)
    idx = np.empty((n, 17), dtype=np.int64)
    pre = np.char.encode(prefixes.astype("U2")).view(np.uint8).reshape(n, 2)
    reg = np.char.encode(regions.astype("U6")).view(np.uint8).reshape(n, 6)
    lookup = np.full(128, -1, dtype=np.int64)
    lookup[_ASCII] = np.arange(len(CHARSET))
    idx[:, 0:2] = lookup[pre]
    idx[:, 2:8] = lookup[reg]
    for k in range(8):  # organisation code body, most significant first
        idx[:, 15 - k] = body % 31
        body //= 31
    org_sum = (_ORG_VALUE[idx[:, 8:16]] * _ORG_WEIGHTS).sum(axis=1)
    org_check = (11 - org_sum % 11) % 11  # 10 -> 'X', 11 -> '0' (handled by the modulo)
    idx[:, 16] = np.where(org_check == 10, _INDEX["X"], org_check)
    check = (31 - (idx * WEIGHTS).sum(axis=1) % 31) % 31
    chars = np.empty((n, 18), dtype=np.uint8)
    chars[:, :17] = _ASCII[idx]
    chars[:, 17] = _ASCII[check]
    return chars.view("S18").reshape(n)


def corrupt(code: str, rng: np.random.Generator) -> str:
    """The same code with a wrong check character."""
    good = code[17]
    options = [c for c in CHARSET if c != good]
    return code[:17] + options[int(rng.integers(len(options)))]
