"""Issuing: the number and date written once, the exact bytes archived as PDF/A, one commit [issue 15].

Each test runs on an office repository made by ``vanban init`` + ``vanban new`` and kept in
git, as a clerk's is, and drives the CLI in-process.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest

from helpers import DRAFT, git, office
from vanban.cli import main

EXAMPLE = Path("content") / "2023-12-phien-hop-thuong-ky.yaml"
REGISTER = Path("da-phat-hanh") / "so-dang-ky.jsonl"


@pytest.fixture()
def repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    """Return a committed office repository with next month's draft filled in, as the working folder."""
    with office(tmp_path) as root:
        capsys.readouterr()
        yield root


def _issue(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["issue", str(DRAFT), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_issue_writes_number_and_date_archives_pdfa_and_commits(repository: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = DRAFT.read_text(encoding="utf-8")
    code, out, err = _issue(capsys, "--number", "7", "--date", "2024-02-01")
    assert (code, err) == (0, ""), err
    assert "Đã phát hành 07/TB-UBND ngày 01/02/2024" in out
    after = DRAFT.read_text(encoding="utf-8")
    # Only the two lines were added; every comment and line of the author is where it was.
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == ['so: "07"', 'ngay: "2024-02-01"']
    assert [line for line in after.splitlines() if line not in added] == before.splitlines()
    assert git("status", "--porcelain") == ""
    assert git("log", "-1", "--format=%s") == "Phát hành 07/TB-UBND ngày 01/02/2024\n"
    committed = set(git("show", "--name-only", "--format=", "HEAD").split())
    pdf, docx, snapshot = (Path("da-phat-hanh/2024") / f"07-TB-UBND{s}" for s in (".pdf", ".docx", ".yaml"))
    assert committed == {str(DRAFT), str(pdf), str(docx), str(snapshot), str(REGISTER)}
    entry = json.loads(REGISTER.read_text(encoding="utf-8"))
    assert (entry["so"], entry["ky_hieu"], entry["ngay"], entry["su_kien"]) == (7, "TB-UBND", "2024-02-01", "phat_hanh")
    assert entry["nguoi_ky"] == "Nguyễn Mạnh Hùng" and entry["truoc"] == ""
    assert "Thường trực Thị ủy" in entry["noi_nhan"]
    import hashlib

    assert entry["tep"][str(pdf)] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    # PDF/A-2b: XMP identification, an output intent, every font embedded.
    with pikepdf.open(io.BytesIO(pdf.read_bytes())) as document:
        meta = document.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")
        assert document.Root.OutputIntents[0].S == "/GTS_PDFA1"
        for page in document.pages:
            for font in page.Resources.Font.values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                assert "/FontFile2" in descendant.FontDescriptor or "/FontFile3" in descendant.FontDescriptor
    # The snapshot holds what came from vanban.yaml, so later profile edits cannot change the issued text.
    frozen = snapshot.read_text(encoding="utf-8")
    assert "Nguyễn Mạnh Hùng" in frozen and "Thường trực Thị ủy" in frozen


def test_without_a_number_the_repository_proposes_one_and_says_what_it_knows(
        repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _issue(capsys, "--date", "2024-02-01")
    assert code == 2
    assert "Số tiếp theo theo kho này là 2 (kho không biết các số cấp ngoài kho)" in err
    assert git("status", "--porcelain") == ""
    code, out, err = _issue(capsys, "--next", "--date", "2024-02-01")
    assert code == 0, err
    assert "Số 2: số lớn nhất đã dùng trong kho này + 1." in out


def test_a_number_in_use_is_a_located_error_and_nothing_is_written(repository: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _issue(capsys, "--number", "1", "--date", "2024-02-01")
    assert code == 1
    assert f"{DRAFT}:" in err and "so: số 01 năm 2024 đã dùng cho content/2023-12-phien-hop-thuong-ky.yaml" in err
    assert "[R-NUM-3]" in err
    assert git("status", "--porcelain", "--untracked-files=all") == ""


def test_issue_refuses_a_dirty_tree_and_a_second_issue(repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("vanban.yaml").write_text(Path("vanban.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    code, _, err = _issue(capsys, "--number", "7", "--date", "2024-02-01")
    assert code == 2 and "chưa commit" in err
    git("checkout", "--", "vanban.yaml")
    assert _issue(capsys, "--number", "7", "--date", "2024-02-01")[0] == 0
    code, _, err = _issue(capsys, "--number", "8", "--date", "2024-02-02")
    assert code == 2 and "đã phát hành với số 07/TB-UBND ngày 01/02/2024" in err


def test_check_fails_when_a_committed_register_line_is_edited_or_removed(
        repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _issue(capsys, "--number", "7", "--date", "2024-02-01")[0] == 0
    assert main(["check"]) == 0
    line = REGISTER.read_text(encoding="utf-8")
    REGISTER.write_text(line.replace('"so":7', '"so":9'), encoding="utf-8")
    assert main(["check"]) == 1
    assert "sổ chỉ được ghi thêm" in capsys.readouterr().err
    REGISTER.write_text("", encoding="utf-8")
    assert main(["check"]) == 1
    assert "dòng đã commit của sổ đăng ký bị sửa hoặc xóa" in capsys.readouterr().err
    git("checkout", "--", str(REGISTER))
    pdf = Path("da-phat-hanh/2024/07-TB-UBND.pdf")
    pdf.write_bytes(pdf.read_bytes() + b"\n")
    assert main(["check"]) == 1
    assert "tệp lưu của văn bản 07/TB-UBND đã bị thay đổi sau khi phát hành" in capsys.readouterr().err


def test_check_reports_a_number_used_twice_after_a_merge(repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = DRAFT.read_text(encoding="utf-8").replace("trich_yeu:", 'so: "01"\nngay: "2024-02-05"\ntrich_yeu:', 1)
    DRAFT.write_text(text, encoding="utf-8")
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert f"{DRAFT}:" in err and "số 01 năm 2024 đã dùng cho content/2023-12-phien-hop-thuong-ky.yaml" in err


def test_verify_recognises_an_archived_copy_and_its_later_revisions(repository: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert _issue(capsys, "--number", "7", "--date", "2024-02-01")[0] == 0
    archived = Path("da-phat-hanh/2024/07-TB-UBND.pdf")
    sent = Path("gui-di.pdf")  # the copy that went out, saved anywhere in the repository
    sent.write_bytes(archived.read_bytes())
    assert main(["verify", str(sent)]) == 0
    out = capsys.readouterr().out
    assert ("gui-di.pdf: đúng bản 07/TB-UBND ngày 01/02/2024 đã phát hành, "
            "lưu tại da-phat-hanh/2024/07-TB-UBND.pdf") in out
    # An incremental update (what a signature appends) keeps the issued bytes as its first revision.
    sent.write_bytes(archived.read_bytes() + b"\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n")
    assert main(["verify", str(sent)]) == 0
    assert "bắt đầu bằng đúng bản 07/TB-UBND" in capsys.readouterr().out
    # A file changed inside the issued bytes is not the issued document.
    data = bytearray(archived.read_bytes())
    data[len(data) // 2] ^= 1
    sent.write_bytes(bytes(data))
    assert main(["verify", str(sent)]) == 1
    assert "không khớp" in capsys.readouterr().err


def test_build_never_renders_an_issued_notice_again(repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A profile edit after issue changes nothing that was sent; a damaged archive stops the build."""
    assert _issue(capsys, "--number", "7", "--date", "2024-02-01")[0] == 0
    archived = Path("da-phat-hanh/2024/07-TB-UBND.pdf").read_bytes()
    profile = Path("vanban.yaml")
    profile.write_text(profile.read_text(encoding="utf-8").replace("Nguyễn Mạnh Hùng", "Trần Văn Thành"),
                       encoding="utf-8")
    assert main(["build", "--force", "-j", "1"]) == 0
    out = Path("output") / f"{DRAFT.stem}.pdf"
    assert out.read_bytes() == archived  # the issued bytes, not a new render with the new signer
    docx = Path("da-phat-hanh/2024/07-TB-UBND.docx").read_bytes()
    assert (Path("output") / f"{DRAFT.stem}.docx").read_bytes() == docx
    example = (Path("output") / f"{EXAMPLE.stem}.pdf").read_bytes()
    assert example != archived  # notices not issued are rendered as before
    Path("da-phat-hanh/2024/07-TB-UBND.pdf").write_bytes(archived + b"%")
    assert main(["build", "--force", "-j", "1"]) == 1
    assert "tệp lưu của văn bản 07/TB-UBND đã bị thay đổi sau khi phát hành" in capsys.readouterr().err


def test_a_secret_document_is_numbered_in_a_series_of_its_own(repository: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Secret documents have their own series [Điều 15.2; R-NUM-3]: 01 may be taken twice in a year."""
    ordinary = Path("content") / "2024-01-thong-bao-thuong.yaml"
    ordinary.write_text(DRAFT.read_text(encoding="utf-8"), encoding="utf-8")
    DRAFT.write_text(DRAFT.read_text(encoding="utf-8") + "do_mat: mat\n", encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "Hai dự thảo")
    capsys.readouterr()
    assert main(["check"]) == 0  # a warning, never a refusal
    err = capsys.readouterr().err
    assert f"{DRAFT}:" in err and ": do_mat: cảnh báo: văn bản mật: được cấp số theo hệ thống số riêng" in err
    assert "dấu độ mật đóng vào ô 10a bằng con dấu khắc sẵn, vanban không in" in err and "[R-OTH-2]" in err
    code, out, err = _issue(capsys, "--next", "--date", "2024-02-01")
    assert code == 0, err
    assert "Đã phát hành 01/TB-UBND ngày 01/02/2024" in out  # the secret series of 2024 was empty
    assert sorted(p.name for p in Path("da-phat-hanh/2024").iterdir()) == [
        "01-TB-UBND-mat.docx", "01-TB-UBND-mat.pdf", "01-TB-UBND-mat.yaml"]
    assert json.loads(REGISTER.read_text(encoding="utf-8").splitlines()[-1])["do_mat"] == "mat"
    assert main(["issue", str(ordinary), "--next", "--date", "2024-02-02"]) == 0
    # The ordinary series goes on after the example's 01, whatever the secret one holds.
    assert "Đã phát hành 02/TB-UBND ngày 02/02/2024" in capsys.readouterr().out
    assert main(["check"]) == 0
    assert "R-NUM-3" not in capsys.readouterr().err
    assert main(["register"]) == 0
    out = capsys.readouterr().out
    secret = out[out.index("năm 2024 — Văn bản mật"):]
    assert "01/TB-UBND" in secret.splitlines()[1] and "02/TB-UBND" not in secret
    assert main(["copy", str(DRAFT), "--form", "sao_y", "--next"]) == 2
    assert "01/TB-UBND là văn bản mật" in capsys.readouterr().err


def test_register_lines_written_before_a_field_existed_still_read() -> None:
    """A register line without ``do_mat`` (every line before it existed) parses, and prints the same bytes."""
    from vanban.commands.archive import Entry

    old = ('{"co_quan":"UBND","ky_hieu":"TB-UBND","loai":"thong_bao","luu":"VT","ngay":"2024-02-01",'
           '"nguoi_ky":"A","nguon":"content/a.yaml","noi_nhan":["B"],"so":1,"su_kien":"phat_hanh",'
           '"tep":{},"trich_yeu":"C","truoc":""}')
    entry = Entry.parse(old)
    assert entry.do_mat == "" and entry.line() == old
    secret = entry.line().replace('"co_quan"', '"do_mat":"toi_mat","co_quan"', 1)
    assert Entry.parse(secret).do_mat == "toi_mat"
    with pytest.raises(ValueError):
        Entry.parse(old.replace('"so":1,', ""))


def test_an_advisory_body_issuing_in_its_own_name_has_a_series_of_its_own(
        repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A Hội đồng written as the issuing body numbers from 01 [Phụ lục I, II.1.c; R-NUM-3]."""
    council = ("co_quan:\n  chu_quan: UBND THỊ XÃ HOÀNG MAI\n  ten: [HỘI ĐỒNG THI ĐUA, KHEN THƯỞNG]\n"
               "  viet_tat: HĐTĐKT\n")
    DRAFT.write_text(council + DRAFT.read_text(encoding="utf-8"), encoding="utf-8")
    git("commit", "-q", "-a", "-m", "Thông báo của Hội đồng")
    code, out, err = _issue(capsys, "--next", "--date", "2024-02-01")
    assert code == 0, err
    # The UBND's 2024 series holds 01 (the example notice); the council's starts at 01.
    assert "Đã phát hành 01/TB-HĐTĐKT ngày 01/02/2024" in out
    assert main(["check"]) == 0
    assert main(["register"]) == 0
    out = capsys.readouterr().out
    assert "UBND THỊ XÃ HOÀNG MAI HỘI ĐỒNG THI ĐUA KHEN THƯỞNG — năm 2024" in out


def test_two_clerks_issue_on_two_branches_and_the_merge_goes_on(repository: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """After a merge of two clerks' issues the register forks: said as a warning, and issuing goes on."""
    assert Path(".gitattributes").read_text(encoding="utf-8") == "/da-phat-hanh/so-dang-ky.jsonl merge=union\n"
    draft = DRAFT.read_text(encoding="utf-8")
    other, third = (Path("content") / f"2024-01-thong-bao-{n}.yaml" for n in ("b", "c"))
    for path in (other, third):
        path.write_text(draft, encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "Ba dự thảo")
    git("branch", "-M", "main")
    git("checkout", "-q", "-b", "van-thu-a")
    assert _issue(capsys, "--number", "5", "--date", "2024-02-01")[0] == 0
    git("checkout", "-q", "-b", "van-thu-b", "main")
    assert main(["issue", str(other), "--number", "6", "--date", "2024-02-02"]) == 0
    git("checkout", "-q", "main")
    git("merge", "-q", "van-thu-a")
    git("merge", "-q", "--no-edit", "van-thu-b")  # no conflict: the register's lines are kept from both
    assert len(REGISTER.read_text(encoding="utf-8").splitlines()) == 2
    capsys.readouterr()
    assert main(["check"]) == 0
    err = capsys.readouterr().err
    assert f"{REGISTER}:2:1: cảnh báo: sổ đăng ký rẽ nhánh: dòng này ghi nối sau đầu sổ" in err
    assert main(["issue", str(third), "--next", "--date", "2024-02-03"]) == 0
    assert "Đã phát hành 07/TB-UBND ngày 03/02/2024" in capsys.readouterr().out
    assert main(["verify", "da-phat-hanh/2024/05-TB-UBND.pdf"]) == 0
