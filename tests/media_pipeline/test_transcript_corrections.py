"""After recognition: pronunciation correction with the raw text kept, hallucinations dropped and counted, and a
trainer's edits re-applied when the talk is transcribed again (the recogniser is scripted here; the real model
runs in test_pipeline_real_model.py)."""

import pytest
from django.core.files import File
from django.utils import translation

from content_library import transcripts
from content_library.models import Talk, TranscriptEdit
from media_pipeline import pipeline

from . import fakes

pytestmark = pytest.mark.django_db

FIRST = [(0.5, 1.0, "今天"), (1.0, 1.6, "这堂"), (1.6, 2.4, "党科。")]
SECOND = [(3.0, 3.5, "落实"), (3.5, 4.6, "三会一科"), (4.6, 5.2, "制度。")]
LOOP = [(6.0, 6.5, "作"), (6.5, 9.0, "语语语语语语语语语")]


@pytest.fixture(autouse=True)
def scripted(settings):
    settings.ASR_BACKEND = "tests.media_pipeline.fakes.ScriptedBackend"
    fakes.CALLS.clear()
    fakes.SCRIPT[:] = [FIRST, SECOND, LOOP]
    with translation.override("en"):
        yield fakes.SCRIPT


def ingest(path, glossary="党课"):
    talk = Talk(title="测试", glossary=glossary, language="zh")
    with path.open("rb") as fh:
        talk.source_file.save(path.name, File(fh, name=path.name), save=False)
    talk.save()
    pipeline.submit(talk, sync=True)
    talk.refresh_from_db()
    return talk


def lines(talk):
    return list(talk.segments.order_by("index").values_list("raw_text", "text"))


def test_misheard_terms_are_corrected_and_the_recognised_text_kept(media_samples):
    talk = ingest(media_samples["short"])
    assert talk.status == Talk.Status.READY
    assert lines(talk) == [("今天这堂党科。", "今天这堂党课。"), ("落实三会一科制度。", "落实三会一课制度。")]
    assert talk.asr_settings["corrections"] == 2
    # The looping line was left out and counted.
    assert talk.asr_settings["dropped_segments"] == 1
    with talk.captions.open("rb") as fh:
        vtt = fh.read().decode()
    assert "党课" in vtt and "三会一课" in vtt and "党科" not in vtt and "语语语" not in vtt


def test_correction_can_be_switched_off(media_samples, settings):
    settings.ASR_CORRECTION = False
    talk = ingest(media_samples["short"])
    assert lines(talk) == [("今天这堂党科。", "今天这堂党科。"), ("落实三会一科制度。", "落实三会一科制度。")]
    assert talk.asr_settings["corrections"] == 0


def test_a_retranscription_reapplies_the_edits_that_still_match(media_samples):
    talk = ingest(media_samples["short"], glossary="")
    assert lines(talk)[0][1] == "今天这堂党科。"  # 党课 is not in the lexicon as a correction target: no glossary
    transcripts.replace_term(talk, "党科", "党课")
    second = talk.segments.get(index=1)
    transcripts.edit_line(talk, second.pk, "落实“三会一课”制度。")
    # The new run hears the second sentence differently; the line edit no longer matches, the term edit does.
    fakes.SCRIPT[:] = [FIRST, [(3.0, 3.5, "落实"), (3.5, 4.6, "三会一课"), (4.6, 5.4, "这项制度。")]]
    pipeline.submit(talk, sync=True)
    talk.refresh_from_db()
    assert talk.status == Talk.Status.READY
    assert [t for _raw, t in lines(talk)] == ["今天这堂党课。", "落实三会一课这项制度。"]
    assert "1 transcript edit no longer matches" in talk.notice
    assert dict(TranscriptEdit.objects.values_list("kind", "still_matches")) == {"term": True, "line": False}
