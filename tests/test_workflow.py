"""The office workflow: init, new, the number register, --final and the JSON Schemas [issue 4]."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from vanban.cli import main
from vanban.commands.schema import content_schema, kind_schema, profile_schema


@pytest.fixture()
def office(scaffolded: Path) -> Path:
    """Return a freshly scaffolded office repository, as the working folder."""
    return scaffolded


def _yaml(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_init_scaffolds_a_repository_that_builds_at_once(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = sorted(str(p.relative_to(office)) for p in office.rglob("*") if p.is_file())
    assert names == [
        ".gitattributes",
        ".gitignore",
        "content/2023-12-phien-hop-thuong-ky.yaml",
        "content/2024-01-cong-van-bao-cao.yaml",
        "content/2024-01-giay-moi-phien-hop.yaml",
        "schemas/vanban-cong-van.schema.json",
        "schemas/vanban-giay-moi.schema.json",
        "schemas/vanban-noi-dung.schema.json",
        "schemas/vanban-thong-bao.schema.json",
        "schemas/vanban.schema.json",
        "vanban.yaml",
    ]  # no templates: the office follows vanban's own (issue 18)
    assert (office / ".gitignore").read_text() == "/output/\n"
    assert (office / ".gitattributes").read_text() == "/da-phat-hanh/so-dang-ky.jsonl merge=union\n"
    # Files vanban creates start with the yaml-language-server line pointing at the schemas.
    assert (office / "vanban.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=schemas/vanban.schema.json\n")
    notice = office / "content" / "2023-12-phien-hop-thuong-ky.yaml"
    assert notice.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schemas/vanban-thong-bao.schema.json\n")
    for kind in ("cong-van", "giay-moi"):  # one example of each kind, pointing at its own schema
        (example,) = (office / "content").glob(f"*-{kind}-*.yaml")
        first = example.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schemas/vanban-{kind}.schema.json"
    assert main(["build", "--format", "pdf"]) == 0
    for stem in ("2023-12-phien-hop-thuong-ky", "2024-01-cong-van-bao-cao", "2024-01-giay-moi-phien-hop"):
        assert (office / "output" / f"{stem}.pdf").read_bytes().startswith(b"%PDF")


def test_init_refuses_to_overwrite(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["init", str(office)]) == 2
    assert "dùng --force để ghi đè" in capsys.readouterr().err


def test_scaffolded_files_validate_against_the_generated_schemas(office: Path) -> None:
    """Editor support: the schemas accept what vanban accepts (profile references included)."""
    jsonschema.validate(_yaml(office / "vanban.yaml"), profile_schema())
    for example in (office / "content").glob("*.yaml"):  # every kind's example, against the any-kind schema
        jsonschema.validate(_yaml(example), content_schema())
        loai = str(_yaml(example).get("loai", "thong_bao"))  # type: ignore[union-attr]
        jsonschema.validate(_yaml(example), kind_schema(loai))
    seed = Path(__file__).resolve().parents[1] / "content" / "2023-12-phien-hop-thuong-ky.yaml"
    jsonschema.validate(_yaml(seed), content_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"trich_yeu": "x", "noi_dung": ["a"], "nguoi_ki": "x"}, content_schema())


def test_schema_command_writes_every_schema(tmp_path: Path) -> None:
    """One schema per kind, one for any kind (what older files point at), one for vanban.yaml."""
    assert main(["schema", "--out", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["vanban-cong-van.schema.json", "vanban-giay-moi.schema.json", "vanban-noi-dung.schema.json",
                       "vanban-thong-bao.schema.json", "vanban.schema.json"]
    data = json.loads((tmp_path / "vanban-thong-bao.schema.json").read_text(encoding="utf-8"))
    assert {"trich_yeu", "noi_dung", "nguoi_ky", "noi_nhan"} <= set(data["properties"])
    assert data["additionalProperties"] is False
    letter = json.loads((tmp_path / "vanban-cong-van.schema.json").read_text(encoding="utf-8"))
    assert {"kinh_gui", "don_vi_soan_thao"} <= set(letter["properties"]) and "loai" in letter["required"]
    any_kind = json.loads((tmp_path / "vanban-noi-dung.schema.json").read_text(encoding="utf-8"))
    assert len(any_kind["oneOf"]) == 3


def test_new_starts_next_months_draft_from_the_latest(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "--as-of", "2024-01-20"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Trạng thái tính đến ngày 20/01/2024 (theo --as-of)."
    created = office / "content" / "2024-01-phien-hop-thuong-ky.yaml"
    text = created.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/vanban-thong-bao.schema.json\n")
    assert "# Nhiệm vụ chưa xong của mọi thông báo đến 2023-12-phien-hop-thuong-ky.yaml. Trạng thái tính đến " \
           "ngày 20/01/2024 (theo --as-of).\n" in text
    data = _yaml(created)
    assert isinstance(data, dict)
    assert "so" not in data and "ngay" not in data  # number and issue date cleared
    assert data["nguoi_ky"] == "pho-chanh-vp"  # signer carried (by name, as written)
    assert data["cuoc_hop"]["ngay"] == "2024-01-27"  # one month after 27/12/2023
    assert data["trich_yeu"].endswith("tháng 01 năm 2024")
    review = data["noi_dung"][0]
    assert review["muc"] == "Kết quả thực hiện nhiệm vụ giao tại phiên họp tháng 12/2023"
    assert review["noi_dung"][1] == {"khoan": "Phòng Kinh tế", "noi_dung": [
        {"gach": "Tập trung chỉ đạo sản xuất cây trồng vụ Xuân đạt diện tích theo kế hoạch (Thông báo số "
                 "01/TB-UBND ngày 05/01/2024; hạn 31/01/2024; chưa làm)."}]}
    capsys.readouterr()
    assert main(["check"]) == 0  # the new file passes as a draft
    assert "Hợp lệ: 4 văn bản." in capsys.readouterr().out  # with init's invitation and công văn
    assert main(["new"]) == 0  # and the next one chains from it
    assert (office / "content" / "2024-02-phien-hop-thuong-ky.yaml").exists()


def test_new_leaves_done_tasks_out(office: Path) -> None:
    notice = office / "content" / "2023-12-phien-hop-thuong-ky.yaml"
    follow = office / "content" / "2024-01-bao-cao.yaml"
    follow.write_text(notice.read_text(encoding="utf-8").replace('so: "01"', 'so: "02"').replace(
        'ngay: "2023-12-27"', 'ngay: "2024-01-03"').replace('ngay: "2024-01-05"', 'ngay: "2024-01-08"')
        + "cap_nhat_nhiem_vu:\n  - thong_bao: 2023-12-phien-hop-thuong-ky\n    ma: KT-01\n"
          "    trang_thai: xong\n    ngay: \"2024-01-06\"\n", encoding="utf-8")
    assert main(["new", "--from-notice", str(notice), "--meeting-date", "2024-01-30", "-o", "content/x.yaml"]) == 0
    data = _yaml(office / "content" / "x.yaml")
    assert isinstance(data, dict)
    assert data["noi_dung"][0]["noi_dung"] == ["[Đánh giá chung kết quả thực hiện nhiệm vụ]"]


def test_final_refuses_drafts_placeholders_and_used_numbers(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new"]) == 0
    capsys.readouterr()
    assert main(["build", "--final"]) == 1
    err = capsys.readouterr().err
    assert "2024-01-phien-hop-thuong-ky.yaml:5:1: so: bản chính thức phải có số văn bản [R-NUM-8]" in err
    assert re.search(r"2024-01-phien-hop-thuong-ky\.yaml:\d+:\d+: noi_dung\[1\]\.noi_dung\[0\]: "
                     r"còn chỗ chưa điền '\[Nội dung kết luận\]'", err)
    assert not (office / "output").exists()
    draft = office / "content" / "2024-01-phien-hop-thuong-ky.yaml"
    text = draft.read_text(encoding="utf-8").replace("[", "").replace("]", "")
    draft.write_text(text + 'so: "01"\nngay: "2024-02-01"\n', encoding="utf-8")
    assert main(["build", "--final", str(draft)]) == 1
    err = capsys.readouterr().err
    assert "so: số 01 năm 2024 đã dùng cho content/2023-12-phien-hop-thuong-ky.yaml [R-NUM-3]" in err
    draft.write_text(text + 'so: "02"\nngay: "2024-02-01"\n', encoding="utf-8")
    assert main(["build", "--final", str(draft), "--format", "pdf"]) == 0


def test_register_lists_numbers_duplicates_and_next(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = (office / "content" / "2023-12-phien-hop-thuong-ky.yaml").read_text(encoding="utf-8")
    for name, number, day in (("b", "04", "2024-03-01"), ("c", "04", "2024-04-01"), ("d", "01", "2025-01-03")):
        (office / "content" / f"{name}.yaml").write_text(
            source.replace('so: "01"', f'so: "{number}"').replace('ngay: "2024-01-05"', f'ngay: "{day}"'),
            encoding="utf-8")
    capsys.readouterr()
    assert main(["register"]) == 0
    out = capsys.readouterr().out
    assert main(["so"]) == 0  # the Vietnamese name stays an alias
    assert capsys.readouterr().out == out
    assert "ỦY BAN NHÂN DÂN THỊ XÃ HOÀNG MAI — năm 2024" in out
    assert re.search(r"^  04/TB-UBND  01/03/2024  Thông báo: Kết luận .*  Nguyễn Mạnh Hùng  content/b.yaml  "
                     r"\(chưa phát hành qua vanban issue\)  ← TRÙNG SỐ \[R-NUM-3\]$", out, re.M)
    # Numbers 02 and 03 may have been issued outside this repository: they are not called gaps.
    assert not re.search(r"^  0[23]/", out, re.M) and "bỏ trống" not in out
    assert "  Số bị trùng: 04" in out
    assert "  Số tiếp theo theo kho này: 05" in out
    # R-NUM-3: numbering restarts on 1 January.
    assert out.split("năm 2025")[1].split("Số tiếp theo theo kho này: ")[1].startswith("02")


def test_register_prints_the_outgoing_register_as_xlsx(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    assert main(["register", "-f", "xlsx", "-o", "so.xlsx"]) == 0
    sheet = load_workbook(office / "so.xlsx").worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:10] == ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
                           "Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản",
                           "Ngày chuyển", "Ký nhận", "Ghi chú"]  # Phụ lục IV, I.2
    row = [c.value for c in sheet[2]]
    assert row[0] == "01/TB-UBND" and row[3] == "Nguyễn Mạnh Hùng" and row[5] == "VT, VP"
