"""Names and codes of the sample city: Chinese personal names, citizen id numbers with their check digit,
unified social credit codes, company names unique in the city."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .params import _TABLE_BASE, CITY_SHORT
from .util import _chars, _digits, _ints_str, _obj
from .vocab import _BRAND_A, _BRAND_B, _FORMS, _OTHER_REGIONS


class Names:
    """Methods of the sample world (mixed into world.World)."""

    # ---------------------------------------------------------------- names and codes
    def names(self, n: int, surnames=None) -> np.ndarray:
        rng = self.rng
        s = self.sur[rng.choice(len(self.sur), n, p=self.sur_p)] if surnames is None else _obj(surnames)
        g1 = self.given[rng.choice(len(self.given), n, p=self.given_p)]
        g2 = self.given[rng.choice(len(self.given), n, p=self.given_p)]
        two = rng.random(n) < 0.65
        return s + g1 + np.where(two, g2, "")

    def id_numbers(self, n: int, y0: int, y1: int) -> np.ndarray:
        rng = self.rng
        if n == 0:
            return np.array([], dtype=object)
        area = np.array(["360202", "360203", "360221", "360222", "360281", "360102", "430104", "420106"])
        a = area[rng.integers(0, len(area), n)]
        lo = (date(y0, 1, 1) - _TABLE_BASE).days
        hi = (date(y1, 12, 28) - _TABLE_BASE).days
        born = self.dates[3][rng.integers(lo, hi, n)].astype(str)
        seq = rng.integers(0, 1000, n)
        body = np.char.add(np.char.add(a, born), _digits(seq, 3))
        d = np.ascontiguousarray(body.astype("<U17")).view(np.uint32).reshape(n, 17).astype(np.int64) - 48
        w = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
        check = np.array(list("10X98765432"))[(d * w).sum(1) % 11]
        return np.char.add(body, check).astype(object)

    def uscc(self, n: int) -> np.ndarray:
        rng = self.rng
        alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        codes = np.empty((n, 17), dtype=np.int64)
        codes[:, 0] = 9
        codes[:, 1] = 1
        area = np.array([[3, 6, 0, 2, 0, 2], [3, 6, 0, 2, 0, 3], [3, 6, 0, 2, 2, 1], [3, 6, 0, 1, 0, 0]])
        codes[:, 2:8] = area[rng.integers(0, len(area), n)]
        codes[:, 8:16] = rng.integers(0, 31, (n, 8))
        codes[:, 16] = rng.integers(0, 10, n)
        w = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
        check = (31 - (codes * w).sum(1) % 31) % 31
        full = np.concatenate([codes, check[:, None]], axis=1)
        return _chars(full, alpha).astype(object)

    def company_names(self, sectors: np.ndarray, words_by_sector: dict) -> np.ndarray:
        rng = self.rng
        n = len(sectors)
        regions = np.array([""] * 6 + [CITY_SHORT] + [d + "" for d in self.district_names[:8]] + _OTHER_REGIONS,
                           dtype=object)
        names = np.empty(n, dtype=object)
        todo = np.arange(n)
        for _round in range(50):
            if len(todo) == 0:
                break
            k = len(todo)
            reg = regions[rng.integers(0, len(regions), k)]
            brand = (np.array(list(_BRAND_A), dtype=object)[rng.integers(0, len(_BRAND_A), k)]
                     + np.array(list(_BRAND_B), dtype=object)[rng.integers(0, len(_BRAND_B), k)])
            word = np.empty(k, dtype=object)
            for sec in np.unique(sectors[todo]):
                m = sectors[todo] == sec
                ws = np.array(words_by_sector[sec], dtype=object)
                word[m] = ws[rng.integers(0, len(ws), int(m.sum()))]
            form = np.array(_FORMS, dtype=object)[rng.choice(3, k, p=[0.6, 0.3, 0.1])]
            cand = reg + brand + word + form
            names[todo] = cand
            s = pd.Series(names)
            dup = s.duplicated(keep="first").to_numpy()
            todo = np.flatnonzero(dup)
        if len(todo):
            names[todo] = names[todo] + _ints_str(np.arange(len(todo)))
        return names

