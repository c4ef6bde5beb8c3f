"""Check the ND30 rules that need more than one field: signer chain, Nơi nhận, ký hiệu, dates, end mark.

Why on the raw data: these checks run on the cleaned data, not the model, so that they
report even when another part of the file fails the model — every problem at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from vanban.errors import Problem
from vanban.i18n import N_, _
from vanban.pipeline import authority, inline, kinds, rules
from vanban.pipeline.fonts import text_width_mm
from vanban.pipeline.kinds.base import as_warning
from vanban.pipeline.layout import LAYOUT, WRAP_SLACK
from vanban.pipeline.loader import Located, Path_
from vanban.pipeline.model import NODE_KINDS
from vanban.pipeline.raw import as_date, get, strings
from vanban.pipeline.validate.tasks import data_deadline, id_problems, marked_deadline


def notice_problems(located: Located, data: Any) -> list[Problem]:
    """Return the ND30 problems that need more than one field: signer, Nơi nhận, ký hiệu, dates, end mark."""
    out: list[Problem] = []
    lines = [v for _, v in strings(get(data, "nguoi_ky", "chuc_vu"))]
    if lines:
        # Who may sign depends on the body's roles: the profile's declaration (carried on the
        # merged data, see profile.MergedLocated) or the usual ones of its name [§8.1; T-20].
        body = [v for _, v in strings(get(data, "co_quan", "ten"))]
        chain = authority.chain_problem(lines, authority.roles_for(getattr(located, "chuc_danh", None), body))
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
    kind = kinds.KINDS.get(kinds.loai_of(data))
    addressed = kind is not None and kind.model.ADDRESSED
    for i, item in strings(get(data, "noi_nhan")):
        path: Path_ = ("noi_nhan",) if i is None else ("noi_nhan", i)
        if rules.is_nhu_tren(item) and not addressed:
            message = _("{kind} không có 'Kính gửi' nên không dùng 'Như trên'").format(
                kind=(kind or kinds.KINDS[kinds.DEFAULT]).name)
            out.append(located.problem(path, message, "R-NN-4"))
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
            # R-NUM-6: the body's abbreviation as it stands in the ký hiệu of a file without loai (TB-UBND).
            and not rules.is_valid_ky_hieu(rules.ky_hieu(kinds.KINDS[kinds.DEFAULT].name, abbreviation.strip()))):
        out.append(
            located.problem(("co_quan", "viet_tat"),
                            _("chữ viết tắt '{abbreviation}' không dùng được trong ký hiệu (không dấu cách)").format(
                                abbreviation=abbreviation),
                            "R-NUM-6")
        )
    meeting = as_date(get(data, "cuoc_hop", "ngay"))
    out.extend(_draft_problems(located, data))
    out.extend(kinds.problems(located, data))  # the parts only the document's kind has
    out.extend(_line_problems(located, data, kind is None or kind.model.NAMED))
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


#: Said of every secret document: what vanban does with ``do_mat``, and what stays the law's.
_SECRET = N_("văn bản mật: được cấp số theo hệ thống số riêng [Điều 15.2]; dấu độ mật đóng vào ô 10a bằng con dấu "
             "khắc sẵn, vanban không in; việc soạn thảo, lưu giữ, sao, gửi văn bản mật theo pháp luật về bảo vệ bí "
             "mật nhà nước (không soạn, không lưu trên máy tính có kết nối mạng; không đưa vào kho git dùng chung)")
_END_MARK = N_("dấu kết thúc './.' chỉ đặt ở cuối văn bản; vanban tự thêm")


def _draft_problems(located: Located, data: Any) -> list[Problem]:
    """Check what a draft prints: a year for its date line, no issue date if marked, no number if issuing.

    Why: a draft needs only what it prints [R-DATE-5]; a marked draft with an issue date, or
    an issuing draft with a number, would print what the văn thư fills in after signing [R-NUM-8].
    """
    out: list[Problem] = []
    draft = get(data, "du_thao")
    marked = draft not in (None, "")
    kind = draft if isinstance(draft, str) else get(draft, "loai")
    if marked and get(data, "ngay") not in (None, ""):
        out.append(located.problem(("ngay",), _("bản dự thảo chưa có ngày ban hành; bỏ 'ngay' (hoặc bỏ 'du_thao' "
                                                "khi ban hành)"), "R-DATE-5"))
    if kind == "trinh_ky" and get(data, "so") not in (None, ""):
        out.append(located.problem(("so",), _("bản trình ký để trống số cho văn thư; bỏ 'so'"), "R-NUM-8"))
    draft_year = get(draft, "thang") or get(draft, "nam")
    if get(data, "ngay") in (None, "") and get(data, "cuoc_hop", "ngay") in (None, "") and not draft_year:
        out.append(located.problem(
            ("du_thao",) if marked else ("ngay",),
            _("bản dự thảo cần năm để ghi dòng ngày tháng: ghi 'du_thao: {nam: \"2026\"}' (hoặc 'thang: "
              "\"2026-09\"'), hoặc 'cuoc_hop.ngay'"), "R-DATE-5"))
    return out


def _line_problems(located: Located, data: Any, named: bool) -> list[Problem]:
    """Refuse a given line too wide for its place: an issuing-body line in its column, a trích yếu line.

    Why: lines the author gives are printed as given, never re-wrapped mid-phrase, so one that
    cannot fit is the author's to split [R-EL-2c, R-EL-5a-2]; a công văn's trích yếu ("V/v …")
    sits in the header's left column [R-EL-5b].
    """
    out: list[Problem] = []
    header = LAYOUT.header_text_mm * WRAP_SLACK
    for key, bold in (("chu_quan", False), ("ten", True)):
        for i, line in strings(get(data, "co_quan", key)):
            width = text_width_mm(rules.upper_vi(rules.collapse_spaces(line)), LAYOUT.co_quan_pt, bold)
            if width > header:
                path: Path_ = ("co_quan", key) if i is None else ("co_quan", key, i)
                out.append(located.problem(path, _(_TOO_WIDE).format(width=round(width), room=round(header)),
                                           "R-EL-2c"))
    lines = strings(get(data, "trich_yeu"))
    place = LAYOUT.title_place(named)
    room = place.room_mm * WRAP_SLACK
    texts: list[tuple[int | None, str]] = []
    for i, line in lines if len(lines) > 1 else []:
        try:
            texts.append((i, inline.parse(line, inline.TITLE).plain))
        except inline.InlineError:
            continue  # the model reports the mark
    shown = [t for _i, t in texts] if named else rules.vv_lines([t for _i, t in texts])
    for (i, _text), text in zip(texts, shown, strict=True):
        width = text_width_mm(text, place.size_pt, bold=place.bold)
        if width > room:
            out.append(located.problem(("trich_yeu", i or 0), _(_TOO_WIDE).format(width=round(width), room=round(room)),
                                       "R-EL-5a-2" if named else "R-EL-5b"))
    return out


_TOO_WIDE = N_("dòng dài {width} mm, không vừa {room} mm; hãy tách thành nhiều dòng")


def secret_warnings(located: Located) -> list[Problem]:
    """Return the warning every secret document gets: vanban numbers it apart, the law says the rest.

    Why a warning and not silence: the độ mật stamp is a physical stamp [R-OTH-2], and drafting
    or keeping state secrets on a networked computer is the law on state secrets' business;
    a clerk who writes ``do_mat`` must hear both, every time.
    """
    if not get(located.data, "do_mat"):
        return []
    return [as_warning(located.problem(("do_mat",), _(_SECRET), "R-OTH-2"))]


def heading_warnings(located: Located) -> list[Problem]:
    """Warn, citing the rule, about each ND30 heading form the notice turns off in ``trinh_bay`` [T-17].

    Why a warning: a mục heading is upper case and bold [Phụ lục I, Mục V row 6.b]; an office may
    ask otherwise, but the notice then departs from the decree and ``build --final`` says so.
    """
    out: list[Problem] = []
    for key, default, message in (
        ("muc_chu", "in_hoa", _("đề mục (I, II, …) không viết in hoa như ND30 quy định")),
        ("muc_net", "dam", _("đề mục (I, II, …) không in đậm như ND30 quy định")),
    ):
        value = get(located.data, "trinh_bay", key)
        if isinstance(value, str) and value.strip() and value.strip() != default:
            out.append(as_warning(located.problem(("trinh_bay", key), message, "T-17")))
    return out


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
        given = (((*here, "han"), data_deadline(node.get("han"))),
                 ((*here, "giao", "han"), data_deadline(get(node, "giao", "han"))),
                 *(((*here, kind), marked_deadline(node[kind])) for kind in kinds))
        for where, deadline in given:
            if deadline and deadline.due and meeting and deadline.due < meeting:
                out.append(located.problem(where, _("thời hạn trước ngày cuộc họp")))
        if isinstance(children, list):
            out.extend(_node_problems(located, children, (*here, "noi_dung"), meeting, top=False))
    return out
