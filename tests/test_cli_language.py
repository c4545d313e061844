"""The command line speaks the language of the settings: Vietnamese by default, English as a
choice (`language` in the file < VAXDESK_LANG < --lang), help and errors alike."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import i18n
from vaxdesk.cli import main, root_options
from vaxdesk.settings import SettingsError, load_settings, resolve_language


@pytest.fixture
def no_language(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No VAXDESK_LANG, and a settings file of the test's own (absent until written)."""
    monkeypatch.delenv("VAXDESK_LANG", raising=False)
    config = tmp_path / "config.toml"
    monkeypatch.setenv("VAXDESK_CONFIG", str(config))
    return config


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_the_help_is_vietnamese_by_default(no_language: Path) -> None:
    shown = run("--help")
    assert shown.exit_code == 0, shown.output
    assert "Cách dùng:" in shown.output and "Usage:" not in shown.output
    assert "Tùy chọn:" in shown.output and "Lệnh:" in shown.output
    assert "Mở bàn tiêm: một buổi tiêm" in shown.output  # desk's short help, in the list
    assert "Hiện hướng dẫn này rồi thoát." in shown.output  # click's --help
    assert "Hiện phiên bản rồi thoát." in shown.output
    desk = run("desk", "--help")
    assert desk.exit_code == 0, desk.output
    assert "Cách dùng: " in desk.output and "[TÙY_CHỌN]" in desk.output
    assert "Mã điểm tiêm, điền sẵn ở màn hình buổi tiêm." in desk.output
    assert "--db TỆP" in desk.output
    hub = run("hub", "--help")
    assert "[mặc định: 8470]" in hub.output and "[LỆNH] [THAM_SỐ]..." in hub.output
    added = run("user", "add", "--help")
    assert "[bắt buộc]" in added.output and "Họ và tên, như khi đăng nhập." in added.output


@pytest.mark.parametrize("args", [["--lang", "en"], ["--lang=en"], ["--lang", "EN"]])
def test_lang_en_speaks_english(no_language: Path, args: list[str]) -> None:
    for command in ([], ["desk"]):
        shown = run(*args, *command, "--help")
        assert shown.exit_code == 0, shown.output
        assert "Usage:" in shown.output and "Cách dùng" not in shown.output
        assert "Show this message and exit." in shown.output
    assert "Open the desk: a session, then record after record." in run(*args, "--help").output


def test_the_environment_and_the_file_choose_too(
    no_language: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_language.write_text('language = "en"\n[desk]\nsite_id = "QN-01"\n')
    assert "Usage:" in run("--help").output  # the file
    assert "Cách dùng:" in run("--lang", "vi", "--help").output  # the flag beats the file
    monkeypatch.setenv("VAXDESK_LANG", "vi")
    assert "Cách dùng:" in run("--help").output  # the environment beats the file
    assert "Usage:" in run("--lang", "en", "desk", "--help").output  # the flag beats both
    monkeypatch.setenv("VAXDESK_LANG", "en")
    assert "Usage:" in run("--help").output
    other = no_language.parent / "other.toml"
    other.write_text("language = 'vi'\n")
    monkeypatch.delenv("VAXDESK_LANG")
    assert "Cách dùng:" in run("--config", str(other), "--help").output  # --config's file
    assert "Cách dùng:" in run(f"--config={other}", "--help").output


@pytest.mark.parametrize(
    ("args", "env", "file"),
    [
        (["--lang", "fr", "--help"], {}, ""),
        (["--lang=fr", "info"], {}, ""),
        (["--help"], {"VAXDESK_LANG": "klingon"}, ""),
        (["desk", "--help"], {}, "language = 'fr'"),
    ],
)
def test_an_unknown_language_is_one_line_naming_the_known(
    no_language: Path, args: list[str], env: dict[str, str], file: str
) -> None:
    if file:
        no_language.write_text(file)
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "vi, en" in lines[0] and "Traceback" not in result.output


def test_an_unknown_language_in_english(no_language: Path) -> None:
    result = CliRunner().invoke(main, ["--lang", "fr"], env={"VAXDESK_LANG": "en"})
    assert result.exit_code == 1
    assert result.output.strip() == "Error: --lang: unknown language 'fr': available vi, en"


def test_errors_of_the_commands_are_vietnamese_by_default(
    no_language: Path, tmp_path: Path
) -> None:
    usage = run("info", "--db", "missing")
    assert usage.exit_code == 2
    assert "Lỗi: Không có tùy chọn '--db'." in usage.output
    assert "Xem hướng dẫn: 'main info --help'." in usage.output
    missing = run("backup", "--db", str(tmp_path / "none.db"))
    assert missing.exit_code == 2 and "không tồn tại." in missing.output
    assert f"Tệp '{tmp_path / 'none.db'}'" in missing.output  # click's type name, translated
    port = run("hub", "--port", "cao")
    assert "'cao' không phải số nguyên hợp lệ." in port.output
    no_hub = run("sync", "--db", str(tmp_path / "desk.db"))
    assert no_hub.exit_code == 1
    assert no_hub.output.strip() == (
        "Lỗi: chưa có máy chủ: hãy cho --hub và --token (hoặc hub_url, hub_token)"
    )
    bad = tmp_path / "bad.toml"
    bad.write_text("[hub_server]\nport = 'cao'\n")
    refused = run("--config", str(bad), "info")
    assert refused.output.strip() == f"Lỗi: {bad}: 'hub_server.port' phải là số nguyên"


def test_messages_and_counts_in_vietnamese(no_language: Path, tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    added = CliRunner().invoke(
        main, ["user", "add", "--db", str(db), "--name", "Giám", "--role", "supervisor"],
        input="1357\n1357\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "Mã PIN mới của Giám" in added.output and "Nhập lại để xác nhận" in added.output
    assert "đã thêm Giám làm giám sát viên" in added.output
    verified = run("audit", "verify", "--db", str(db))
    assert "nhật ký kiểm tra nguyên vẹn: 1 dòng" in verified.output
    info = CliRunner().invoke(main, ["info"], env={"VAXDESK_DB": str(db)})
    assert "cơ sở dữ liệu : " in info.output and "chờ gửi       : 0" in info.output
    assert "ngôn ngữ      : Tiếng Việt (vi)" in info.output
    english = CliRunner().invoke(main, ["--lang", "en", "info"], env={"VAXDESK_DB": str(db)})
    assert "language    : English (en)" in english.output
    nobody = run("export", "--db", str(db))
    assert nobody.output.strip() == "Lỗi: bàn tiêm này đã có người dùng: hãy cho --as TÊN"


def test_one_process_switches_languages(no_language: Path) -> None:
    """Help texts are kept as message ids and translated when shown."""
    for language, word in [("vi", "Cách dùng:"), ("en", "Usage:"), ("vi", "Cách dùng:")]:
        shown = run("--lang", language, "supervise", "--help")
        assert word in shown.output
        assert ("Số giây." in shown.output) == (language == "vi")


def test_the_settings_hold_the_language(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    assert load_settings(config_file=config, environ={}).language == "vi"
    config.write_text('language = "en"\n')
    assert load_settings(config_file=config, environ={}).language == "en"
    env = {"VAXDESK_LANG": "vi_VN.UTF-8"}
    assert load_settings(config_file=config, environ=env).language == "vi"
    flags = {"language": "en"}
    assert load_settings(config_file=config, environ=env, flags=flags).language == "en"
    assert resolve_language(config_file=config, environ={}) == "en"
    assert resolve_language(config_file=config, environ=env, flag="EN") == "en"
    config.write_text('language = "fr"\n')
    # Only the layer that wins is read: `--lang en` is how one gets past a bad file or variable.
    assert resolve_language(config_file=config, environ={"VAXDESK_LANG": "xx"}, flag="en") == "en"
    assert resolve_language(config_file=config, environ=env) == "vi"
    with pytest.raises(SettingsError, match="unknown language 'fr': available vi, en") as raised:
        load_settings(config_file=config, environ={})
    assert str(raised.value).startswith(f"{config}: 'language'")
    config.write_text("[desk]\nlanguage = 'en'\n")  # not a section's key
    with pytest.raises(SettingsError, match=r"unknown setting 'desk\.language'"):
        load_settings(config_file=config, environ={})


def test_a_broken_file_does_not_hide_the_help(no_language: Path) -> None:
    """The language is read from the file first; the rest of the file, when a command reads
    its settings."""
    no_language.write_text("site_id = ")
    assert "Cách dùng:" in run("--help").output
    broken = run("info")
    assert broken.exit_code == 1 and "không phải TOML hợp lệ" in broken.output


def test_root_options_stop_at_the_command() -> None:
    assert root_options(["--lang", "en", "--config=x.toml", "desk"]) == {
        "--lang": "en", "--config": "x.toml",
    }  # fmt: skip
    assert root_options(["desk", "--lang", "en"]) == {}
    assert root_options(["--lang"]) == {"--lang": ""}


def test_the_real_command_speaks_vietnamese(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "VAXDESK_LANG"}
    env["VAXDESK_CONFIG"] = str(tmp_path / "none.toml")
    shown = subprocess.run([sys.executable, "-m", "vaxdesk", "--help"], env=env,
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert "Cách dùng:" in shown.stdout and "Mở bàn tiêm" in shown.stdout
    english = subprocess.run([sys.executable, "-m", "vaxdesk", "desk", "--help"],
                             env={**env, "VAXDESK_LANG": "en"}, capture_output=True, text=True,
                             check=True)  # fmt: skip
    assert "Usage:" in english.stdout and "Site code" in english.stdout


def test_click_texts_are_clicks_own_ids() -> None:
    """Every message of click_texts.py is one click asks for, word for word (after an upgrade
    of click, an id it no longer uses would be translated in vain)."""
    import click
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    from i18n.catalog import KEYWORDS

    folder = Path(click.__file__).parent
    clicks = {message for _f, _l, message, _c, _x in
              extract_from_dir(str(folder), keywords=DEFAULT_KEYWORDS)}  # fmt: skip
    ours_folder = Path(__file__).parent.parent / "vaxdesk" / "cli"
    ours = {
        message
        for filename, _l, message, _c, _x in extract_from_dir(str(ours_folder), keywords=KEYWORDS)
        if filename == "click_texts.py"
    }
    assert ours and ours <= clicks, ours - clicks
    assert glob.glob(str(folder / "*.py"))


def test_click_speaks_through_our_catalog() -> None:
    import click.core
    import click.exceptions

    assert click.core._ is i18n.gettext and click.exceptions.ngettext is i18n.ngettext
