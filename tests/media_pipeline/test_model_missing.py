"""A server whose model folder is missing: the default model is assembled from its packages, any other
missing folder fails the talk with a message that names the fix (never a model-hub error)."""

import pytest
from django.utils import translation

from content_library.models import Talk
from media_pipeline import asr
from media_pipeline.asr.faster_whisper import ensure_model_files
from media_pipeline.errors import MediaError

from .test_pipeline_real_model import ingest

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def fresh_backends(monkeypatch):
    monkeypatch.setattr(asr, "_backends", {})


def test_missing_model_folder_fails_the_talk_with_the_fix(settings, tmp_path, talks_dir, fresh_backends):
    settings.ASR_MODEL = str(tmp_path / "models" / "whisper-large")
    result, error = ingest(talks_dir / "dev03_lianzheng.ogg", "--title", "无模型")
    talk = Talk.objects.get(pk=result["id"])
    assert talk.status == Talk.Status.FAILED
    assert "install_asr_model" in talk.error and "ASR_MODEL" in talk.error
    assert "Repo id" not in talk.error and "Internal error" not in talk.error
    assert str(tmp_path) not in talk.error  # no server paths shown to trainers


def test_missing_default_model_folder_is_assembled_from_the_packages(settings, tmp_path):
    settings.ASR_MODEL_DIR = tmp_path / "asr" / "whisper-base"
    settings.ASR_MODEL = str(settings.ASR_MODEL_DIR)
    ensure_model_files(settings.ASR_MODEL)
    assert (settings.ASR_MODEL_DIR / "model.bin").is_file()
    assert (settings.ASR_MODEL_DIR / "tokenizer.json").is_file()


def test_a_local_path_is_never_taken_for_a_hub_name(settings, tmp_path):
    with translation.override("en"), pytest.raises(MediaError) as caught:
        ensure_model_files(str(tmp_path / "nowhere"))
    assert "install_asr_model" in caught.value.message
