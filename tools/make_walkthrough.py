"""Make the README walkthrough's pictures: a clerk's month from draft to a TRÍCH SAO for one unit.

Why a tool: the pictures in docs/ must show what vanban really prints, and be made again
when the frame changes. It runs the very commands the README lists, in a throwaway office
repository (``vanban init`` + ``vanban new``), with a throwaway certificate authority for the
signing step, and writes page 1 of each PDF at 60 dpi (``pdftoppm -r 60 -png``) to
``docs/walkthrough-*.png``. It prints what ``vanban check`` said, for the README.

Usage: ``.venv/bin/python tools/make_walkthrough.py``
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
VANBAN = [sys.executable, "-m", "vanban"]
DRAFT = Path("content") / "2024-01-phien-hop-thuong-ky.yaml"
PASSPHRASE = "mat-khau-minh-hoa"
SIGNER = "Nguyễn Mạnh Hùng"
#: What the clerk fills in the draft that ``vanban new`` made.
FILLED = (("[Nội dung họp]", "Kết quả thu ngân sách tháng 01"),
          ("[Đánh giá chung kết quả thực hiện nhiệm vụ]", "Các đơn vị đã thực hiện tốt nhiệm vụ tháng 01."),
          ("  - '[Nội dung kết luận]'\n",
           "  - khoan: Phòng Kinh tế\n    don_vi: Phòng Kinh tế\n    noi_dung:\n"
           "    - nhiem_vu: Hoàn thành gieo cấy vụ Xuân đúng khung lịch thời vụ.\n      han: \"2024-02-20\"\n"
           "  - khoan: Phòng Tài chính - Kế hoạch\n    don_vi: Phòng Tài chính - Kế hoạch\n    noi_dung:\n"
           "    - nhiem_vu: Tập trung chỉ đạo thu ngân sách quý I.\n      han: \"2024-03-31\"\n"))


def run(*args: str, cwd: Path) -> str:
    """Run vanban (or git) in ``cwd``; return what it printed; stop on a failure."""
    command = [*VANBAN, *args[1:]] if args[0] == "vanban" else list(args)
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} → {done.returncode}\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def picture(pdf: Path, name: str) -> Path:
    """Write page 1 of ``pdf`` at 60 dpi to docs/<name>.png."""
    target = DOCS / f"{name}.png"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(target.with_suffix(""))], check=True)
    print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KB")
    return target


def throwaway_keys(folder: Path) -> tuple[Path, Path, Path]:
    """Return a root certificate and PKCS#12 files for the leader and the organisation (for pictures only)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                          x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])

    def usage(signing: bool) -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=signing, content_commitment=signing, key_encipherment=False,
                             data_encipherment=False, key_agreement=False, key_cert_sign=not signing,
                             crl_sign=not signing, encipher_only=False, decipher_only=False)

    now = dt.datetime.now(dt.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = (x509.CertificateBuilder().subject_name(name("Minh hoa")).issuer_name(name("Minh hoa"))
            .public_key(root_key.public_key()).serial_number(1)
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(usage(False), critical=True).sign(root_key, hashes.SHA256()))
    root_pem = folder / "root.pem"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    out = []
    for stem, common in (("lanh-dao", SIGNER), ("co-quan", "UBND thị xã Hoàng Mai")):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = (x509.CertificateBuilder().subject_name(name(common)).issuer_name(root.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
                .add_extension(usage(True), critical=True).sign(root_key, hashes.SHA256()))
        path = folder / f"{stem}.p12"
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            common.encode(), key, cert, [root], serialization.BestAvailableEncryption(PASSPHRASE.encode())))
        out.append(path)
    return root_pem, out[0], out[1]


def main() -> int:
    """Run the walkthrough in a throwaway repository and write its pictures."""
    os.environ.update({"GIT_AUTHOR_NAME": "Văn thư", "GIT_AUTHOR_EMAIL": "vt@example.org",
                       "GIT_COMMITTER_NAME": "Văn thư", "GIT_COMMITTER_EMAIL": "vt@example.org",
                       "LANG": "C.UTF-8", "VANBAN_PIN": PASSPHRASE})
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        run("vanban", "init", "office", cwd=base)
        office = base / "office"
        run("vanban", "new", cwd=office)
        text = (office / DRAFT).read_text(encoding="utf-8")
        for blank, filled in FILLED:
            assert blank in text, blank
            text = text.replace(blank, filled)
        (office / DRAFT).write_text(text, encoding="utf-8")
        # The signing section: the signer's image and the seal (the test fixtures), a throwaway root.
        keys = base / "keys"
        keys.mkdir()
        root_pem, leader, organisation = throwaway_keys(keys)
        (office / "anh").mkdir()
        for image in ("chu-ky.png", "con-dau.png"):
            shutil.copy(ROOT / "tests" / "fixtures" / "signing" / image, office / "anh" / image)
        shutil.copy(root_pem, office / "anh" / "root.pem")
        profile = office / "vanban.yaml"
        profile.write_text(profile.read_text(encoding="utf-8") + f"ky_so:\n  chu_ky:\n    {SIGNER}: anh/chu-ky.png\n"
                           "  con_dau:\n    UBND: {anh: anh/con-dau.png, duong_kinh_mm: \"36\"}\n"
                           "  tin_cay: [anh/root.pem]\n", encoding="utf-8")
        run("git", "init", "-q", cwd=office)
        run("git", "add", ".", cwd=office)
        run("git", "commit", "-qm", "tháng 01", cwd=office)
        # 1. The draft, as the author builds it.
        run("vanban", "build", str(DRAFT), "-f", "pdf", "-o", "output", cwd=office)
        picture(office / "output" / f"{DRAFT.stem}.pdf", "walkthrough-1-du-thao")
        # 2. Check before issuing.
        print(run("vanban", "check", str(DRAFT), cwd=office))
        # 3. Issue: number and date, archived PDF/A and .docx, register line, one commit.
        print(run("vanban", "issue", str(DRAFT), "--number", "7", "--date", "2024-02-01", cwd=office))
        archive = office / "da-phat-hanh" / "2024"
        picture(archive / "07-TB-UBND.pdf", "walkthrough-2-phat-hanh")
        # 4. Sign: the competent person, then the organisation (each revision archived and registered).
        run("vanban", "sign", str(DRAFT), "--role", "leader", "--p12", str(leader), cwd=office)
        run("vanban", "sign", str(DRAFT), "--role", "organisation", "--p12", str(organisation), cwd=office)
        picture(archive / "07-TB-UBND-ky-co-quan.pdf", "walkthrough-3-da-ky")
        # 5. A TRÍCH SAO of one unit's part, numbered in the copy series.
        print(run("vanban", "copy", str(DRAFT), "--form", "trich_sao", "--unit", "Phòng Kinh tế", "--number", "1",
                  "--date", "2024-02-05", cwd=office))
        picture(archive / "01-TrS-UBND.pdf", "walkthrough-4-trich-sao")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
