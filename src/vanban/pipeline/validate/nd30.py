"""Check the ND30 rules that need more than one field: signer chain, Nơi nhận, ký hiệu, dates, end mark.

Why on the raw data: these checks run on the cleaned data, not the model, so that they
report even when another part of the file fails the model — every problem at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from vanban.errors import Problem
from vanban.i18n import N_, _
from vanban.pipeline import rules
from vanban.pipeline.loader import Located, Path_
from vanban.pipeline.model import NODE_KINDS
from vanban.pipeline.validate.raw import as_date, get, strings
from vanban.pipeline.validate.tasks import id_problems


def notice_problems(located: Located, data: Any) -> list[Problem]:
    """Return the ND30 problems that need more than one field: signer, Nơi nhận, ký hiệu, dates, end mark."""
    out: list[Problem] = []
    lines = [v for _, v in strings(get(data, "nguoi_ky", "chuc_vu"))]
    if lines:
        chain = rules.signer_chain_problem(lines)
        if chain:
            out.append(located.problem(("nguoi_ky", "chuc_vu"), chain, "T-20"))
    name = get(data, "nguoi_ky", "ho_ten")
    if isinstance(name, str) and name.strip():
        title = rules.academic_title_prefix(name)
        if title:
            out.append(
                located.problem(("nguoi_ky", "ho_ten"),
                                _("không ghi học hàm, học vị '{title}' trước họ tên").format(title=title), "R-SIG-2")
            )
        if name == rules.upper_vi(name) and any(ch.isalpha() for ch in name):
            out.append(
                located.problem(("nguoi_ky", "ho_ten"), _("họ tên viết hoa chữ cái đầu, không viết toàn chữ hoa"),
                                "R-EL-7b")
            )
    for i, item in strings(get(data, "noi_nhan")):
        path: Path_ = ("noi_nhan",) if i is None else ("noi_nhan", i)
        if rules.is_nhu_tren(item):
            out.append(located.problem(path, _("Thông báo không có 'Kính gửi' nên không dùng 'Như trên'"), "R-NN-4"))
        if rules.clean_recipient(item).lower().startswith("lưu"):
            out.append(located.problem(path, _("dòng 'Lưu' ghi ở trường 'luu', không ghi trong 'noi_nhan'"), "R-NN-3"))
    symbol = get(data, "ky_hieu")
    if isinstance(symbol, str) and symbol.strip() and not rules.is_valid_ky_hieu(symbol.strip()):
        out.append(
            located.problem(("ky_hieu",),
                            _("ký hiệu '{symbol}' gồm các nhóm chữ nối bằng '-', không có dấu cách").format(
                                symbol=symbol), "R-NUM-6")
        )
    abbreviation = get(data, "co_quan", "viet_tat")
    own_symbol = isinstance(symbol, str) and symbol.strip()
    if (not own_symbol and isinstance(abbreviation, str) and abbreviation.strip()
            and not rules.is_valid_ky_hieu(f"TB-{abbreviation.strip()}")):
        out.append(
            located.problem(("co_quan", "viet_tat"),
                            _("chữ viết tắt '{abbreviation}' không dùng được trong ký hiệu (không dấu cách)").format(
                                abbreviation=abbreviation),
                            "R-NUM-6")
        )
    issued = as_date(get(data, "ngay"))
    meeting = as_date(get(data, "cuoc_hop", "ngay"))
    if issued and meeting and issued < meeting:
        out.append(located.problem(("ngay",), _("ngày ban hành trước ngày cuộc họp"), "R-DATE-1"))
    if get(data, "ngay") in (None, "") and get(data, "cuoc_hop", "ngay") in (None, ""):
        out.append(
            located.problem(("ngay",), _("bản dự thảo chưa có ngày ban hành cần 'cuoc_hop.ngay' để ghi năm"),
                            "R-DATE-5")
        )
    for key in ("mo_dau", "ket_thuc"):
        items = strings(get(data, key))
        for n, (i, text) in enumerate(items):
            if key == "ket_thuc" and n == len(items) - 1:
                text = text.rstrip().removesuffix("./.")
            if "./." in text:
                out.append(located.problem((key,) if i is None else (key, i), _(_END_MARK), "R-END-1"))
    body = get(data, "noi_dung")
    if isinstance(body, list):
        out.extend(_node_problems(located, body, ("noi_dung",), meeting, top=True))
    out.extend(id_problems(located, data))  # a task id used twice; an update listed twice
    return out


_END_MARK = N_("dấu kết thúc './.' chỉ đặt ở cuối văn bản; vanban tự thêm")


def _node_problems(located: Located, nodes: list[Any], path: Path_, meeting: dt.date | None,
                   top: bool) -> list[Problem]:
    out: list[Problem] = []
    for i, node in enumerate(nodes):
        here = (*path, i)
        if isinstance(node, str):
            if "./." in node:
                out.append(located.problem(here, _(_END_MARK), "R-END-1"))
            continue
        if not isinstance(node, dict):
            continue
        kinds = [k for k in (*NODE_KINDS, "doan") if k in node]
        for kind in kinds:
            if isinstance(node[kind], str) and "./." in node[kind]:
                out.append(located.problem((*here, kind), _(_END_MARK), "R-END-1"))
        if "muc" in kinds and not top:
            out.append(located.problem((*here, "muc"), _("mục (I, II, …) chỉ đặt ở cấp ngoài cùng của nội dung"),
                                       "R-BODY-6"))
        children = node.get("noi_dung")
        if "gach" in kinds and isinstance(children, list):
            for j, child in enumerate(children):
                if isinstance(child, dict) and not ({"cong", "nhiem_vu"} & child.keys()):
                    out.append(located.problem((*here, "noi_dung", j), _("dưới gạch đầu dòng '-' chỉ có ý '+' (cong)")))
        deadline = as_date(node.get("han"))
        if deadline and meeting and deadline < meeting:
            out.append(located.problem((*here, "han"), _("thời hạn trước ngày cuộc họp")))
        if isinstance(children, list):
            out.extend(_node_problems(located, children, (*here, "noi_dung"), meeting, top=False))
    return out
