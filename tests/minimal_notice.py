"""The smallest valid notice, and its problems after some of its fields are changed.

Why shared: the tests of limits and of fixed-width boxes move one field at a time from a
notice that passes, through the real loader and validator.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from vanban.errors import Problem
from vanban.pipeline.loader import load_yaml
from vanban.pipeline.model import ThongBao
from vanban.pipeline.validate import check

#: Dated 28 December: the widest date line of its year (all digits are equally wide).
MINIMAL: dict[str, Any] = {
    "co_quan": {"ten": ["ỦY BAN NHÂN DÂN", "XÃ QUỲNH LIÊN"], "viet_tat": "UBND", "dia_danh": "Quỳnh Liên"},
    "so": "7", "ngay": "2024-12-28", "trich_yeu": "Kết luận",
    "noi_dung": ["Nội dung."], "ket_thuc": "Thông báo để thực hiện.",
    "nguoi_ky": {"chuc_vu": ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "ho_ten": "Trần Thị Cúc"},
    "noi_nhan": ["Các phòng"], "luu": {"don_vi": "VP"},
}


def checked(**changes: Any) -> tuple[ThongBao | None, list[Problem]]:
    """Return the model (or None) and the problems of MINIMAL with ``changes`` to its top-level fields."""
    data = copy.deepcopy(MINIMAL) | changes
    located, problems = load_yaml(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**7), "x.yaml")
    assert located is not None, problems
    return check(located)
